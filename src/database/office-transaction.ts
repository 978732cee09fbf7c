import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { PoolClient } from 'pg';
import {
  beginWith,
  commitWith,
  ensurePrepared,
  executeText,
  poolOf,
  type NamedStatement,
} from './pg-driver';
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
  /**
   * Work for after the COMMIT (the access log's read entries, which its group committer writes):
   * run once the transaction has committed and its connection is back in the pool, and awaited
   * before OfficeDb answers, so that a failure of `effect` is the failure of the whole call. A
   * transaction that rolls back runs none.
   */
  afterCommit(effect: () => Promise<void>): void;
  readonly [SCOPED]: true;
}

/**
 * What a read that has already committed (OfficeDb.read) may still do: log. atCommit throws there
 * (there is no COMMIT left to send a change with); afterCommit works as in OfficeTx.
 */
export type OfficeLogScope = Pick<OfficeTx, 'officeIds' | 'atCommit' | 'afterCommit'>;

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
    const officeIds = await this.resolve(scope.officeIds);
    const effects: (() => Promise<void>)[] = [];
    let result: T;
    const runner = this.db.createQueryRunner();
    try {
      // BEGIN and the scope in one round trip (every request pays it). The ids are checked UUIDs
      // above, so writing them into the statement is safe; the setting is transaction-local.
      const firstRows = await beginWith(
        runner,
        `BEGIN ISOLATION LEVEL ${isolation}`,
        scopeStatement(officeIds),
        first?.(officeIds),
      );
      const atCommit: string[] = [];
      const tx: OfficeTx = {
        manager: runner.manager,
        officeIds,
        atCommit: (s) => this.queueAtCommit(atCommit, s),
        afterCommit: (effect) => void effects.push(effect),
        [SCOPED]: true,
      };
      result = await work(tx, firstRows);
      await commitWith(runner, atCommit);
    } catch (error) {
      // The first error is the answer; a rollback on a broken connection would only hide it.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
    // Committed, connection released (the effects may need one of the pool's).
    await runEffects(effects);
    return result;
  }

  /**
   * A read in ONE round trip: BEGIN, the scope, `statements` (named, prepared once per connection)
   * and COMMIT in one simple-protocol message; `work` gets their rows after the COMMIT, with a
   * scope that can log reads (afterCommit) but not change anything. For the hot point reads
   * (GET /cases/:id): OfficeDb.run would take a second round trip for the COMMIT. The statements
   * are built from the resolved office ids, like run's `first`.
   */
  async read<T>(
    scope: { readonly officeIds: OfficeIds },
    statements: (officeIds: readonly string[]) => readonly NamedStatement[],
    work: (tx: OfficeLogScope, rows: unknown[][]) => T | Promise<T>,
    isolation: IsolationLevel = 'READ COMMITTED',
  ): Promise<T> {
    const officeIds = await this.resolve(scope.officeIds);
    const named = statements(officeIds);
    const client: PoolClient = await poolOf(this.db).connect();
    let rows: unknown[][];
    try {
      await ensurePrepared(client, named);
      const text = [
        `BEGIN ISOLATION LEVEL ${isolation} READ ONLY`,
        scopeStatement(officeIds),
        ...named.map((s) => executeText(client, s)),
        'COMMIT',
      ].join(';\n');
      const results = await client.query(text);
      rows = (Array.isArray(results) ? results : [results])
        .slice(2, 2 + named.length)
        .map((r: { rows: unknown[] }) => r.rows);
    } catch (error) {
      // A failed statement leaves the message's transaction open and aborted: end it, or drop the
      // connection when even that fails.
      const ended = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(ended ? undefined : (error as Error));
      throw error;
    }
    client.release();
    const effects: (() => Promise<void>)[] = [];
    const tx: OfficeLogScope = {
      officeIds,
      atCommit: () => {
        throw new Error('OfficeDb.read has committed already: changes belong in OfficeDb.run');
      },
      afterCommit: (effect) => void effects.push(effect),
    };
    const result = await work(tx, rows);
    await runEffects(effects);
    return result;
  }

  /** Where atCommit statements go; a standby's transactions refuse them (replica-office-db.ts). */
  protected queueAtCommit(queue: string[], statement: string): void {
    queue.push(statement);
  }

  /** The office ids of a scope, `every` resolved, each checked to be a UUID. */
  private async resolve(ids: OfficeIds): Promise<string[]> {
    const officeIds = ids === 'every' ? await this.everyOffice() : [...ids];
    for (const id of officeIds) {
      if (!UUID.test(id)) throw new Error(`office scope with a malformed office id`);
    }
    return officeIds;
  }

  private async everyOffice(): Promise<string[]> {
    // office is not under row-level security: it names offices, it holds no social data.
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM office ORDER BY id`);
    return rows.map((r) => r.id);
  }
}

/**
 * The scope as the transaction's first statement. The ids are checked UUIDs (resolve), so writing
 * them into the statement is safe; the setting is transaction-local.
 */
function scopeStatement(officeIds: readonly string[]): string {
  return `SELECT set_config('app.office_ids', '${officeIds.join(',')}', true)`;
}

/** Runs the after-commit effects together; the first failure is the caller's. */
async function runEffects(effects: readonly (() => Promise<void>)[]): Promise<void> {
  if (effects.length === 0) return;
  await Promise.all(effects.map((effect) => effect()));
}
