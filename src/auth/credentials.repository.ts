import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { prepared } from '../database/prepared';
import type { Membership, Principal } from './principal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The queries authentication needs on every request: one round trip each. Their scope is none: they
 * run before any office is known, outside an office-scoped transaction, on app_user, membership and
 * api_key, which hold no social data and are not under row-level security (see migration
 * 1764116300000-RowLevelSecurity). They never touch a table that is.
 */
@Injectable()
export class CredentialsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * An active user with memberships, as a principal; null when unknown, deactivated, or when the
   * token's epoch is not the user's current one (password changed, deactivated, reactivated).
   */
  async activeUserPrincipal(userId: string, tokenEpoch: number): Promise<Principal | null> {
    if (!UUID.test(userId)) return null;
    const rows = await prepared<{ id: string; is_admin: boolean; memberships: Membership[] }>(
      this.db,
      'auth_active_user',
      `SELECT u.id, u.is_admin,
              COALESCE(json_agg(json_build_object('officeId', m.office_id, 'role', m.role))
                       FILTER (WHERE m.office_id IS NOT NULL), '[]') AS memberships
         FROM app_user u LEFT JOIN membership m ON m.user_id = u.id
        WHERE u.id = $1 AND u.is_active AND u.token_epoch = $2
        GROUP BY u.id`,
      [userId, tokenEpoch],
    );
    const row = rows[0];
    if (!row) return null;
    return { kind: 'user', id: row.id, isAdmin: row.is_admin, memberships: row.memberships };
  }

  /** An unrevoked API key as a principal with its one office membership. */
  async apiKeyPrincipal(keyHash: string): Promise<Principal | null> {
    const rows = await prepared<{ id: string; office_id: string; role: 'advisor' | 'auditor' }>(
      this.db,
      'auth_api_key',
      `SELECT id, office_id, role FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      kind: 'api_key',
      id: row.id,
      isAdmin: false,
      memberships: [{ officeId: row.office_id, role: row.role }],
    };
  }

  async userForSignIn(email: string): Promise<{
    id: string;
    passwordHash: string | null;
    active: boolean;
    tokenEpoch: number;
  } | null> {
    // password_hash is null for a single sign-on user: verifyPassword refuses it after the same work.
    const rows: {
      id: string;
      password_hash: string | null;
      is_active: boolean;
      token_epoch: number;
    }[] = await this.db.query(
      `SELECT id, password_hash, is_active, token_epoch FROM app_user WHERE lower(email) = lower($1)`,
      [email],
    );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          passwordHash: row.password_hash,
          active: row.is_active,
          tokenEpoch: row.token_epoch,
        }
      : null;
  }
}
