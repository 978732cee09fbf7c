import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Client } from 'pg';
import { cpuMs } from './processes';

/** Where the CPU and the round trips of one load phase went, per operation. */
export interface Costs {
  /** CPU of the server process (the service or the hello world), ms per operation */
  serverCpuMs: number | null;
  /** CPU of the PostgreSQL backends doing the work (the service's pool, or the baseline's clients), ms per operation */
  pgCpuMs: number;
  /** statements the service sent per operation (counted by profile/count-queries) */
  roundTrips: number | null;
}

/**
 * Snapshots CPU times from /proc (and the service's statement count) before a load phase and turns
 * the differences into per-operation costs after it. Backends are found through pg_stat_activity.
 */
export class Meter {
  private constructor(
    private readonly target: MeterTarget,
    private readonly serverCpu0: number,
    private readonly pgCpu0: Map<number, number>,
    private readonly queries0: number | null,
  ) {}

  static async start(target: MeterTarget): Promise<Meter> {
    return new Meter(
      target,
      target.serverPid ? cpuMs(target.serverPid) : 0,
      await backendCpu(target),
      await statementCount(target),
    );
  }

  /** backendCpuMs: what a baseline worker measured of its own backends (they are gone by now). */
  async stop(operations: number, backendCpuMs?: number): Promise<Costs> {
    const { serverPid } = this.target;
    const serverCpu = serverPid ? cpuMs(serverPid) - this.serverCpu0 : null;
    let pgCpu = backendCpuMs ?? 0;
    if (backendCpuMs === undefined)
      for (const [pid, ms] of await backendCpu(this.target))
        pgCpu += ms - (this.pgCpu0.get(pid) ?? 0);
    const queries = await statementCount(this.target);
    const per = (x: number | null) => (x === null || operations === 0 ? null : x / operations);
    return {
      serverCpuMs: per(serverCpu),
      pgCpuMs: per(pgCpu) ?? NaN,
      roundTrips: queries === null || this.queries0 === null ? null : per(queries - this.queries0),
    };
  }
}

export interface MeterTarget {
  admin: Client;
  database: string;
  serverPid: number | null;
  /** the service's BENCH_QUERY_COUNT_FILE, when serverPid is the service */
  queryCountFile: string | null;
}

/** The service's pool connections (application_name 'lotse'), not autovacuum or the bench's own. */
async function backendCpu({ admin, database }: MeterTarget): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND application_name = 'lotse'`,
    [database],
  );
  return new Map(rows.map(({ pid }) => [pid, cpuMs(pid)]));
}

/** Asks the service (SIGUSR2) to write how many statements it has sent so far. */
async function statementCount({ serverPid, queryCountFile }: MeterTarget): Promise<number | null> {
  if (!serverPid || !queryCountFile) return null;
  rmSync(queryCountFile, { force: true });
  process.kill(serverPid, 'SIGUSR2');
  for (
    const deadline = Date.now() + 3000;
    Date.now() < deadline;
    await new Promise((r) => setTimeout(r, 10))
  ) {
    if (existsSync(queryCountFile)) {
      const text = readFileSync(queryCountFile, 'utf8');
      if (text) return Number(text);
    }
  }
  return null;
}
