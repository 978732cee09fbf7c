import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
 * four phases, each on its own quarter of the cases:
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
  const asRole = (url: string) => {
    const u = new URL(url);
    u.username = REQUEST_ROLE;
    return u.toString();
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-bench-replica-'));
  onCleanUp(() => rmSync(dataDir, { recursive: true, force: true }));
  const baseEnv = {
    DATABASE_URL: asRole(cluster.primary.url(DB)),
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
  log(`waiting for the standby to replay the seed`);
  await cluster.waitForReplay(600_000);

  const cases = [...world.transitions.httpCases, ...world.transitions.sqlCases];
  const quarter = (i: number) => cases.filter((_, k) => k % 4 === i);
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

  const onPrimary = [
    await phase('no export', quarter(0), false),
    await phase('export on the primary', quarter(1), true),
  ];
  const serviceErrors = () =>
    [...service.output().matchAll(/failed mid-stream: ([^"]*)/g)].map((m) => m[1]);
  const primaryErrors = serviceErrors();
  await service.stop();
  service = await startServer(
    SERVICE,
    { ...baseEnv, DATABASE_READ_URL: asRole(cluster.standby.url(DB)) },
    '/health/ready',
  );
  await cluster.waitForReplay(600_000);
  const onStandby = [
    await phase('no export (read URL set)', quarter(2), false),
    await phase('export on the standby', quarter(3), true),
  ];
  const standbyErrors = serviceErrors();
  await service.stop();

  const served = /exported from the primary/.test(service.output())
    ? 'some exports fell back to the primary (standby behind): see the service log'
    : 'every standby export read on the standby';
  const rowsPerS = (r: PhaseResult) =>
    r.exports.length
      ? r.exports.reduce((s, e) => s + e.rows, 0) / r.exports.reduce((s, e) => s + e.seconds, 0)
      : NaN;
  const line = (r: PhaseResult, base: PhaseResult) =>
    `| ${r.label} | ${fmt(r.load.perSecond)} | ${fmt(r.load.latency.p99, 1)} | ${pct(r.load.perSecond / base.load.perSecond)} | ${fmt(r.load.latency.p99 / base.load.latency.p99, 2)}× | ${r.exports.length ? `${r.exports.length} × ${fmt(big.rows)} rows, ${fmt(rowsPerS(r))} rows/s` : '—'}${r.failures.length ? `; ${r.failures.length} cut off` : ''} |`;
  const table = [
    `Read replica: transitions (${clients} connections, PAUSE/RESUME) while a ${fmt(big.rows)}-row CSV export runs, ${QUICK ? 'quick' : 'full'} sizes, phases ${warmupS} s + ${durationS} s`,
    '',
    '| phase | transitions/s | p99 ms | rate vs no export | p99 vs no export | exports |',
    '|---|---|---|---|---|---|',
    line(onPrimary[0], onPrimary[0]),
    line(onPrimary[1], onPrimary[0]),
    line(onStandby[0], onStandby[0]),
    line(onStandby[1], onStandby[0]),
    '',
    ...[...new Set([...primaryErrors, ...standbyErrors])].map(
      (e) => `Service: an export failed mid-stream: ${e}`,
    ),
    `Slow-down by the export: on the primary to ${pct(onPrimary[1].load.perSecond / onPrimary[0].load.perSecond)} of the rate, on the standby to ${pct(onStandby[1].load.perSecond / onStandby[0].load.perSecond)}; ${served}.`,
  ].join('\n');
  console.log(table);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
