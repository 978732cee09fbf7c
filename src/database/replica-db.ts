import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { createDataSource } from './data-source';
import { poolOf } from './pg-driver';
import { assertRequestRole } from './request-role';

/** After a failed connection the standby is skipped for this long (no connect timeout per request). */
const DOWN_FOR_MS = 5_000;
const POLL_MS = 20;

/** pg / network errors that mean "the standby is not there" (or cancelled us while replaying). */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  // A hot standby cancels a query that conflicts with replay (snapshot, lock, buffer pin).
  '40001',
  '40P01',
]);

export function isStandbyUnavailable(error: unknown): boolean {
  // Not `instanceof Error`: socket errors may come from another realm (Jest's sandbox, for one).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE.has(code)) return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED|not queryable|released/i.test(
      message,
    )
  );
}

/** An export's snapshot: a REPEATABLE READ READ ONLY transaction, open, bound to the offices. */
export interface ExportSnapshot {
  client: PoolClient;
  on: 'primary' | 'standby';
  snapshotAt: Date;
  /**
   * Where the next incremental export starts: every row with an earlier `at` is in this snapshot
   * or in one of a transaction still open when it was taken (whose rows it may repeat).
   */
  nextChangedSince: Date;
}

/*
 * The oldest start of a transaction still open in this database (the caller's own counts: now()).
 * Every open transaction, not only those holding an xid: one that has only read so far (a
 * transition before its row lock) may still write rows whose `at` (now(), its start) is older.
 */
const OLDEST_OPEN = `LEAST(now(), (SELECT min(xact_start) FROM pg_stat_activity
                                    WHERE xact_start IS NOT NULL AND datname = current_database()))`;

/**
 * The optional hot standby (DATABASE_READ_URL) for exports, reports and the desk's lists: a pool
 * of its own as the request role (row-level security binds it as on the primary). Without a read
 * URL, or while the standby is unreachable, `standby()` answers null and callers use the primary.
 * Nothing personal is logged: only that the standby was skipped and why (an error code).
 */
export class ReadReplica {
  private dataSource: DataSource | null = null;
  private opening: Promise<DataSource | null> | null = null;
  private downUntil = 0;

  private constructor(
    readonly primary: DataSource,
    private readonly settings: { url: string | null; poolSize: number; idleTimeoutMs: number },
    readonly maxWaitMs: number,
    private readonly logger: Logger,
  ) {}

  /** Opens the standby's pool if configured; an unreachable standby does not stop the start. */
  static async open(
    config: AppConfig,
    primary: DataSource,
    logger = new Logger('ReadReplica'),
  ): Promise<ReadReplica> {
    const replica = new ReadReplica(
      primary,
      {
        url: config.databaseReadUrl,
        poolSize: config.databaseReadPoolSize,
        idleTimeoutMs: config.databaseIdleTimeoutMs,
      },
      config.databaseReadMaxWaitMs,
      logger,
    );
    if (config.databaseReadUrl) {
      if ((await replica.standby()) !== null) logger.log('Read replica (hot standby) connected');
    }
    return replica;
  }

  /** The standby's DataSource, or null (none configured, or it failed within DOWN_FOR_MS). */
  async standby(): Promise<DataSource | null> {
    if (!this.settings.url || Date.now() < this.downUntil) return null;
    if (this.dataSource?.isInitialized) return this.dataSource;
    this.opening ??= this.connect(this.settings.url).finally(() => (this.opening = null));
    return this.opening;
  }

  /** Records that the standby failed `what`: skipped for a while, the request goes to the primary. */
  markDown(what: string, error: unknown): void {
    this.downUntil = Date.now() + DOWN_FOR_MS;
    const code = (error as { code?: unknown } | null)?.code;
    this.logger.warn(
      `standby unavailable (${what}${typeof code === 'string' ? `, ${code}` : ''}): using the primary`,
    );
  }

  private async connect(url: string): Promise<DataSource | null> {
    const ds = createDataSource({
      url,
      poolSize: this.settings.poolSize,
      idleTimeoutMs: this.settings.idleTimeoutMs,
      embedded: false,
      applicationName: 'lotse-read',
    });
    try {
      await ds.initialize();
    } catch (error) {
      this.markDown('connect', error);
      return null;
    }
    try {
      // The standby is a copy of the primary, roles included: the same role check as there.
      await assertRequestRole(ds);
    } catch (error) {
      await ds.destroy();
      throw error;
    }
    this.dataSource = ds;
    return ds;
  }

  /**
   * Opens an export's snapshot. On the standby only when it has replayed everything the primary
   * had written when the export began (see below); otherwise, or when it is unreachable, on the
   * primary, as without a standby. The caller commits and releases the client.
   */
  async openSnapshot(officeIds: readonly string[], exportId: string): Promise<ExportSnapshot> {
    const standby = await this.standby();
    if (standby) {
      try {
        const snapshot = await this.onStandby(standby, officeIds, exportId);
        if (snapshot) return snapshot;
      } catch (error) {
        if (!isStandbyUnavailable(error)) throw error;
        this.markDown(`export ${exportId}`, error);
      }
    }
    return this.onPrimary(officeIds);
  }

  private async onPrimary(officeIds: readonly string[]): Promise<ExportSnapshot> {
    const client = await poolOf(this.primary).connect();
    try {
      await begin(client, officeIds);
      // Rows of transactions still open now are not in this snapshot but may carry an earlier `at`.
      const [row] = (
        await client.query<{ snapshot_at: Date; next: Date }>(
          `SELECT now() AS snapshot_at, ${OLDEST_OPEN} AS next`,
        )
      ).rows;
      return { client, on: 'primary', snapshotAt: row.snapshot_at, nextChangedSince: row.next };
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }

  /**
   * The lag rule. On the primary, first T0 = the oldest start of an open transaction (or now), then
   * L0 = the end of its WAL. A row with `at` < T0 was written by a transaction that was no longer
   * open at T0's read, so its commit record lies before L0. Once the standby has replayed up to L0
   * (checked before its snapshot is taken: replay only moves forward), its snapshot holds every
   * such row, and T0 is a correct nextChangedSince. A standby still behind after maxWaitMs: null.
   */
  private async onStandby(
    standby: DataSource,
    officeIds: readonly string[],
    exportId: string,
  ): Promise<ExportSnapshot | null> {
    const [{ t0 }] = await this.primary.query<{ t0: Date }[]>(`SELECT ${OLDEST_OPEN} AS t0`);
    const [{ l0 }] = await this.primary.query<{ l0: string }[]>(
      `SELECT pg_current_wal_lsn()::text AS l0`,
    );
    const client = await poolOf(standby).connect();
    let released = false;
    const release = (error?: Error) => {
      if (!released) client.release(error);
      released = true;
    };
    try {
      const deadline = Date.now() + this.maxWaitMs;
      for (;;) {
        const [{ caught, behind }] = (
          await client.query<{ caught: boolean | null; behind: string | null }>(
            `SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught,
                    pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::bigint::text AS behind`,
            [l0],
          )
        ).rows;
        if (caught) break;
        // null: the read server replays nothing (not a standby); waiting would not help.
        if (caught === null || Date.now() >= deadline) {
          this.logger.warn(
            `export ${exportId}: standby ${caught === null ? 'is not replaying' : `${behind} bytes behind`} after ${this.maxWaitMs} ms: exported from the primary`,
          );
          release();
          return null;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      await begin(client, officeIds);
      const [{ snapshot_at }] = (
        await client.query<{ snapshot_at: Date }>(`SELECT now() AS snapshot_at`)
      ).rows;
      return { client, on: 'standby', snapshotAt: snapshot_at, nextChangedSince: t0 };
    } catch (error) {
      release(error as Error);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.opening;
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
  }
}

/** A consistent, read-only snapshot bound to the export's offices (row-level security). */
async function begin(client: PoolClient, officeIds: readonly string[]): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // Transaction-local, like OfficeDb's: a pooled connection never carries it into the next use.
  await client.query(`SELECT set_config('app.office_ids', $1, true)`, [officeIds.join(',')]);
}
