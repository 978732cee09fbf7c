import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../auth/request-context';

export type AccessAction = 'read' | 'list' | 'create' | 'update' | 'delete' | 'export' | 'erase' | 'transition';

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
 * no entry and a committed one always has its entry.
 */
@Injectable()
export class AccessLogService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async record(ctx: RequestContext, entries: AccessEntry | AccessEntry[], tx?: EntityManager): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    await (tx ?? this.db.manager).query(
      `INSERT INTO access_log (actor_type, actor_id, office_id, resource_type, resource_id, action, request_id, details)
       SELECT $1, $2, e.office_id, e.resource_type, e.resource_id, e.action, $3, e.details
         FROM jsonb_to_recordset($4::jsonb)
           AS e(office_id uuid, resource_type text, resource_id text, action text, details jsonb)`,
      [
        ctx.actor.kind,
        ctx.actor.id,
        ctx.requestId,
        JSON.stringify(
          list.map((e) => ({
            office_id: e.officeId,
            resource_type: e.resourceType,
            resource_id: e.resourceId,
            action: e.action,
            details: e.details ?? null,
          })),
        ),
      ],
    );
  }
}
