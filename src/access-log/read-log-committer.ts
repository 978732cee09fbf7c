import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { escapeLiteral, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { poolOf, poolSettingsOf } from '../database/pg-driver';

/** One read's entries: their offices (null: none) and their VALUES tuples, literals escaped. */
export interface ReadLogRows {
  readonly officeIds: readonly (string | null)[];
  readonly tuples: readonly string[];
}

interface Waiting extends ReadLogRows {
  resolve(): void;
  reject(error: unknown): void;
}

export interface ReadLogSettings {
  /** How long the first queued entry waits for others; 0: those of the same event-loop turn. */
  waitMs: number;
  /** The most entries per batch: a full batch goes at once. */
  maxEntries: number;
  /** Batches committing at the same time, each on a connection of the pool. */
  connections: number;
}

export const ACCESS_LOG_COLUMNS =
  'actor_type, actor_id, office_id, resource_type, resource_id, action, request_id, details';

/** The INSERT of access-log rows, each a tuple of escaped literals in ACCESS_LOG_COLUMNS' order. */
export function accessLogInsertOf(tuples: readonly string[]): string {
  return `INSERT INTO access_log (${ACCESS_LOG_COLUMNS}) VALUES ${tuples.map((t) => `(${t})`).join(', ')}`;
}

/**
 * Group commit of the access log's read entries ('read', 'list', 'export'). A read still answers
 * only once its entry is durable, but the entries of concurrent reads are written together: one
 * multi-row INSERT and one COMMIT (one fsync) for the batch, in one round trip, on a connection
 * of the primary's pool (the request role, so row-level security checks every entry), with
 * app.office_ids set, transaction-local, to the offices of the batch's entries. A batch that
 * fails fails every read waiting for it: no read answers without its entry.
 *
 * Changes are not logged here: their entries commit with the change (atCommit).
 */
@Injectable()
export class ReadLogCommitter implements BeforeApplicationShutdown {
  private readonly settings: ReadLogSettings;
  private queue: Waiting[] = [];
  private queued = 0;
  private committing = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private readonly batches = new Set<Promise<void>>();
  private ownPool: Pool | null = null;

  private readonly embedded: boolean;

  constructor(
    // Always the primary (DataSource is the writable database): reads may come from a standby.
    @Inject(DataSource) private readonly primary: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.embedded = config.databaseUrl === null;
    this.settings = {
      waitMs: config.accessLogBatchWaitMs,
      maxEntries: config.accessLogBatchMax,
      connections: config.accessLogBatchConnections,
    };
  }

  /** Resolves once the entries are committed; rejects with the batch's error. */
  write(rows: ReadLogRows): Promise<void> {
    if (rows.tuples.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...rows, resolve, reject });
      this.queued += rows.tuples.length;
      this.schedule();
    });
  }

  /** Writes whatever is queued and waits for every batch under way (the service is stopping). */
  async beforeApplicationShutdown(): Promise<void> {
    this.clearTimer();
    while (this.queue.length > 0 || this.batches.size > 0) {
      if (this.queue.length > 0 && this.committing < this.settings.connections) this.flush();
      else await Promise.race(this.batches);
    }
    const pool = this.ownPool;
    this.ownPool = null;
    await pool?.end();
  }

  /**
   * The batches' connections: a small pool of their own, with the request pool's settings (role,
   * host choice, timeouts). In the request pool a batch would queue behind the very requests that
   * wait for it, and under load the wait grew to most of a read's time. The embedded database is
   * one session with one connection: there the request pool's.
   */
  private pool(): Pool {
    if (this.embedded) return poolOf(this.primary);
    if (this.ownPool) return this.ownPool;
    // The options carry the pool's Client (a multi-host URL's: writable-host.ts) as well.
    this.ownPool = new Pool({
      ...poolSettingsOf(this.primary).options,
      max: this.settings.connections,
    });
    // An idle connection the server closed (restart, failover) is dropped; the next batch opens
    // another. Without a listener pg's error event would end the process.
    this.ownPool.on('error', () => undefined);
    return this.ownPool;
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.committing >= this.settings.connections) return;
    if (this.queued >= this.settings.maxEntries) {
      this.clearTimer();
      this.flush();
      return;
    }
    if (this.timer) return;
    const fire = () => {
      this.timer = null;
      if (this.queue.length > 0 && this.committing < this.settings.connections) this.flush();
    };
    this.timer =
      this.settings.waitMs === 0 ? setImmediate(fire) : setTimeout(fire, this.settings.waitMs);
  }

  private clearTimer(): void {
    if (!this.timer) return;
    if (this.settings.waitMs === 0) clearImmediate(this.timer as NodeJS.Immediate);
    else clearTimeout(this.timer as NodeJS.Timeout);
    this.timer = null;
  }

  /** Takes up to maxEntries (whole reads: a read's entries stay in one batch) and commits them. */
  private flush(): void {
    const batch: Waiting[] = [];
    let entries = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (batch.length > 0 && entries + next.tuples.length > this.settings.maxEntries) break;
      batch.push(this.queue.shift()!);
      entries += next.tuples.length;
    }
    this.queued -= entries;
    this.committing += 1;
    const done = this.commit(batch)
      .then(
        () => batch.forEach((w) => w.resolve()),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        this.committing -= 1;
        this.batches.delete(done);
        // Entries that queued while this batch committed have waited already: no timer.
        if (this.queue.length > 0) {
          this.clearTimer();
          this.flush();
        }
      });
    this.batches.add(done);
  }

  private async commit(batch: readonly Waiting[]): Promise<void> {
    const offices = [
      ...new Set(batch.flatMap((w) => w.officeIds).filter((id): id is string => id !== null)),
    ];
    const text = [
      'BEGIN',
      `SELECT set_config('app.office_ids', ${escapeLiteral(offices.join(','))}, true)`,
      accessLogInsertOf(batch.flatMap((w) => w.tuples)),
      'COMMIT',
    ].join(';\n');
    const client = await this.pool().connect();
    try {
      await client.query(text);
    } catch (error) {
      // The message's transaction may be open and aborted: the connection is not reused.
      client.release(error as Error);
      throw error;
    }
    client.release();
  }
}
