import { DataSource, EntityManager } from 'typeorm';

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * Runs one use case in one transaction and hands its EntityManager down explicitly, so every
 * repository call of the use case joins it. Effects that must not happen for a rolled-back change
 * (events, mails) belong after this returns.
 */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (tx: EntityManager) => Promise<T>,
  isolation: IsolationLevel = 'READ COMMITTED',
): Promise<T> {
  // READ COMMITTED is PostgreSQL's default: naming it would cost a SET TRANSACTION round trip.
  return isolation === 'READ COMMITTED'
    ? dataSource.transaction(work)
    : dataSource.transaction(isolation, work);
}
