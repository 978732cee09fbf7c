import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { OfficeIds } from '../auth/office-scope';

/** @table office */
export interface OfficeRow {
  id: string;
  code: string;
  name: string;
  region: string | null;
  created_at: Date;
  updated_at: Date;
}

/** @table api_key */
export interface ApiKeyTableRow {
  id: string;
  office_id: string;
  name: string;
  role: 'advisor' | 'auditor';
  key_hash: string;
  key_prefix: string;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

/** A key as read back: never its hash. */
export type ApiKeyRow = Omit<ApiKeyTableRow, 'key_hash' | 'created_by'>;

// UPDATE … RETURNING is wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count].
// office and api_key are not under row-level security (they are read before any office is known,
// and hold no social data): reads without an access-log entry use the data source directly.
@Injectable()
export class OfficesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async findById(id: string, tx: EntityManager = this.db.manager): Promise<OfficeRow | null> {
    const rows: OfficeRow[] = await tx.query(`SELECT * FROM office WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The offices of a scope ('every': all offices, also those created after the scope was taken). */
  list(ids: OfficeIds): Promise<OfficeRow[]> {
    return this.db.query(
      `SELECT * FROM office WHERE ($1::uuid[] IS NULL OR id = ANY($1)) ORDER BY code`,
      [ids === 'every' ? null : ids],
    );
  }

  /** The id is the caller's: its transaction is scoped to the new office before the row exists. */
  async insert(
    tx: EntityManager,
    office: { id: string; code: string; name: string; region: string | null },
  ): Promise<OfficeRow | null> {
    const rows: OfficeRow[] = await tx.query(
      `INSERT INTO office (id, code, name, region) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(code))) DO NOTHING RETURNING *`,
      [office.id, office.code, office.name, office.region],
    );
    return rows[0] ?? null;
  }

  async update(
    tx: EntityManager,
    id: string,
    fields: { code?: string; name?: string; region?: string | null },
  ): Promise<OfficeRow> {
    const rows: OfficeRow[] = await tx.query(
      `WITH changed AS (
         UPDATE office SET code = COALESCE($2, code), name = COALESCE($3, name),
                region = CASE WHEN $4 THEN $5 ELSE region END, updated_at = now()
          WHERE id = $1 RETURNING *)
       SELECT * FROM changed`,
      [
        id,
        fields.code ?? null,
        fields.name ?? null,
        fields.region !== undefined,
        fields.region ?? null,
      ],
    );
    return rows[0];
  }

  async codeTaken(tx: EntityManager, code: string, exceptId: string): Promise<boolean> {
    const rows = await tx.query<unknown[]>(
      `SELECT 1 FROM office WHERE lower(code) = lower($1) AND id <> $2`,
      [code, exceptId],
    );
    return rows.length > 0;
  }

  async insertApiKey(
    tx: EntityManager,
    key: {
      officeId: string;
      name: string;
      role: string;
      hash: string;
      prefix: string;
      createdBy: string | null;
    },
  ): Promise<ApiKeyRow> {
    const rows: ApiKeyRow[] = await tx.query(
      `INSERT INTO api_key (office_id, name, role, key_hash, key_prefix, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, office_id, name, role, key_prefix, created_at, revoked_at`,
      [key.officeId, key.name, key.role, key.hash, key.prefix, key.createdBy],
    );
    return rows[0];
  }

  listApiKeys(officeId: string): Promise<ApiKeyRow[]> {
    return this.db.query(
      `SELECT id, office_id, name, role, key_prefix, created_at, revoked_at
         FROM api_key WHERE office_id = $1 ORDER BY created_at DESC`,
      [officeId],
    );
  }

  /** Revokes at once: the guard looks keys up on every request. False when there is no such key. */
  async revokeApiKey(tx: EntityManager, officeId: string, id: string): Promise<boolean> {
    const rows = await tx.query<{ id: string }[]>(
      `WITH revoked AS (
         UPDATE api_key SET revoked_at = COALESCE(revoked_at, now())
          WHERE id = $1 AND office_id = $2 RETURNING id)
       SELECT id FROM revoked`,
      [id, officeId],
    );
    return rows.length > 0;
  }
}
