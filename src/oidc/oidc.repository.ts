import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Membership, Role } from '../auth/principal';
import { prepared } from '../database/prepared';

/** @table oidc_mapping */
export interface OidcMappingRow {
  id: string;
  claim_value: string;
  office_id: string;
  role: Role;
  created_by: string | null;
  created_at: Date;
}

/** The user of a provider identity (if any) and the memberships their groups map to. */
export interface OidcIdentityRow {
  user: { id: string; email: string; is_admin: boolean; is_active: boolean } | null;
  /** From oidc_mapping: per office the strongest role any of the groups gives. */
  mapped: Membership[];
  /** The user's rows in membership (the mirror of `mapped` at their last request). */
  mirrored: Membership[];
}

/**
 * oidc_mapping and the app_user/membership rows of single sign-on users. None of them is under
 * row-level security (authentication reads them before any office is known); the mapping API's
 * writes run in the admin's OfficeDb transaction for its access-log entries.
 */
@Injectable()
export class OidcRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * One round trip per request: the user by (iss, sub), the memberships the token's groups map to
   * (lead > advisor > auditor when several groups name one office), and the mirrored rows.
   */
  async identity(issuer: string, subject: string, groups: string[]): Promise<OidcIdentityRow> {
    const rows = await prepared<OidcIdentityRow>(
      this.db,
      'oidc_identity',
      `SELECT (SELECT json_build_object('id', u.id, 'email', u.email, 'is_admin', u.is_admin,
                                        'is_active', u.is_active)
                 FROM app_user u WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2) AS "user",
              COALESCE((SELECT json_agg(json_build_object('officeId', x.office_id, 'role', x.role)
                                        ORDER BY x.office_id)
                          FROM (SELECT DISTINCT ON (m.office_id) m.office_id, m.role
                                  FROM oidc_mapping m
                                 WHERE m.claim_value = ANY ($3::text[])
                                 ORDER BY m.office_id,
                                          array_position(ARRAY['lead', 'advisor', 'auditor'], m.role)) x),
                       '[]') AS mapped,
              COALESCE((SELECT json_agg(json_build_object('officeId', s.office_id, 'role', s.role)
                                        ORDER BY s.office_id)
                          FROM membership s JOIN app_user u ON u.id = s.user_id
                         WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2), '[]') AS mirrored`,
      [issuer, subject, groups],
    );
    return rows[0];
  }

  /**
   * A new single sign-on user; null when the email (or, in a race, the identity) is taken: the
   * caller reads the identity again to tell the two apart.
   */
  async createUser(user: {
    issuer: string;
    subject: string;
    email: string;
    name: string;
  }): Promise<string | null> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO app_user (email, name, oidc_issuer, oidc_subject) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING id`,
      [user.email, user.name, user.issuer, user.subject],
    );
    return rows[0]?.id ?? null;
  }

  /** The provider's new email for the user, unless another user has it (then nothing changes). */
  async updateEmail(id: string, email: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      // In a CTE: TypeORM answers a bare UPDATE … RETURNING as [rows, count].
      `WITH changed AS (
         UPDATE app_user SET email = $2, updated_at = now()
          WHERE id = $1
            AND NOT EXISTS (SELECT 1 FROM app_user o WHERE lower(o.email) = lower($2) AND o.id <> $1)
         RETURNING id)
       SELECT id FROM changed`,
      [id, email],
    );
    return rows.length > 0;
  }

  /**
   * Makes the user's membership rows equal to `memberships`, in one statement (so two requests of
   * the same user at once cannot interleave a delete and an insert).
   */
  async mirrorMemberships(userId: string, memberships: Membership[]): Promise<void> {
    await this.db.query(
      `WITH wanted AS (
         SELECT m.office_id, m.role FROM jsonb_to_recordset($2::jsonb) AS m(office_id uuid, role text)),
       gone AS (
         DELETE FROM membership s WHERE s.user_id = $1
            AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.office_id = s.office_id))
       INSERT INTO membership (user_id, office_id, role) SELECT $1, office_id, role FROM wanted
       ON CONFLICT (user_id, office_id) DO UPDATE SET role = EXCLUDED.role
         WHERE membership.role IS DISTINCT FROM EXCLUDED.role`,
      [userId, JSON.stringify(memberships.map((m) => ({ office_id: m.officeId, role: m.role })))],
    );
  }

  async insertMapping(
    tx: EntityManager,
    mapping: { claimValue: string; officeId: string; role: Role; createdBy: string | null },
  ): Promise<OidcMappingRow | null> {
    const rows: OidcMappingRow[] = await tx.query(
      `INSERT INTO oidc_mapping (claim_value, office_id, role, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (claim_value, office_id) DO NOTHING RETURNING *`,
      [mapping.claimValue, mapping.officeId, mapping.role, mapping.createdBy],
    );
    return rows[0] ?? null;
  }

  listMappings(tx: EntityManager): Promise<OidcMappingRow[]> {
    return tx.query(`SELECT * FROM oidc_mapping ORDER BY claim_value, office_id`);
  }

  async deleteMapping(tx: EntityManager, id: string): Promise<OidcMappingRow | null> {
    const rows: OidcMappingRow[] = await tx.query(
      `WITH gone AS (DELETE FROM oidc_mapping WHERE id = $1 RETURNING *) SELECT * FROM gone`,
      [id],
    );
    return rows[0] ?? null;
  }

  async officeExists(tx: EntityManager, officeId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM office WHERE id = $1`, [officeId]);
    return rows.length > 0;
  }
}
