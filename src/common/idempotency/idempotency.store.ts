import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../errors/app-error';

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Stored first answers for `Idempotency-Key` retries. The answer is saved in the same transaction
 * as the change it reports, so a change and its stored answer exist together or not at all; a
 * concurrent duplicate fails on the primary key and then replays the winner's answer.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  static validKey(key: string | undefined): string | null {
    if (key === undefined) return null;
    if (!KEY.test(key)) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1-200 visible ASCII characters.', {
        errors: [{ field: 'Idempotency-Key', message: 'invalid header value' }],
      });
    }
    return key;
  }

  static requestHash(...parts: unknown[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  /** The stored answer of an earlier request with this key, or null. */
  async replay(actorId: string, key: string, requestHash: string, tx?: EntityManager): Promise<unknown | null> {
    const rows: { request_hash: string; body: unknown }[] = await (tx ?? this.db.manager).query(
      `SELECT request_hash, body FROM idempotent_request WHERE actor_id = $1 AND key = $2`,
      [actorId, key],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.request_hash !== requestHash) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
    }
    return row.body;
  }

  async save(tx: EntityManager, actorId: string, key: string, requestHash: string, body: unknown): Promise<void> {
    await tx.query(
      `INSERT INTO idempotent_request (actor_id, key, request_hash, status, body) VALUES ($1, $2, $3, 200, $4)`,
      [actorId, key, requestHash, JSON.stringify(body)],
    );
  }

  /**
   * Runs `work` at most once per key: a retry gets the stored answer. `work` receives `remember`,
   * to store its answer inside its own transaction, and `replayLocked`, to look again once it holds
   * its row lock: a duplicate sent at the same moment as the first request waits on that lock and
   * must then answer what the first one answered, not judge the new state.
   */
  async once<T>(
    actorId: string,
    key: string | null,
    requestHash: string,
    work: (
      remember: (tx: EntityManager, body: T) => Promise<void>,
      replayLocked: (tx: EntityManager) => Promise<T | null>,
    ) => Promise<T>,
  ): Promise<T> {
    if (key === null) return work(async () => undefined, async () => null);
    // No replay before `work` has checked access: a caller who lost the office must not get the
    // stored answer back. `work` replays through `replayLocked` once it holds its row lock.
    try {
      return await work(
        (tx, body) => this.save(tx, actorId, key, requestHash, body),
        async (tx) => (await this.replay(actorId, key, requestHash, tx)) as T | null,
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        const winner = await this.replay(actorId, key, requestHash);
        if (winner !== null) return winner as T;
      }
      throw error;
    }
  }
}
