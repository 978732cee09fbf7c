import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** @table feed_token */
export interface FeedTokenTableRow {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A token as read back: never its hash. */
export type FeedTokenRow = Omit<FeedTokenTableRow, 'token_hash' | 'user_id'>;

const COLUMNS = 'id, name, token_prefix, created_at, last_used_at, revoked_at';

/**
 * feed_token is not under row-level security (like api_key): the feed looks a token up before any
 * office is known, and the table holds no social data. Every query is bound to its user instead.
 * UPDATE … RETURNING is wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count].
 */
@Injectable()
export class FeedTokensRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async insert(
    tx: EntityManager,
    token: { userId: string; name: string; hash: string; prefix: string },
  ): Promise<FeedTokenRow> {
    const rows: FeedTokenRow[] = await tx.query(
      `INSERT INTO feed_token (user_id, name, token_hash, token_prefix) VALUES ($1, $2, $3, $4)
       RETURNING ${COLUMNS}`,
      [token.userId, token.name, token.hash, token.prefix],
    );
    return rows[0];
  }

  listOf(tx: EntityManager, userId: string): Promise<FeedTokenRow[]> {
    return tx.query(
      `SELECT ${COLUMNS} FROM feed_token WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [userId],
    );
  }

  /** Revokes at once (the feed looks tokens up per request). False when the user has no such token. */
  async revoke(tx: EntityManager, userId: string, id: string): Promise<boolean> {
    const rows = await tx.query<{ id: string }[]>(
      `WITH revoked AS (
         UPDATE feed_token SET revoked_at = COALESCE(revoked_at, now())
          WHERE id = $1 AND user_id = $2 RETURNING id)
       SELECT id FROM revoked`,
      [id, userId],
    );
    return rows.length > 0;
  }

  /**
   * An unrevoked token's owner with the owner's current token epoch (whether the owner is still
   * active is the principal look-up's question). Scope: none, like the credential look-ups.
   */
  async owner(hash: string): Promise<{ id: string; userId: string; tokenEpoch: number } | null> {
    const rows: { id: string; user_id: string; token_epoch: number }[] = await this.db.query(
      `SELECT t.id, t.user_id, u.token_epoch
         FROM feed_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [hash],
    );
    const row = rows[0];
    return row ? { id: row.id, userId: row.user_id, tokenEpoch: row.token_epoch } : null;
  }

  /** Marks the token used; at most one write a minute, so a polling client costs no row churn. */
  async touch(tx: EntityManager, id: string): Promise<void> {
    await tx.query(
      `WITH touched AS (
         UPDATE feed_token SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
          RETURNING id)
       SELECT id FROM touched`,
      [id],
    );
  }
}
