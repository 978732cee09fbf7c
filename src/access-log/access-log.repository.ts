import { Injectable } from '@nestjs/common';
import type { ActorType } from './dto/access-log-entry.dto';
import type { OfficeTx } from '../database/office-transaction';

/** @table access_log */
export interface AccessLogRow {
  id: string;
  at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  office_id: string | null;
  resource_type: string;
  resource_id: string | null;
  action: string;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

export interface AccessLogFilter {
  /** Also the entries without an office (lists across offices): administrators only. */
  withoutOffice: boolean;
  userId?: string;
  resourceId?: string;
  from?: Date;
  to?: Date;
  after?: number;
  limit: number;
}

@Injectable()
export class AccessLogRepository {
  /** Entries of the scope's offices (and, when asked, those without an office). */
  list(tx: OfficeTx, f: AccessLogFilter): Promise<AccessLogRow[]> {
    return tx.manager.query(
      // Ordered by the table's bigint id: a bare "id" would name the text output column and sort
      // "98" before "240", while the cursor compares numbers, so pages would repeat and skip.
      `SELECT l.id::text AS id, at, actor_type, actor_id, office_id, resource_type, resource_id, action, request_id, details
         FROM access_log l
        WHERE (office_id = ANY($1::uuid[]) OR ($8::boolean AND office_id IS NULL))
          AND ($2::uuid IS NULL OR actor_id = $2)
          AND ($3::text IS NULL OR resource_id = $3)
          AND ($4::timestamptz IS NULL OR at >= $4)
          AND ($5::timestamptz IS NULL OR at < $5)
          AND ($6::bigint IS NULL OR l.id < $6)
        ORDER BY l.id DESC
        LIMIT $7`,
      [
        tx.officeIds,
        f.userId ?? null,
        f.resourceId ?? null,
        f.from ?? null,
        f.to ?? null,
        f.after ?? null,
        f.limit + 1,
        f.withoutOffice,
      ],
    );
  }
}
