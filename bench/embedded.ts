import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { BENCH } from './config';
import { Meter } from './lib/meter';
import { onCleanUp, runWorker, startServer } from './lib/processes';
import { fmt, LoadResult, pct } from './lib/stats';
import type { Phase, Results } from './report';
import { seed } from './seed';
import type { HttpLoadSpec, HttpScenario } from './workers/specs';

/**
 * The embedded scenario (BENCH_ONLY=embedded): the service started WITHOUT DATABASE_URL, on PGlite
 * in its own scratch data directory, under the same HTTP load as the server-mode transitions, GET
 * and list phases of the same run. No target yet (issue 16): the report gives the ratios.
 *
 * Seeding: the service is started once to migrate its data directory and stopped; the bench then
 * opens that directory itself with the service's own startEmbeddedPostgres (PGlite served over
 * pglite-socket, holding the directory's lock) and runs bench/seed.ts on it through `pg` with fewer
 * list cases (BENCH.embedded.listCases) and without the export and desk offices; then the service
 * is started again on the seeded directory. PGlite is one session in one process, so the seed
 * cannot run while the service holds the directory.
 */
export interface EmbeddedResults {
  listCases: number;
  listOffices: number;
  transitionCases: number;
  getCases: number;
  migrateSeconds: number;
  seedSeconds: number;
  /** size of the PGlite data directory after seeding */
  dataMb: number;
  transitions?: Phase;
  get?: Phase;
  list?: Phase;
}

export interface EmbeddedRun {
  admin: PgClient;
  service: { script: string; nodeArgs: string[]; env: Record<string, string> };
  httpWorker: string;
  wants: (scenario: string) => boolean;
  log: (message: string) => void;
}

export async function runEmbedded(run: EmbeddedRun): Promise<EmbeddedResults> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-bench-embedded-'));
  onCleanUp(() => rmSync(dataDir, { recursive: true, force: true }));
  const queryCountFile = join(dataDir, 'query-count');
  const env = {
    ...run.service.env,
    LOTSE_DATA_DIR: dataDir,
    BENCH_QUERY_COUNT_FILE: queryCountFile,
  };

  run.log(`embedded: starting the service on PGlite in ${dataDir} (it migrates)`);
  let t0 = Date.now();
  const first = await startServer(run.service.script, env, '/health/ready', run.service.nodeArgs);
  await first.stop();
  const migrateSeconds = (Date.now() - t0) / 1000;

  const { listCases } = BENCH.embedded;
  run.log(`embedded: seeding ${fmt(listCases)} list cases through pglite-socket`);
  t0 = Date.now();
  const pglite = await startEmbeddedPostgres(dataDir);
  const db = new Client({ connectionString: pglite.url });
  let world;
  try {
    await db.connect();
    world = await seed(db, { listCases, exports: false, desk: false });
  } finally {
    await db.end().catch(() => undefined);
    await pglite.stop();
  }
  const seedSeconds = (Date.now() - t0) / 1000;
  run.log(`embedded: seeded in ${fmt(seedSeconds)} s`);

  const service = await startServer(run.service.script, env, '/health/ready', run.service.nodeArgs);
  // No PostgreSQL backends to measure: PGlite runs inside the service process, so its CPU is in
  // the server's CPU per operation; the Meter's backend lookup finds none for this name.
  const target = {
    admin: run.admin,
    database: '(embedded)',
    serverPid: service.pid,
    queryCountFile,
  };
  const phase = async (label: string, scenario: HttpScenario, connections: number) => {
    const { durationS, warmupS } = BENCH;
    run.log(`${label}: ${warmupS} s warm-up + ${durationS} s`);
    const meter = await Meter.start(target);
    const result = await runWorker<HttpLoadSpec, LoadResult>(run.httpWorker, {
      url: service.url,
      connections,
      warmupS,
      durationS,
      scenario,
    });
    return { label, result, costs: await meter.stop(result.totalOps) };
  };

  const results: EmbeddedResults = {
    listCases,
    listOffices: BENCH.list.offices,
    transitionCases: world.transitions.httpCases.length,
    getCases: world.getCaseIds.length,
    migrateSeconds,
    seedSeconds,
    dataMb: directoryBytes(join(dataDir, 'pgdata')) / 1e6,
  };
  try {
    if (run.wants('transitions')) {
      const { clients } = BENCH.transitions;
      const t = world.transitions;
      results.transitions = await phase(
        `embedded: transitions over HTTP, ${clients} connections`,
        { kind: 'transitions', apiKey: t.key.key, caseIds: t.httpCases },
        clients,
      );
    }
    if (run.wants('get')) {
      const { clients } = BENCH.getCase;
      results.get = await phase(
        `embedded: GET /cases/:id, ${clients} connections`,
        { kind: 'get', apiKey: world.list[0].apiKey, caseIds: world.getCaseIds },
        clients,
      );
    }
    if (run.wants('list')) {
      const { clients, pagesPerWalk, limit, phase: listPhase } = BENCH.list;
      results.list = await phase(
        `embedded: list over HTTP, ${clients} clients, pages 1–${pagesPerWalk} of ${limit}`,
        { kind: 'list', offices: world.list, phase: listPhase, limit, pagesPerWalk },
        clients,
      );
    }
  } finally {
    await service.stop();
  }
  return results;
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}

const ms = (x: number) => `${fmt(x, x < 10 ? 2 : 1)} ms`;

/** Embedded ÷ server mode of the same run, one row per scenario; no target yet. */
export function embeddedTargetRows(e: EmbeddedResults, r: Results): string[][] {
  const rows: string[][] = [];
  const size = `PGlite; list over ${fmt(e.listCases)} cases, server ${fmt(BENCH.list.cases)}`;
  const rate = (label: string, measure: string, embedded?: Phase, server?: Phase) => {
    if (!embedded || !server) return;
    rows.push([
      `embedded mode (${size}): ${label}`,
      measure,
      `${fmt(embedded.result.perSecond)}, p99 ${ms(embedded.result.latency.p99)}`,
      `${fmt(server.result.perSecond)}, p99 ${ms(server.result.latency.p99)} (server mode, same run)`,
      `${pct(embedded.result.perSecond / server.result.perSecond)}; p99 ${fmt(embedded.result.latency.p99 / server.result.latency.p99, 1)}×`,
      'report the ratio',
      '–',
    ]);
  };
  rate('phase transitions, 32 connections', 'events/s', e.transitions, r.transitions?.http);
  rate('GET /cases/:id, 32 connections', 'req/s', e.get, r.getCase?.http);
  if (e.list && r.list) {
    const [em, sv] = [e.list.result.latency, r.list.http.result.latency];
    rows.push([
      `embedded mode (${size}): case list, 4 clients, pages 1–5`,
      'p50 / p95',
      `${ms(em.p50)} / ${ms(em.p95)}`,
      `${ms(sv.p50)} / ${ms(sv.p95)} (server mode, same run)`,
      `${fmt(em.p95 / sv.p95, 1)}× (p95)`,
      'report the ratio',
      '–',
    ]);
  }
  return rows;
}

export function embeddedPhases(e: EmbeddedResults): Phase[] {
  return [e.transitions, e.get, e.list].filter((p): p is Phase => !!p);
}

export function embeddedSection(e: EmbeddedResults): string[] {
  return [
    '',
    '## Embedded mode (PGlite)',
    '',
    `The service without DATABASE_URL, on PGlite (PostgreSQL in WASM, one session, served over pglite-socket inside the service process) in its own scratch data directory, under the same HTTP load as the server-mode phases above. ` +
      `Seeded through pglite-socket with bench/seed.ts: ${fmt(e.listCases)} list cases over ${e.listOffices} offices (server mode: ${fmt(BENCH.list.cases)}; PGlite seeds them too slowly for the run's time box), ` +
      `${fmt(e.transitionCases)} cases for the transitions, ${fmt(e.getCases)} for GET; no export or desk offices. ` +
      `Migration at first start ${fmt(e.migrateSeconds, 1)} s, seeding ${fmt(e.seedSeconds, 1)} s, data directory ${fmt(e.dataMb)} MB. ` +
      'PG CPU per operation is not separable here: the database runs in the service process, so its CPU is in the server CPU per operation.',
  ];
}
