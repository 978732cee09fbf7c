import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../database/transaction';

export type Reservation =
  { granted: true; ids: string[] } | { granted: false; retryAfterSeconds: number };

/**
 * The sign-in throttle, kept in PostgreSQL so that it holds across instances. Every attempt first
 * reserves one row per key (email, client address) in auth_failure; check and reservation are one
 * step under a per-key lock, so at most `maxFailures` attempts per key and window are ever verified,
 * however many arrive in parallel. A failed attempt keeps its row (settle), a successful one
 * removes it (release): earlier failures are not forgiven by a success, so a legitimate sign-in
 * never buys an attacker new guesses within the window.
 */
@Injectable()
export class SignInThrottleRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async reserve(keys: string[], windowSeconds: number, maxFailures: number): Promise<Reservation> {
    // Sorted, so that two attempts sharing keys always lock them in the same order (no deadlock).
    const sorted = [...new Set(keys)].sort();
    const rows = await inTransaction(this.db, async (tx) => {
      // The lock waits for every earlier reservation of these keys to commit; READ COMMITTED then
      // gives the next statement a snapshot that contains them.
      await tx.query(
        `SELECT pg_advisory_xact_lock(hashtext('lotse:sign-in'), hashtext(k.key))
           FROM unnest($1::text[]) WITH ORDINALITY AS k(key, ord) ORDER BY k.ord`,
        [sorted],
      );
      return tx.query<{ ids: string[] | null; retry_after: number | null }[]>(
        `WITH counted AS (
           SELECT k.key, count(f.id) AS n, bool_or(f.pending) AS any_pending,
                  min(f.failed_at) FILTER (WHERE NOT f.pending) AS oldest_failure
             FROM unnest($1::text[]) AS k(key)
             LEFT JOIN auth_failure f ON f.key = k.key AND f.failed_at > now() - make_interval(secs => $2)
            GROUP BY k.key),
         blocked AS (SELECT * FROM counted WHERE n >= $3),
         reserved AS (
           INSERT INTO auth_failure (key, pending)
           SELECT key, true FROM counted WHERE NOT EXISTS (SELECT 1 FROM blocked)
           RETURNING id)
         SELECT (SELECT array_agg(id::text) FROM reserved) AS ids,
                -- A verification still running frees its slot within a second (or becomes a failure).
                (SELECT max(CASE WHEN any_pending THEN 1
                                 ELSE ceil(extract(epoch FROM oldest_failure + make_interval(secs => $2) - now()))
                            END)::int FROM blocked) AS retry_after`,
        [sorted, windowSeconds, maxFailures],
      );
    });
    const { ids, retry_after } = rows[0];
    if (retry_after !== null)
      return { granted: false, retryAfterSeconds: Math.max(1, retry_after) };
    return { granted: true, ids: ids ?? [] };
  }

  /** The attempt failed: its reservations count as failures for the rest of the window. */
  async settle(ids: string[]): Promise<void> {
    await this.db.query(`UPDATE auth_failure SET pending = false WHERE id = ANY($1::bigint[])`, [
      ids,
    ]);
  }

  /** The attempt succeeded (or never reached the password check): its slots are free again. */
  async release(ids: string[]): Promise<void> {
    await this.db.query(`DELETE FROM auth_failure WHERE id = ANY($1::bigint[])`, [ids]);
  }
}
