import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureRequestLogin, REQUEST_ROLE } from '../src/database/request-role';
import { BENCH, QUICK } from './config';
import { type ExportFigures, httpExport } from './export';
import { PgCluster } from './lib/pg-cluster';
import { cleanUp, cleanUpOnSignals, onCleanUp, runWorker, startServer } from './lib/processes';
import { fmt, type LoadResult, pct } from './lib/stats';
import { seed } from './seed';
import type { HttpLoadSpec } from './workers/specs';

/**
 * `npm run bench:replica`: how much an export slows the phase transitions down when it reads on
 * the primary, and when it reads on a hot standby (DATABASE_READ_URL). A primary and a standby of
 * their own (bench/lib/pg-cluster.ts, fsync on), the bench's seed (its 1M-row export office), and
 * the transitions scenario's load (bench/workers/http-load.ts, 32 connections, PAUSE/RESUME) in
 * rounds (BENCH_REPLICA_ROUNDS, 2) of four phases, each on cases of its own:
 *   service without a read URL: transitions alone; transitions while the export runs (on the primary);
 *   service with DATABASE_READ_URL: transitions alone; transitions while the export runs (on the standby).
 * The export is repeated back to back for the whole phase. One service runs at a time, so both
 * cases share the two cores the same way. BENCH_QUICK=1: a tenth of the sizes, shorter phases.
 */
const DIST = join(__dirname, '..');
const SERVICE = join(DIST, 'src/main.js');
const HTTP_WORKER = join(DIST, 'bench/workers/http-load.js');
const DB = 'lotse_bench_replica';

interface PhaseResult {
  label: string;
  load: LoadResult;
  exports: ExportFigures[];
  /** exports that did not complete (their reason) */
  failures: string[];
}

function log(message: string): void {
  console.error(`[bench:replica ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function main(): Promise<void> {
  cleanUpOnSignals();
  log('primary + hot standby (initdb, pg_basebackup)');
  const cluster = await PgCluster.create({
    settings: {
      fsync: 'on',
      shared_buffers: '256MB',
      max_wal_size: '4GB',
      checkpoint_timeout: '15min',
    },
  });
  onCleanUp(() => cluster.destroy());
  await cluster.primary.query(`CREATE DATABASE ${DB}`);
  const admin = new Client({ connectionString: cluster.primary.url() });
  await admin.connect();
  await ensureRequestLogin(admin);
  await admin.end();
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-bench-replica-'));
  onCleanUp(() => rmSync(dataDir, { recursive: true, force: true }));
  const baseEnv = {
    DATABASE_URL: cluster.primary.url(DB, REQUEST_ROLE),
    DATABASE_OWNER_URL: cluster.primary.url(DB),
    LOTSE_DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PSEUDONYM_KEY: randomBytes(32).toString('hex'),
    WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex'),
    WEBHOOK_POLL_MS: '0',
    ...(BENCH.poolSize ? { DATABASE_POOL_SIZE: BENCH.poolSize } : {}),
  };

  // The first start migrates; the seed needs the schema.
  let service = await startServer(SERVICE, baseEnv, '/health/ready');
  log(`seeding (${QUICK ? 'quick' : 'full'} sizes)`);
  const seeder = new Client({ connectionString: cluster.primary.url(DB) });
  await seeder.connect();
  const world = await seed(seeder, { listCases: 2_000, exports: true, desk: false }).finally(() =>
    seeder.end(),
  );
  const big = world.exports[world.exports.length - 1];
  await service.stop();
  log(`waiting for the standby to replay the seed`);
  await cluster.waitForReplay(600_000);

  const rounds = Number(process.env.BENCH_REPLICA_ROUNDS ?? 2);
  const cases = [...world.transitions.httpCases, ...world.transitions.sqlCases];
  // Each phase on cases of its own, all at the start of their PAUSE/RESUME cycle.
  const slices = 4 * rounds;
  const slice = (i: number) => cases.filter((_, k) => k % slices === i);
  const { clients } = BENCH.transitions;
  const durationS = Math.max(BENCH.durationS, QUICK ? 6 : 20);
  const warmupS = BENCH.warmupS;

  const phase = async (label: string, caseIds: string[], exporting: boolean) => {
    log(`${label}: ${warmupS} s warm-up + ${durationS} s`);
    const running = runWorker<HttpLoadSpec, LoadResult>(HTTP_WORKER, {
      url: service.url,
      connections: clients,
      warmupS,
      durationS,
      scenario: { kind: 'transitions', apiKey: world.transitions.key.key, caseIds },
    });
    const exports: ExportFigures[] = [];
    const failures: string[] = [];
    let done = false;
    void running.finally(() => (done = true)).catch(() => undefined);
    const exporter = (async () => {
      while (exporting && !done) {
        // An export cut off (e.g. by the pool's 30 s statement_timeout on a loaded machine) is
        // counted and reported, and the next one starts: the load phase still needs its export.
        try {
          const figures = await httpExport(service.url, big.apiKey, service.pid, 200);
          if (figures.rows !== big.rows) failures.push(`${figures.rows} of ${big.rows} rows`);
          else exports.push(figures);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    })();
    const load = await running;
    await exporter;
    const result: PhaseResult = { label, load, exports, failures };
    log(
      `${label}: ${fmt(load.perSecond)} transitions/s, p99 ${fmt(load.latency.p99, 1)} ms, ${load.errors} errors` +
        (exporting ? `, ${exports.length} exports, ${failures.length} cut off` : ''),
    );
    return result;
  };

  // Rounds of: the service without a read URL (transitions alone, then with the export on the
  // primary), then with DATABASE_READ_URL (alone, then with the export on the standby). The machine's
  // load drifts: each export phase is compared with the phase just before it, on the same service.
  const pairs: { mode: 'primary' | 'standby'; base: PhaseResult; exporting: PhaseResult }[] = [];
  const serviceNotes: string[] = [];
  let n = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const mode of ['primary', 'standby'] as const) {
      service = await startServer(
        SERVICE,
        mode === 'standby'
          ? { ...baseEnv, DATABASE_READ_URL: cluster.standby.url(DB, REQUEST_ROLE) }
          : baseEnv,
        '/health/ready',
      );
      await cluster.waitForReplay(600_000);
      const base = await phase(`round ${round}: no export (${mode} service)`, slice(n++), false);
      const exporting = await phase(`round ${round}: export on the ${mode}`, slice(n++), true);
      pairs.push({ mode, base, exporting });
      const output = service.output();
      for (const [, reason] of output.matchAll(/failed mid-stream: ([^"\n]*)/g))
        serviceNotes.push(`${mode}: an export failed mid-stream: ${reason}`);
      if (mode === 'standby' && /exported from the primary/.test(output))
        serviceNotes.push('standby: some exports fell back to the primary (standby behind)');
      await service.stop();
    }
  }

  const rowsPerS = (r: PhaseResult) =>
    r.exports.length
      ? r.exports.reduce((s, e) => s + e.rows, 0) / r.exports.reduce((s, e) => s + e.seconds, 0)
      : NaN;
  const line = (r: PhaseResult, base: PhaseResult) =>
    `| ${r.label} | ${fmt(r.load.perSecond)} | ${fmt(r.load.latency.p99, 1)} | ${pct(r.load.perSecond / base.load.perSecond)} | ${fmt(r.load.latency.p99 / base.load.latency.p99, 2)}× | ${r.exports.length ? `${r.exports.length} × ${fmt(big.rows)} rows, ${fmt(rowsPerS(r))} rows/s` : '—'}${r.failures.length ? `; ${r.failures.length} cut off` : ''} |`;
  const mean = (mode: 'primary' | 'standby', of: (p: (typeof pairs)[number]) => number) => {
    const mine = pairs.filter((p) => p.mode === mode).map(of);
    return mine.reduce((a, b) => a + b, 0) / mine.length;
  };
  const rate = (p: (typeof pairs)[number]) => p.exporting.load.perSecond / p.base.load.perSecond;
  const p99 = (p: (typeof pairs)[number]) => p.exporting.load.latency.p99 / p.base.load.latency.p99;
  const table = [
    `Read replica: transitions (${clients} connections, PAUSE/RESUME) while a ${fmt(big.rows)}-row CSV export runs, ${QUICK ? 'quick' : 'full'} sizes, phases ${warmupS} s + ${durationS} s, ${rounds} rounds; load average ${fmt(loadavg()[0], 1)} at the end`,
    '',
    '| phase | transitions/s | p99 ms | rate vs no export | p99 vs no export | exports |',
    '|---|---|---|---|---|---|',
    ...pairs.flatMap((p) => [line(p.base, p.base), line(p.exporting, p.base)]),
    '',
    ...serviceNotes,
    `Mean over the rounds: with the export on the primary the transitions keep ${pct(mean('primary', rate))} of their rate (p99 ${fmt(mean('primary', p99), 2)}×); on the standby ${pct(mean('standby', rate))} (p99 ${fmt(mean('standby', p99), 2)}×).`,
  ].join('\n');
  console.log(table);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
