import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../auth/request-context';
import type { OfficeTx } from '../database/office-transaction';
import { escapeLiteral } from 'pg';

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
 * no entry and a committed one always has its entry. Reads are logged in the transaction of the
 * read, so an entry is written in the office scope of what was read (row-level security checks it).
 */
@Injectable()
export class AccessLogService {
  /**
   * Adds the entries to the transaction: they are written with its COMMIT, in the same round trip
   * (every request logs, so this saves one), and exist exactly when the transaction commits.
   */
  record(ctx: RequestContext, entries: AccessEntry | AccessEntry[], tx: OfficeTx): void {
    const statement = accessLogInsert(ctx, Array.isArray(entries) ? entries : [entries]);
    if (statement) tx.atCommit(statement);
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
  const literal = (v: string | null): string => (v === null ? 'NULL' : escapeLiteral(v));
  const rows = entries.map((e) =>
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
  return `INSERT INTO access_log (actor_type, actor_id, office_id, resource_type, resource_id, action, request_id, details)
       VALUES ${rows.map((r) => `(${r})`).join(', ')}`;
}
