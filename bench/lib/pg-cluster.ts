/**
 * A throwaway PostgreSQL primary with a hot standby, for the read-replica test and bench: initdb
 * under /tmp/lotse-replica-*, each server on a free port of its own with its socket in its own
 * directory (the shared cluster on 5432 is never touched), wal_level=replica, trust auth for
 * connections and replication, and a standby made by `pg_basebackup -R` (streaming, hot_standby).
 *
 * As root, initdb/pg_ctl/pg_basebackup run as the postgres OS user (runuser), as
 * bench/robustness/db-outage.ts does; otherwise as the current user. PG_BIN (default
 * /usr/lib/postgresql/15/bin) names the binaries.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './processes';

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const AS_POSTGRES = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];

async function pg(bin: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<string> {
  const [cmd, ...rest] = [...AS_POSTGRES, join(PG_BIN, bin), ...args];
  const { stdout, stderr } = await run(cmd, rest, { timeout: timeoutMs, cwd });
  return `${stdout}${stderr}`;
}

/** One server of the cluster: its data directory, port and socket directory. */
export class PgNode {
  constructor(
    readonly name: 'primary' | 'standby',
    readonly dir: string,
    readonly port: number,
  ) {}

  get data(): string {
    return join(this.dir, `${this.name}-data`);
  }

  /** As the superuser postgres, to database `db`. */
  url(db = 'postgres', user = 'postgres'): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${db}`;
  }

  async start(): Promise<void> {
    await pg(
      'pg_ctl',
      [
        '-D',
        this.data,
        '-o',
        `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
        '-l',
        join(this.dir, `${this.name}.log`),
        '-w',
        '-t',
        '60',
        'start',
      ],
      this.dir,
    );
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await pg('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '30', 'stop'], this.dir);
  }

  running(): boolean {
    return existsSync(join(this.data, 'postmaster.pid'));
  }

  async query<R extends object = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
    db = 'postgres',
  ): Promise<R[]> {
    const client = new Client({
      connectionString: this.url(db),
      application_name: 'lotse-cluster',
    });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, `${this.name}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops (immediate) if running; if that fails, SIGKILLs the postmaster this cluster started. */
  async kill(): Promise<void> {
    if (!this.running()) return;
    try {
      await this.stop('immediate');
    } catch {
      const pid = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  }
}

export interface ClusterOptions {
  /** Extra postgresql.conf lines for both servers (e.g. shared_buffers for the bench). */
  settings?: Record<string, string | number>;
}

/** A primary and its hot standby; `destroy()` stops both and removes every file. */
export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly primary: PgNode,
    readonly standby: PgNode,
  ) {}

  static async create(options: ClusterOptions = {}): Promise<PgCluster> {
    const dir = mkdtempSync('/tmp/lotse-replica-');
    if (AS_POSTGRES.length > 0) {
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
      chownSync(dir, uid, gid);
    }
    const cluster = new PgCluster(
      dir,
      new PgNode('primary', dir, await freePort()),
      new PgNode('standby', dir, await freePort()),
    );
    try {
      await cluster.init(options);
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  private async init(options: ClusterOptions): Promise<void> {
    const { primary, standby } = this;
    await pg(
      'initdb',
      [
        '-D',
        primary.data,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ],
      this.dir,
    );
    const settings: Record<string, string | number> = {
      wal_level: 'replica',
      max_wal_senders: 5,
      hot_standby: 'on',
      // Long exports on the standby must not be cancelled by replayed cleanup of the rows they read:
      // the standby tells the primary what it still reads (the price: some bloat on the primary).
      hot_standby_feedback: 'on',
      max_standby_streaming_delay: '-1',
      fsync: 'off',
      synchronous_commit: 'on',
      ...options.settings,
    };
    const conf = Object.entries(settings)
      .map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`)
      .join('\n');
    writeFileSync(join(primary.data, 'postgresql.auto.conf'), `${conf}\n`);
    writeFileSync(
      join(primary.data, 'pg_hba.conf'),
      [
        'local all all trust',
        'host all all 127.0.0.1/32 trust',
        'local replication all trust',
        'host replication all 127.0.0.1/32 trust',
        '',
      ].join('\n'),
    );
    if (AS_POSTGRES.length > 0) {
      await run('chown', ['postgres:postgres', join(primary.data, 'postgresql.auto.conf')]);
      await run('chown', ['postgres:postgres', join(primary.data, 'pg_hba.conf')]);
    }
    await primary.start();
    // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
    await pg(
      'pg_basebackup',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        standby.data,
        '-R',
        '-X',
        'stream',
        '--no-sync',
      ],
      this.dir,
    );
    await standby.start();
    await this.waitForReplay();
  }

  /** Waits until the standby has replayed everything the primary has written so far. */
  async waitForReplay(timeoutMs = 30_000): Promise<void> {
    const [{ lsn }] = await this.primary.query<{ lsn: string }>(
      'SELECT pg_current_wal_lsn()::text AS lsn',
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ caught }] = await this.standby
        .query<{ caught: boolean }>(
          'SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught',
          [lsn],
        )
        .catch(() => [{ caught: false }]);
      if (caught) return;
      if (Date.now() > deadline) throw new Error(`standby did not replay up to ${lsn}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Stops replay on the standby (WAL still arrives; queries see the data as of the pause). Once
   * the pause is requested the startup process applies no further record (it checks before each),
   * so 'pause requested' is as good as 'paused' for what a query can see.
   */
  async pauseReplay(): Promise<void> {
    await this.standby.query('SELECT pg_wal_replay_pause()');
  }

  async resumeReplay(): Promise<void> {
    await this.standby.query('SELECT pg_wal_replay_resume()');
  }

  /** Stops both servers (immediate) and removes the directory. */
  async destroy(): Promise<void> {
    await this.standby.kill();
    await this.primary.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
