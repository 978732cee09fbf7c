import { Inject, Injectable } from '@nestjs/common';
import type { RequestContext } from '../auth/request-context';
import type { OfficeLogScope } from '../database/office-transaction';
import { escapeLiteral } from 'pg';
import { accessLogInsertOf, ReadLogCommitter } from './read-log-committer';

export const ACCESS_ACTIONS = [
  'read',
  'list',
  'create',
  'update',
  'delete',
  'export',
  'erase',
  'transition',
] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/**
 * Actions that change nothing: their entries are group-committed after the read (ReadLogCommitter).
 * Every other action logs inside the change's transaction.
 */
const READ_ACTIONS: ReadonlySet<AccessAction> = new Set(['read', 'list', 'export']);

export class AccessLogScopeError extends Error {}

export interface AccessEntry {
  officeId: string | null;
  resourceType: string;
  resourceId: string | null;
  action: AccessAction;
  /** Filters or ids, never personal data. */
  details?: Record<string, unknown>;
}

/**
 * Records every read or change of personal data and every export (SGB X: social data must be
 * traceable). Changes are logged inside the use case's transaction, so a rolled-back change leaves
 * no entry and a committed one always has its entry. Reads (read, list, export) are logged after
 * their transaction commits, group-committed with the entries of concurrent reads, and the read
 * answers only once its entry is committed; a read that rolls back logs nothing. A read entry must
 * name an office of the transaction's scope (or none), as row-level security would demand of it
 * in the read's own transaction.
 */
@Injectable()
export class AccessLogService {
  constructor(@Inject(ReadLogCommitter) private readonly reads: ReadLogCommitter) {}

  /**
   * Changes: added to the transaction, written with its COMMIT in the same round trip, existing
   * exactly when the transaction commits. Reads: handed to the group committer after the COMMIT;
   * the transaction's caller (OfficeDb) waits for them before it answers.
   */
  record(ctx: RequestContext, entries: AccessEntry | AccessEntry[], tx: OfficeLogScope): void {
    const all = Array.isArray(entries) ? entries : [entries];
    const reads = all.filter((e) => READ_ACTIONS.has(e.action));
    const changes =
      reads.length === all.length ? [] : all.filter((e) => !READ_ACTIONS.has(e.action));
    const statement = accessLogInsert(ctx, changes);
    if (statement) tx.atCommit(statement);
    if (reads.length === 0) return;
    for (const e of reads) {
      if (e.officeId !== null && !tx.officeIds.includes(e.officeId))
        throw new AccessLogScopeError(
          `an access-log entry for an office outside the transaction's scope (row-level security would refuse it)`,
        );
    }
    const rows = { officeIds: reads.map((e) => e.officeId), tuples: accessLogTuples(ctx, reads) };
    tx.afterCommit(() => this.reads.write(rows));
  }
}

/**
 * The INSERT of the entries with every value as an escaped literal (pg's escapeLiteral), so that
 * it can travel in one simple-protocol message with the COMMIT; null when there are none.
 */
export function accessLogInsert(
  ctx: RequestContext,
  entries: readonly AccessEntry[],
): string | null {
  if (entries.length === 0) return null;
  return accessLogInsertOf(accessLogTuples(ctx, entries));
}

/** Each entry's values, in ACCESS_LOG_COLUMNS' order, as escaped literals. */
export function accessLogTuples(ctx: RequestContext, entries: readonly AccessEntry[]): string[] {
  const literal = (v: string | null): string => (v === null ? 'NULL' : escapeLiteral(v));
  return entries.map((e) =>
    [
      ctx.actor.kind,
      ctx.actor.id,
      e.officeId,
      e.resourceType,
      e.resourceId,
      e.action,
      ctx.requestId,
      e.details ? JSON.stringify(e.details) : null,
    ]
      .map(literal)
      .join(', '),
  );
}
