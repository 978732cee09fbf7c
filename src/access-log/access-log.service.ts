import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../auth/request-context';
import type { OfficeTx } from '../database/office-transaction';
import { prepared } from '../database/prepared';

export const ACCESS_ACTIONS = ['read', 'list', 'create', 'update', 'delete', 'export', 'erase', 'transition'] as const;
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
  async record(ctx: RequestContext, entries: AccessEntry | AccessEntry[], tx: OfficeTx): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    // One multi-row VALUES insert: it runs on every request, so it stays a single plain statement.
    const params: unknown[] = [ctx.actor.kind, ctx.actor.id, ctx.requestId];
    const rows = list.map((e) => {
      params.push(e.officeId, e.resourceType, e.resourceId, e.action, e.details ? JSON.stringify(e.details) : null);
      const n = params.length;
      return `($1, $2, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $3, $${n})`;
    });
    // Named per row count (nearly always 1), so the statement is planned once per connection.
    await prepared(
      tx.manager,
      `access_log_${list.length}`,
      `INSERT INTO access_log (actor_type, actor_id, office_id, resource_type, resource_id, action, request_id, details)
       VALUES ${rows.join(', ')}`,
      params,
    );
  }
}
