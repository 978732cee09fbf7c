import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BENCH, QUICK } from './config';
import { copyExport, httpExport } from './export';
import { codeVersion, describeMachine, load1 } from './lib/machine';
import { Meter } from './lib/meter';
import {
  cleanUp,
  cleanUpOnSignals,
  onCleanUp,
  runWorker,
  Server,
  startServer,
} from './lib/processes';
import {
  createScratchDatabase,
  databaseUrl,
  dropScratchDatabase,
  withClient,
} from './lib/scratch-db';
import { ensureRequestLogin, requestRoleEnv } from '../src/database/request-role';
import { fmt, LoadResult } from './lib/stats';
import { Phase, renderReport, Results, STORAGE_TABLES, type TableStorage } from './report';
import { runReports } from './reports';
import { runEmbedded } from './embedded';
import { runFilters } from './filters';
import { seed } from './seed';
import { runWebhooks } from './webhooks';
import type { HttpLoadSpec, HttpScenario, PgLoadSpec, PgScenario } from './workers/specs';

/**
 * `npm run bench`: a scratch database, the built service as a child process, SQL-seeded data, load
 * from separate worker processes, and each figure beside a baseline measured in the same run.
 * BENCH_ONLY=transitions,list,export,get,desk,reports,filters,webhooks,embedded runs a subset (seeding is
 * always complete; embedded brings the server-mode transitions, get and list it is compared with);
 * BENCH_ONLY=all runs every scenario.
 */
const DIST = join(__dirname, '..');
const SERVICE = join(DIST, 'src/main.js');
const HELLO = join(DIST, 'bench/hello/hello-app.js');
const HTTP_WORKER = join(DIST, 'bench/workers/http-load.js');
const PG_WORKER = join(DIST, 'bench/workers/pg-load.js');
const COUNT_QUERIES = join(DIST, 'bench/profile/count-queries.js');
const RESULTS = join(DIST, '../bench/results');

let serviceOutput = (): string => '';
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
/**
 * Without BENCH_ONLY: issue 16's targets (and the desk's), about 6 minutes. The reports and webhooks
 * scenarios (issues 14 and 15, several minutes each, the reports seed their own million cases) run
 * when named, or with BENCH_ONLY=all.
 */
const DEFAULT = ['export', 'get', 'list', 'desk', 'transitions', 'filters', 'embedded'];
/** The embedded scenario compares with the server-mode transitions, GET and list: it brings them along. */
const EMBEDDED_COMPARES = ['transitions', 'get', 'list'];
const wants = (scenario: string) =>
  !only
    ? DEFAULT.includes(scenario)
    : only.includes('all') ||
      only.includes(scenario) ||
      (only.includes('embedded') && EMBEDDED_COMPARES.includes(scenario));

async function main(): Promise<void> {
  const startedAt = new Date();
  cleanUpOnSignals();
  const admin = new Client({
    connectionString: BENCH.adminUrl,
    application_name: 'lotse-bench-admin',
  });
  await admin.connect();
  onCleanUp(() => admin.end());
  const machine = await describeMachine(admin);
  const loadBefore = load1();

  const database = await createScratchDatabase(BENCH.adminUrl);
  onCleanUp(() => dropScratchDatabase(BENCH.adminUrl, database));
  const dbUrl = databaseUrl(BENCH.adminUrl, database);
  await withClient(BENCH.adminUrl, ensureRequestLogin);
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-bench-'));
  onCleanUp(() => rmSync(dataDir, { recursive: true, force: true }));
  const queryCountFile = join(dataDir, 'query-count');
  const pseudonymKey = randomBytes(32).toString('hex');
  const webhookSecretKey = randomBytes(32).toString('hex');

  log(`scratch database ${database}; starting the service (it migrates the database)`);
  const service = await startServer(
    SERVICE,
    {
      // Requests as lotse_app (row-level security binds them), migrations as the owner.
      ...requestRoleEnv(dbUrl),
      LOTSE_DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PSEUDONYM_KEY: pseudonymKey,
      // The webhooks scenario's receiver is in this process; the worker runs at its default poll.
      WEBHOOK_SECRET_KEY: webhookSecretKey,
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      BENCH_QUERY_COUNT_FILE: queryCountFile,
      ...(BENCH.poolSize ? { DATABASE_POOL_SIZE: BENCH.poolSize } : {}),
    },
    '/health/ready',
    [
      '--require',
      COUNT_QUERIES,
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
    ],
  );

  serviceOutput = service.output;
  log(`seeding (${QUICK ? 'quick' : 'full'} sizes)`);
  const seedStart = Date.now();
  const seeder = new Client({ connectionString: dbUrl, application_name: 'lotse-bench-seed' });
  await seeder.connect();
  const world = await seed(seeder).finally(() => seeder.end());
  const seedSeconds = (Date.now() - seedStart) / 1000;
  log(`seeded in ${fmt(seedSeconds)} s`);

  const target = { admin, database, serverPid: service.pid, queryCountFile };
  const { durationS, warmupS } = BENCH;
  const httpPhase = async (
    label: string,
    server: Server,
    scenario: HttpScenario,
    connections: number,
  ): Promise<Phase> => {
    log(`${label}: ${warmupS} s warm-up + ${durationS} s`);
    const meter = await Meter.start(
      server === service ? target : { ...target, serverPid: server.pid, queryCountFile: null },
    );
    const result = await runWorker<HttpLoadSpec, LoadResult>(HTTP_WORKER, {
      url: server.url,
      connections,
      warmupS,
      durationS,
      scenario,
    });
    return { label, result, costs: await meter.stop(result.totalOps) };
  };
  const pgPhase = async (label: string, scenario: PgScenario, clients: number): Promise<Phase> => {
    log(`${label}: ${warmupS} s warm-up + ${durationS} s`);
    const meter = await Meter.start({ ...target, serverPid: null, queryCountFile: null });
    const result = await runWorker<PgLoadSpec, LoadResult>(PG_WORKER, {
      databaseUrl: dbUrl,
      clients,
      warmupS,
      durationS,
      scenario,
    });
    return { label, result, costs: await meter.stop(result.totalOps, result.backendCpuMs) };
  };

  const results: Results = {
    machine,
    mode: QUICK ? 'quick' : 'full',
    startedAt,
    totalSeconds: 0,
    seedSeconds,
    load: { before: loadBefore, after: 0 },
    code: codeVersion(),
    settings: `service: DATABASE_POOL_SIZE=${BENCH.poolSize ?? 'default (10)'}, LOG_LEVEL=warn; load phases ${warmupS} s warm-up + ${durationS} s`,
  };

  // First, while the service's memory is still that of a fresh start: the RSS figures compare 100k to 1M.
  if (wants('export')) {
    // Warm-ups, not measured: PostgreSQL's caches, and the service's export path (JIT), as the
    // load phases have theirs.
    await copyExport(dbUrl, world.exports[0].officeId);
    await httpExport(service.url, world.exports[0].apiKey, service.pid, BENCH.export.rssEveryMs);
    const sizes = [];
    for (const office of world.exports) {
      log(`export of ${fmt(office.rows)} rows: COPY, then HTTP`);
      const copy = await copyExport(dbUrl, office.officeId);
      const http = await httpExport(
        service.url,
        office.apiKey,
        service.pid,
        BENCH.export.rssEveryMs,
      );
      if (http.rows !== office.rows || copy.rows !== office.rows)
        throw new Error(`export rows: HTTP ${http.rows}, COPY ${copy.rows}, seeded ${office.rows}`);
      sizes.push({ http, copy });
    }
    results.export = { sizes };
  }

  if (wants('get')) {
    const { clients } = BENCH.getCase;
    const hello = await startServer(HELLO, {}, '/hello');
    const helloPhase = await httpPhase(
      `hello world, ${clients} connections`,
      hello,
      { kind: 'hello' },
      clients,
    );
    await hello.stop();
    const scenario = {
      kind: 'get' as const,
      apiKey: world.list[0].apiKey,
      caseIds: world.getCaseIds,
    };
    const get = await httpPhase(
      `GET /cases/:id, ${clients} connections`,
      service,
      scenario,
      clients,
    );
    // The target's baseline: the one statement a GET cannot do without, at the same concurrency.
    const point = await pgPhase(
      `GET /cases/:id baseline: prepared point SELECT via pg, ${clients} clients`,
      { kind: 'point', caseIds: world.getCaseIds },
      clients,
    );
    // Not a target: shows how much of the gap is the route's own statements.
    const sql = await pgPhase(
      `GET /cases/:id SQL via pg (its 3 statements), ${clients} clients`,
      scenario,
      clients,
    );
    results.getCase = {
      title: `GET /api/v1/cases/:id with API key, ${clients} connections`,
      http: get,
      hello: helloPhase,
      point,
      sql,
    };
  }

  if (wants('list')) {
    const { clients, pagesPerWalk, limit, phase, cases, offices } = BENCH.list;
    const scenario = { phase, limit, pagesPerWalk };
    const walk = `${clients} clients, pages 1–${pagesPerWalk} of ${limit}`;
    const http = await httpPhase(
      `list over HTTP, ${walk}`,
      service,
      { kind: 'list', offices: world.list, ...scenario },
      clients,
    );
    const sql = await pgPhase(
      `list SQL via pg, ${walk}`,
      { kind: 'list', offices: world.list.map((o) => o.id), ...scenario },
      clients,
    );
    results.list = {
      title: `GET /api/v1/cases?phase=${phase}&officeId, ${fmt(cases)} cases in ${offices} offices, ${walk}`,
      http,
      sql,
    };
  }

  if (wants('desk') && world.desk) {
    const { clients, limit } = BENCH.desk;
    const d = world.desk;
    const http = await httpPhase(
      `desk over HTTP, ${clients} connections, first page of ${limit}`,
      service,
      { kind: 'desk', apiKey: d.apiKey, limit },
      clients,
    );
    const sql = await pgPhase(
      `desk SQL via pg, ${clients} clients`,
      { kind: 'desk', officeId: d.officeId, limit },
      clients,
    );
    results.desk = {
      title: `GET /api/v1/tasks first page (${limit}), one office with ${fmt(d.openCases)} open cases, ${clients} connections`,
      http,
      sql,
    };
  }

  if (wants('transitions')) {
    const { clients, casesPerSide } = BENCH.transitions;
    const t = world.transitions;
    const http = await httpPhase(
      `transitions over HTTP, ${clients} connections`,
      service,
      { kind: 'transitions', apiKey: t.key.key, caseIds: t.httpCases },
      clients,
    );
    const sql = await pgPhase(
      `transition SQL via pg, ${clients} clients`,
      {
        kind: 'transitions',
        officeId: t.officeId,
        actorId: t.key.id,
        caseIds: t.sqlCases,
        pseudonymKey,
      },
      clients,
    );
    results.transitions = {
      title: `phase transitions PAUSE/RESUME, ${clients} clients on ${fmt(casesPerSide)} cases`,
      http,
      sql,
    };
  }

  if (wants('embedded'))
    results.embedded = await runEmbedded({
      admin,
      service: {
        script: SERVICE,
        nodeArgs: ['--require', COUNT_QUERIES],
        env: {
          JWT_SECRET: randomBytes(32).toString('hex'),
          PSEUDONYM_KEY: pseudonymKey,
          WEBHOOK_SECRET_KEY: webhookSecretKey,
        },
      },
      httpWorker: HTTP_WORKER,
      wants: (s) => EMBEDDED_COMPARES.includes(s) && wants(s),
      log,
    });

  if (wants('webhooks'))
    results.webhooks = await runWebhooks({
      dbUrl,
      secretConfig: { webhookSecretKey, dataDir },
      httpPhase: (label, scenario, connections) => httpPhase(label, service, scenario, connections),
      log,
    });

  if (wants('filters'))
    results.filters = await runFilters({
      dbUrl,
      serviceUrl: service.url,
      offices: world.list,
      // The founder lists are targets; the case list with filters and the facets (informative) run
      // when the scenario is named, to keep the default run short.
      informative: !!only,
      httpPhase: (label, scenario, connections) => httpPhase(label, service, scenario, connections),
      pgPhase,
      log,
    });

  // Last: it seeds its own million cases, which the scenarios above should not see.
  if (wants('reports'))
    results.reports = await runReports({
      dbUrl,
      serviceUrl: service.url,
      httpPhase: (label, scenario, connections) => httpPhase(label, service, scenario, connections),
      pgPhase,
      log,
    });

  // Row sizes for bench/SCALING.md: what a history row and an access-log entry cost on disk.
  results.storage = await withClient(dbUrl, tableStorage);
  await service.stop();
  results.load.after = load1();
  results.totalSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const report = renderReport(results);
  mkdirSync(RESULTS, { recursive: true });
  const suffix = QUICK ? '-quick' : '';
  writeFileSync(join(RESULTS, `${startedAt.toISOString().slice(0, 10)}${suffix}.md`), report);
  writeFileSync(join(RESULTS, `latest${suffix}.md`), report);
  console.log(`\n${report}`);
}

/** Rows, mean tuple size (pg_column_size of the row) and heap + index + TOAST bytes per row. */
async function tableStorage(db: Client): Promise<TableStorage[]> {
  const out: TableStorage[] = [];
  for (const table of STORAGE_TABLES) {
    const { rows } = await db.query<{
      rows: string;
      tuple: string | null;
      total: string;
      heap: string;
    }>(
      `SELECT count(*) AS rows, avg(pg_column_size(t.*)) AS tuple,
              pg_total_relation_size($1::regclass) AS total, pg_relation_size($1::regclass) AS heap
         FROM ${table} t`,
      [table],
    );
    const r = rows[0];
    out.push({
      table,
      rows: Number(r.rows),
      tupleBytes: r.tuple === null ? null : Number(r.tuple),
      totalBytes: Number(r.total),
      heapBytes: Number(r.heap),
    });
  }
  return out;
}

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    const output = serviceOutput().trim();
    if (output)
      console.error(`\nservice output (last lines):\n${output.split('\n').slice(-30).join('\n')}`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
