import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/*
 * The one place that knows how TypeORM holds its pg objects. TypeORM has no public API for the
 * pool or a query runner's client, and pg none for closing a client's socket hard; each use here
 * is checked against the real driver by test/pg-driver.e2e-spec.ts, so an upgrade that moves one
 * fails that test (or the clear error below), not a request.
 */

function missing(what: string): Error {
  return new Error(
    `${what}: TypeORM or pg changed its internals; update src/database/pg-driver.ts`,
  );
}

/** The pg pool behind a DataSource (PostgresDriver keeps it in `master`). */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as { master?: Pool }).master;
  if (!pool) throw missing('no pg pool on the DataSource');
  return pool;
}

/**
 * The pg client of the query runner an EntityManager is bound to (a transaction's own
 * connection), connecting it if it has none yet; undefined for a manager bound to no runner
 * (DataSource.manager), whose queries go to the pool.
 */
export async function clientOf(manager: EntityManager): Promise<PoolClient | undefined> {
  const runner = manager.queryRunner;
  if (!runner) return undefined;
  // PostgresQueryRunner.connect() answers the connection it already holds (typed `any`).
  const client = (await runner.connect()) as PoolClient | undefined;
  if (typeof client?.query !== 'function') throw missing('the query runner gave no pg client');
  return client;
}

/**
 * A driver stand-in whose pool is `queryable`, for a DataSource-shaped stand-in that runs the
 * repositories' SQL (and their prepared statements) on one client: the bench's baseline.
 */
export function standInDriver(queryable: Pick<Pool, 'query'>): DataSource['driver'] {
  return { master: queryable } as unknown as DataSource['driver'];
}

/**
 * Closes a client's socket at once. A polite close (release, end) waits for the running query,
 * a COPY to its end; after this the server's next send fails and the query ends. Release the
 * client with an error afterwards so the pool drops it.
 */
export function destroyClient(client: PoolClient): void {
  const stream = (client as { connection?: { stream?: { destroy?(): void } } }).connection?.stream;
  if (typeof stream?.destroy !== 'function') throw missing('no socket on the pg client');
  stream.destroy();
}

/**
 * Opens a transaction on `runner` with `first` sent in the same round trip as BEGIN (pg's simple
 * query protocol takes several statements when there are no parameters), then tells TypeORM the
 * transaction is open, so that its commitTransaction and rollbackTransaction end it as one it had
 * started itself (PostgresQueryRunner keeps that in isTransactionActive and transactionDepth).
 */
export async function beginWith(runner: QueryRunner, begin: string, first: string): Promise<void> {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth?: unknown };
  if (typeof state.transactionDepth !== 'number')
    throw missing('no transaction depth on the query runner');
  if (state.transactionDepth !== 0 || state.isTransactionActive)
    throw new Error('beginWith on a runner inside a transaction');
  await runner.query(`${begin}; ${first}`);
  state.isTransactionActive = true;
  state.transactionDepth = 1;
}

/**
 * Ends the transaction `beginWith` opened: `statements` and the COMMIT in one round trip. When one
 * of them fails nothing is committed; the transaction stays open (aborted) for the caller's
 * rollback.
 */
export async function commitWith(
  runner: QueryRunner,
  statements: readonly string[],
): Promise<void> {
  if (statements.length === 0) return runner.commitTransaction();
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth?: unknown };
  if (state.transactionDepth !== 1 || !state.isTransactionActive)
    throw new Error('commitWith outside a beginWith transaction');
  await runner.query([...statements, 'COMMIT'].join(';\n'));
  state.isTransactionActive = false;
  state.transactionDepth = 0;
}
