import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { beginWith, commitWith, type NamedStatement } from './pg-driver';
import type { OfficeIds } from '../auth/office-scope';
import type { IsolationLevel } from './transaction';

const SCOPED: unique symbol = Symbol('office-scoped');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A transaction bound to a set of offices, twice: the office ids every office-scoped repository
 * query filters by, and the same ids in PostgreSQL's `app.office_ids`, which the row-level
 * security policies read. Only OfficeDb.run makes one, so a repository method that takes an
 * OfficeTx cannot be called outside such a transaction, and cannot be called without the ids.
 */
export interface OfficeTx {
  readonly manager: EntityManager;
  /** The offices of the scope; empty: the caller holds the permission nowhere (no rows). */
  readonly officeIds: readonly string[];
  /**
   * A statement (no parameters: literals escaped by the caller) sent with the COMMIT in one round
   * trip: it commits with the transaction or not at all. The access log's entries go this way.
   */
  atCommit(statement: string): void;
  readonly [SCOPED]: true;
}

/**
 * Opens the office-scoped transactions all request work runs in. The first statement of each is
 * `SELECT set_config('app.office_ids', <ids>, true)`, sent with its BEGIN: transaction-local, so a
 * pooled connection never carries one request's offices into the next, whatever the request did.
 */
@Injectable()
export class OfficeDb {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Runs `work` in a transaction scoped to the offices of `scope` (a permission's scope from
   * office-scope.ts, or explicit office ids for system work that names its own). Scope `every`
   * (an administrator's) is resolved to every office at the start. `first` (statements of the
   * resolved office ids) are sent in the BEGIN's round trip; `work` gets their rows.
   */
  async run<T>(
    scope: { readonly officeIds: OfficeIds },
    work: (tx: OfficeTx, first: unknown[][]) => Promise<T>,
    isolation: IsolationLevel = 'READ COMMITTED',
    first?: (officeIds: readonly string[]) => readonly NamedStatement[],
  ): Promise<T> {
    const officeIds = scope.officeIds === 'every' ? await this.everyOffice() : [...scope.officeIds];
    for (const id of officeIds) {
      if (!UUID.test(id)) throw new Error(`office scope with a malformed office id`);
    }
    const runner = this.db.createQueryRunner();
    try {
      // BEGIN and the scope in one round trip (every request pays it). The ids are checked UUIDs
      // above, so writing them into the statement is safe; the setting is transaction-local.
      const firstRows = await beginWith(
        runner,
        `BEGIN ISOLATION LEVEL ${isolation}`,
        `SELECT set_config('app.office_ids', '${officeIds.join(',')}', true)`,
        first?.(officeIds),
      );
      const atCommit: string[] = [];
      const tx: OfficeTx = {
        manager: runner.manager,
        officeIds,
        atCommit: (s) => this.queueAtCommit(atCommit, s),
        [SCOPED]: true,
      };
      const result = await work(tx, firstRows);
      await commitWith(runner, atCommit);
      return result;
    } catch (error) {
      // The first error is the answer; a rollback on a broken connection would only hide it.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Where atCommit statements go; a standby's transactions refuse them (replica-office-db.ts). */
  protected queueAtCommit(queue: string[], statement: string): void {
    queue.push(statement);
  }

  private async everyOffice(): Promise<string[]> {
    // office is not under row-level security: it names offices, it holds no social data.
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM office ORDER BY id`);
    return rows.map((r) => r.id);
  }
}
