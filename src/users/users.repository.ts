import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { OfficeIds } from '../auth/office-scope';
import type { Membership } from '../auth/principal';

/** @table app_user */
export interface AppUserRow {
  id: string;
  email: string;
  name: string;
  /** Null for a user who signs in through the OIDC provider only. */
  password_hash: string | null;
  is_admin: boolean;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  token_epoch: number;
  /** The OIDC provider's iss and sub of a single sign-on user (both or neither). */
  oidc_issuer: string | null;
  oidc_subject: string | null;
}

/** A user as read back: without credentials and token epoch, with the memberships. */
export interface UserRow extends Omit<
  AppUserRow,
  'password_hash' | 'token_epoch' | 'oidc_issuer' | 'oidc_subject'
> {
  memberships: Membership[];
}

const SELECT_USER = `
  SELECT u.id, u.email, u.name, u.is_admin, u.is_active, u.created_at, u.updated_at,
         COALESCE(json_agg(json_build_object('officeId', m.office_id, 'role', m.role) ORDER BY m.office_id)
                  FILTER (WHERE m.office_id IS NOT NULL), '[]') AS memberships
    FROM app_user u LEFT JOIN membership m ON m.user_id = u.id`;

/**
 * app_user and membership are not under row-level security (sign-in reads them before any office
 * is known): the office scope of a list or a membership change is an argument here, and 'every'
 * (an administrator's) means no office filter, so users without any membership are included.
 */
@Injectable()
export class UsersRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async findById(id: string, tx: EntityManager = this.db.manager): Promise<UserRow | null> {
    const rows: UserRow[] = await tx.query(`${SELECT_USER} WHERE u.id = $1 GROUP BY u.id`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Users with a membership in one of the offices ('every': all users), newest first, keyset paged.
   * Rows carry their sort key at microsecond precision (cursor_at): a JS Date would cut it to ms.
   */
  list(
    tx: EntityManager,
    officeIds: OfficeIds,
    limit: number,
    after: [string, string] | null,
  ): Promise<(UserRow & { cursor_at: string })[]> {
    return tx.query(
      `SELECT x.*, to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at FROM (${SELECT_USER}
        WHERE ($1::uuid[] IS NULL OR EXISTS (
                 SELECT 1 FROM membership x WHERE x.user_id = u.id AND x.office_id = ANY($1)))
          AND ($2::timestamptz IS NULL OR (u.created_at, u.id) < ($2, $3::uuid))
        GROUP BY u.id
        ORDER BY u.created_at DESC, u.id DESC
        LIMIT $4) x
        ORDER BY x.created_at DESC, x.id DESC`,
      [officeIds === 'every' ? null : officeIds, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
  }

  async insert(
    tx: EntityManager,
    user: { email: string; name: string; passwordHash: string; isAdmin: boolean },
  ): Promise<string | null> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO app_user (email, name, password_hash, is_admin) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
      [user.email, user.name, user.passwordHash, user.isAdmin],
    );
    return rows[0]?.id ?? null;
  }

  async update(
    tx: EntityManager,
    id: string,
    fields: { name?: string; isActive?: boolean; passwordHash?: string },
  ): Promise<void> {
    // A new password, a deactivation and a reactivation raise the token epoch: older tokens stop working.
    await tx.query(
      `UPDATE app_user
          SET name = COALESCE($2, name), is_active = COALESCE($3, is_active),
              password_hash = COALESCE($4, password_hash), updated_at = now(),
              token_epoch = token_epoch
                + CASE WHEN $4::text IS NOT NULL OR ($3::boolean IS NOT NULL AND $3 <> is_active) THEN 1 ELSE 0 END
        WHERE id = $1`,
      [id, fields.name ?? null, fields.isActive ?? null, fields.passwordHash ?? null],
    );
  }

  /** Replaces the user's memberships in the given offices (other offices stay as they are). */
  async replaceMemberships(
    tx: EntityManager,
    userId: string,
    inOffices: OfficeIds,
    memberships: Membership[],
  ): Promise<void> {
    await tx.query(
      `DELETE FROM membership WHERE user_id = $1 AND ($2::uuid[] IS NULL OR office_id = ANY($2))`,
      [userId, inOffices === 'every' ? null : inOffices],
    );
    if (memberships.length === 0) return;
    await tx.query(
      `INSERT INTO membership (user_id, office_id, role)
       SELECT $1, m.office_id, m.role FROM jsonb_to_recordset($2::jsonb) AS m(office_id uuid, role text)`,
      [userId, JSON.stringify(memberships.map((m) => ({ office_id: m.officeId, role: m.role })))],
    );
  }

  async anyUserExists(tx: EntityManager = this.db.manager): Promise<boolean> {
    const rows: { exists: boolean }[] = await tx.query(
      `SELECT EXISTS (SELECT 1 FROM app_user) AS exists`,
    );
    return rows[0].exists;
  }

  async existingOffices(ids: string[], tx: EntityManager = this.db.manager): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM office WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => r.id);
  }
}
