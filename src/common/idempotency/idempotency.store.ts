import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { OfficeScope } from '../../auth/office-scope';
import { OfficeDb, OfficeTx } from '../../database/office-transaction';
import { literalOf, type NamedStatement } from '../../database/pg-driver';
import { prepared } from '../../database/prepared';
import { AppError } from '../errors/app-error';

const KEY = /^[\x21-\x7e]{1,200}$/;
const LOOKUP = 'idempotent_lookup';
const LOOKUP_SQL = `SELECT request_hash, body FROM idempotent_request WHERE actor_id = $1 AND key = $2`;

interface StoredAnswer {
  request_hash: string;
  body: unknown;
}

/**
 * Stored first answers for `Idempotency-Key` retries. The answer is saved in the same transaction
 * as the change it reports, so a change and its stored answer exist together or not at all; a
 * concurrent duplicate fails on the primary key and then replays the winner's answer.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(OfficeDb) private readonly officeDb: OfficeDb) {}

  static validKey(key: string | undefined): string | null {
    if (key === undefined) return null;
    if (!KEY.test(key)) {
      throw new AppError(
        'validation_failed',
        'Idempotency-Key must be 1-200 visible ASCII characters.',
        {
          errors: [{ field: 'Idempotency-Key', message: 'invalid header value' }],
        },
      );
    }
    return key;
  }

  static requestHash(...parts: unknown[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  /** The stored answer of an earlier request with this key, or null. */
  async replay(tx: OfficeTx, actorId: string, key: string, requestHash: string): Promise<unknown> {
    const rows = await prepared<StoredAnswer>(tx.manager, LOOKUP, LOOKUP_SQL, [actorId, key]);
    return IdempotencyStore.answerFrom(rows, requestHash);
  }

  /** replay's statement, for a round trip the caller already makes (OfficeDb.run's `first`). */
  static lookupStatement(actorId: string, key: string): NamedStatement {
    return { name: LOOKUP, text: LOOKUP_SQL, values: [actorId, key] };
  }

  /** The answer in the rows of lookupStatement, or null; 422 when the key came with another request. */
  static answerFrom(rows: readonly unknown[], requestHash: string): unknown {
    const row = rows[0] as StoredAnswer | undefined;
    if (!row) return null;
    if (row.request_hash !== requestHash) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was used for a different request.',
      );
    }
    return row.body;
  }

  /**
   * The answer belongs to the office of the record it shows (row-level security checks it). It is
   * written with the COMMIT (tx.atCommit, the same round trip): with the change or not at all.
   */
  save(
    tx: OfficeTx,
    officeId: string,
    actorId: string,
    key: string,
    requestHash: string,
    body: unknown,
  ): void {
    const values = [actorId, key, requestHash, JSON.stringify(body), officeId].map(literalOf);
    tx.atCommit(
      `INSERT INTO idempotent_request (actor_id, key, request_hash, status, body, office_id) VALUES (${values[0]}, ${values[1]}, ${values[2]}, 200, ${values[3]}, ${values[4]})`,
    );
  }

  /**
   * Runs `work` at most once per key: a retry gets the stored answer. `work` receives `remember`,
   * to store its answer inside its own transaction, and `replayLocked`, to look again once it holds
   * its row lock: a duplicate sent at the same moment as the first request waits on that lock and
   * must then answer what the first one answered, not judge the new state. `scope` is the office
   * scope a duplicate that lost the race reads the winner's answer in.
   */
  async once<T>(
    actorId: string,
    key: string | null,
    requestHash: string,
    scope: OfficeScope,
    work: (
      remember: (tx: OfficeTx, officeId: string, body: T) => Promise<void>,
      replayLocked: (tx: OfficeTx) => Promise<T | null>,
    ) => Promise<T>,
  ): Promise<T> {
    if (key === null)
      return work(
        () => Promise.resolve(),
        () => Promise.resolve(null),
      );
    // No replay before `work` has checked access: a caller who lost the office must not get the
    // stored answer back. `work` replays through `replayLocked` once it holds its row lock.
    try {
      return await work(
        (tx, officeId, body) =>
          Promise.resolve(this.save(tx, officeId, actorId, key, requestHash, body)),
        async (tx) => (await this.replay(tx, actorId, key, requestHash)) as T | null,
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        const winner = await this.officeDb.run(scope, (tx) =>
          this.replay(tx, actorId, key, requestHash),
        );
        if (winner !== null) return winner as T;
      }
      throw error;
    }
  }
}
