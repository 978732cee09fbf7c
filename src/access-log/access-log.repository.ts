import { Inject, Injectable } from '@nestjs/common';
import type { ActorType } from './dto/access-log-entry.dto';
import { DataSource } from 'typeorm';

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
  /** null = every office (admins); otherwise only entries of these offices. */
  officeIds: string[] | null;
  userId?: string;
  resourceId?: string;
  from?: Date;
  to?: Date;
  after?: number;
  limit: number;
}

@Injectable()
export class AccessLogRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  list(f: AccessLogFilter): Promise<AccessLogRow[]> {
    return this.db.query(
      // Ordered by the table's bigint id: a bare "id" would name the text output column and sort
      // "98" before "240", while the cursor compares numbers, so pages would repeat and skip.
      `SELECT l.id::text AS id, at, actor_type, actor_id, office_id, resource_type, resource_id, action, request_id, details
         FROM access_log l
        WHERE ($1::uuid[] IS NULL OR office_id = ANY($1))
          AND ($2::uuid IS NULL OR actor_id = $2)
          AND ($3::text IS NULL OR resource_id = $3)
          AND ($4::timestamptz IS NULL OR at >= $4)
          AND ($5::timestamptz IS NULL OR at < $5)
          AND ($6::bigint IS NULL OR l.id < $6)
        ORDER BY l.id DESC
        LIMIT $7`,
      [
        f.officeIds,
        f.userId ?? null,
        f.resourceId ?? null,
        f.from ?? null,
        f.to ?? null,
        f.after ?? null,
        f.limit + 1,
      ],
    );
  }
}
