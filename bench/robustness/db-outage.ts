/**
 * Database outage: the service runs on a throwaway PostgreSQL 15 instance of its own (initdb into a
 * temp dir, own port and socket dir: the shared cluster is never touched), which is stopped while
 * the service runs and takes load, then started again.
 *
 *   npm run robust:db-outage
 *
 * Checks, for a clean stop (`pg_ctl stop -m fast`) and a crash (`-m immediate`, crash recovery on
 * start): during the outage GET /health stays 200, GET /health/ready and API requests (reads,
 * events, sign-in) answer 503 application/problem+json `database_unavailable` with Retry-After,
 * never 500, within ROBUST_MAX_LATENCY_MS; requests in flight when the database goes away get
 * 200/409/412/503, never 500 or no answer; after the database is back the same process (no restart)
 * becomes ready again, a burst of reads succeeds and a transition succeeds. At the end the case
 * invariants of invariants.ts hold (a 503 to an event counts as an unknown outcome).
 *
 * Knobs (env): ROBUST_PG_BIN (/usr/lib/postgresql/15/bin), ROBUST_OUTAGE_MS (4000),
 * ROBUST_MAX_LATENCY_MS (6000), ROBUST_RECOVERY_MS (20000), ROBUST_TIMEOUT_MS (120000).
 * As root, initdb/pg_ctl run as the postgres OS user (runuser); otherwise as the current user.
 */
import { ensureRequestLogin, requestRoleEnv } from '../../src/database/request-role';
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkInvariants, Ledger } from './invariants';
import {
  ADMIN_ENV,
  Answer,
  Auth,
  envInt,
  freePort,
  http,
  JWT_SECRET,
  MAIN_JS,
  PSEUDONYM_KEY,
  Run,
  seed,
  sql,
  Service,
  sleep,
  startService,
} from './support';

const run0 = promisify(execFile);
const PG_BIN = process.env.ROBUST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const OUTAGE_MS = envInt('ROBUST_OUTAGE_MS', 4000);
const MAX_LATENCY_MS = envInt('ROBUST_MAX_LATENCY_MS', 6000);
const RECOVERY_MS = envInt('ROBUST_RECOVERY_MS', 20_000);

/** A PostgreSQL instance of our own in a temp dir. */
class ThrowawayPostgres {
  readonly data: string;
  readonly url: string;
  private readonly asPostgres: string[];

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.data = join(dir, 'data');
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    this.asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  }

  private async exec(bin: string, args: string[], timeoutMs = 60_000): Promise<string> {
    const [cmd, ...rest] = [...this.asPostgres, join(PG_BIN, bin), ...args];
    const { stdout, stderr } = await run0(cmd, rest, { timeout: timeoutMs, cwd: this.dir });
    return `${stdout}${stderr}`;
  }

  async init(): Promise<void> {
    if (process.getuid?.() === 0) {
      const pg = await run0('id', ['-u', 'postgres']).then((r) => Number(r.stdout.trim()));
      const gid = await run0('id', ['-g', 'postgres']).then((r) => Number(r.stdout.trim()));
      chownSync(this.dir, pg, gid);
    }
    await this.exec('initdb', [
      '-D',
      this.data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
  }

  async start(): Promise<void> {
    await this.exec('pg_ctl', [
      '-D',
      this.data,
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
      '-l',
      join(this.dir, 'postgres.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '30', 'stop']);
  }

  running(): boolean {
    return existsSync(join(this.data, 'postmaster.pid'));
  }

  /** Cleanup: stop (immediate) if running; if that fails, SIGKILL the postmaster we started. */
  async destroy(): Promise<void> {
    if (this.running()) {
      try {
        await this.stop('immediate');
      } catch {
        const pid = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGKILL');
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'postgres.log'), 'utf8');
    } catch {
      return '';
    }
  }
}

interface Load {
  stop(): Promise<Answer[]>;
}

/** Clients that keep sending events and reads until stopped (to be in flight when the DB goes). */
function startLoad(
  svc: Service,
  auth: Auth,
  caseIds: string[],
  ledger: Ledger,
  state: Map<string, { version: number; status: string }>,
): Load {
  let stopping = false;
  const answers: Answer[] = [];
  const worker = async (w: number) => {
    let i = w;
    while (!stopping) {
      const caseId = caseIds[i++ % caseIds.length];
      const s = state.get(caseId)!;
      const body =
        s.status === 'paused' ? { type: 'RESUME' } : { type: 'PAUSE', reason: `outage load ${w}` };
      const a = await http(svc.url, 'POST', `/api/v1/cases/${caseId}/events`, {
        auth,
        body,
        timeoutMs: 15_000,
      });
      answers.push(a);
      ledger.count(a);
      if (a.status === 200) {
        ledger.ack(caseId, a.body, body.type, `load ${w}`);
        state.set(caseId, { version: a.body.version, status: a.body.status });
      } else if (a.status === 503 || a.status === 0 || a.status >= 500) {
        // The commit may or may not have happened before the connection went.
        ledger.unknowns.push({
          caseId,
          event: body.type,
          body,
          ifMatch: null,
          idempotencyKey: null,
          error: String(a.status),
        });
        await sleep(50);
      } else if (a.status === 409) {
        const r = await http(svc.url, 'GET', `/api/v1/cases/${caseId}`, {
          auth,
          timeoutMs: 15_000,
        });
        answers.push(r);
        if (r.status === 200) state.set(caseId, { version: r.body.version, status: r.body.status });
      }
    }
  };
  const workers = Array.from({ length: 6 }, (_, w) => worker(w));
  return {
    async stop() {
      stopping = true;
      await Promise.all(workers);
      return answers;
    },
  };
}

function isProblem503(a: Answer): boolean {
  return (
    a.status === 503 &&
    a.contentType.startsWith('application/problem+json') &&
    a.body?.code === 'database_unavailable'
  );
}

const describe = (a: Answer) =>
  `${a.status}${a.status === 0 ? ` ${a.error}` : ` ${a.contentType.split(';')[0]} ${a.body?.code ?? ''}`} in ${a.ms} ms`;

async function outage(
  run: Run,
  pg: ThrowawayPostgres,
  svc: Service,
  auth: Auth,
  s: { caseIds: string[]; officeId: string },
  ledger: Ledger,
  state: Map<string, { version: number; status: string }>,
  mode: 'fast' | 'immediate',
): Promise<void> {
  run.log(`=== outage: pg_ctl stop -m ${mode} under load ===`);
  const load = startLoad(svc, auth, s.caseIds, ledger, state);
  await sleep(700);
  const t0 = Date.now();
  await pg.stop(mode);
  run.log(`database stopped (-m ${mode}) in ${Date.now() - t0} ms while the service takes writes`);

  // Probe every endpoint class during the outage.
  const probes: { name: string; a: Answer }[] = [];
  const caseId = s.caseIds[0];
  const probeEnd = Date.now() + OUTAGE_MS;
  while (Date.now() < probeEnd) {
    const batch = await Promise.all([
      http(svc.url, 'GET', '/health', { timeoutMs: 15_000 }).then((a) => ({
        name: 'GET /health',
        a,
      })),
      http(svc.url, 'GET', '/health/ready', { timeoutMs: 15_000 }).then((a) => ({
        name: 'GET /health/ready',
        a,
      })),
      http(svc.url, 'GET', `/api/v1/cases/${caseId}`, { auth, timeoutMs: 15_000 }).then((a) => ({
        name: 'GET case',
        a,
      })),
      http(svc.url, 'GET', `/api/v1/cases?limit=5`, { auth, timeoutMs: 15_000 }).then((a) => ({
        name: 'GET cases',
        a,
      })),
      http(svc.url, 'POST', `/api/v1/cases/${caseId}/events`, {
        auth,
        body: { type: 'DROP_OUT', reasonCode: 'other' },
        headers: { 'if-match': '"999999"' },
        timeoutMs: 15_000,
      }).then((a) => ({ name: 'POST event', a })),
      http(svc.url, 'POST', '/api/v1/auth/token', {
        body: { email: 'nobody@robust.lotse.test', password: 'not a real password' },
        timeoutMs: 15_000,
      }).then((a) => ({ name: 'POST auth/token', a })),
    ]);
    probes.push(...batch);
    await sleep(250);
  }
  const loadAnswers = await load.stop();
  const byName = new Map<string, Answer[]>();
  for (const p of probes) byName.set(p.name, [...(byName.get(p.name) ?? []), p.a]);
  const health = byName.get('GET /health')!;
  run.check(
    health.every((a) => a.status === 200),
    `[${mode}] GET /health (liveness) stays 200 during the outage (${health.length} probes)`,
    health
      .filter((a) => a.status !== 200)
      .map(describe)
      .slice(0, 3),
  );
  for (const name of [
    'GET /health/ready',
    'GET case',
    'GET cases',
    'POST event',
    'POST auth/token',
  ]) {
    const answers = byName.get(name)!;
    const bad = answers.filter((a) => !isProblem503(a));
    const slowest = Math.max(...answers.map((a) => a.ms));
    run.check(
      bad.length === 0,
      `[${mode}] ${name}: 503 problem+json database_unavailable during the outage (${answers.length} probes)`,
      bad.map(describe).slice(0, 3),
    );
    run.check(
      slowest <= MAX_LATENCY_MS,
      `[${mode}] ${name}: answered within ${MAX_LATENCY_MS} ms (slowest ${slowest} ms)`,
    );
  }
  const retryAfter = byName
    .get('GET case')!
    .filter((a) => a.status === 503)
    .every((a) => a.headers?.get('retry-after') !== null);
  run.check(retryAfter, `[${mode}] 503 answers carry Retry-After`);
  const loadCounts = new Map<number, number>();
  for (const a of loadAnswers) loadCounts.set(a.status, (loadCounts.get(a.status) ?? 0) + 1);
  const counts = [...loadCounts].map(([k, v]) => `${k}=${v}`).join(' ');
  const loadSlowest = Math.max(...loadAnswers.map((a) => a.ms));
  // A 500 of a request in flight when the database goes is a known bug (README): counted here and
  // matched against the service log at the end; any other status is a failure.
  const loadBad = loadAnswers.filter((a) => ![200, 409, 412, 503, 500].includes(a.status));
  const load500 = loadAnswers.filter((a) => a.status === 500);
  in500.push(...load500);
  run.check(
    loadBad.length === 0,
    `[${mode}] load across the outage: only 200/409/412/503 or the known 500 (${counts})`,
    loadBad.map(describe).slice(0, 3),
  );
  run.known(
    load500.length === 0,
    `[${mode}] requests in flight when the database goes answer 503, not 500`,
    `${load500.length} x ${load500.map(describe)[0]}`,
  );
  run.check(
    loadSlowest <= MAX_LATENCY_MS + 1000,
    `[${mode}] load across the outage: no request hung (slowest ${loadSlowest} ms)`,
  );
  run.check(
    loadAnswers.some((a) => a.status === 503),
    `[${mode}] the outage was seen by the load (some 503s)`,
  );

  // Back again: the same process recovers on its own.
  const t1 = Date.now();
  await pg.start();
  run.log(
    `database started again in ${Date.now() - t1} ms${mode === 'immediate' ? ' (crash recovery)' : ''}`,
  );
  const t2 = Date.now();
  let ready: Answer | null = null;
  while (Date.now() - t2 < RECOVERY_MS) {
    ready = await http(svc.url, 'GET', '/health/ready', { timeoutMs: 10_000 });
    if (ready.status === 200) break;
    await sleep(200);
  }
  run.check(
    ready?.status === 200,
    `[${mode}] /health/ready back to 200 without a restart, ${Date.now() - t2} ms after the database`,
    ready && describe(ready),
  );
  run.check(
    svc.alive() && svc.child.pid === svc.pid,
    `[${mode}] same service process (pid ${svc.pid}) still running`,
  );
  const burst = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      http(svc.url, 'GET', `/api/v1/cases/${s.caseIds[i % s.caseIds.length]}`, {
        auth,
        timeoutMs: 10_000,
      }),
    ),
  );
  const burstBad = burst.filter((a) => a.status !== 200);
  run.check(
    burstBad.length === 0,
    `[${mode}] a burst of 30 concurrent reads right after recovery all answer 200 (no stale pool connection)`,
    burstBad.map(describe).slice(0, 3),
  );
  const id = s.caseIds[1];
  const cur = await http(svc.url, 'GET', `/api/v1/cases/${id}`, { auth });
  const body =
    cur.body?.status === 'paused'
      ? { type: 'RESUME' }
      : { type: 'PAUSE', reason: `after ${mode} outage` };
  const t = await http(svc.url, 'POST', `/api/v1/cases/${id}/events`, {
    auth,
    body,
    headers: { 'if-match': `"${cur.body?.version}"` },
  });
  run.check(
    t.status === 200 && t.body.version === cur.body.version + 1,
    `[${mode}] a transition succeeds after recovery (v${cur.body?.version} -> v${t.body?.version})`,
    describe(t),
  );
  if (t.status === 200) {
    ledger.ack(id, t.body, body.type, `after ${mode}`);
    state.set(id, { version: t.body.version, status: t.body.status });
  }
}

/**
 * The known bug: TypeORM releases a query runner whose connection the server terminated; the next
 * statement of the transaction (or its COMMIT) then throws one of these, which to-problem.ts does
 * not map to database_unavailable.
 */
const KNOWN_500 = /QueryRunner(Provider)?AlreadyReleasedError/;

/** Every 500 any request got (they must all be explained by the known bug). */
const in500: Answer[] = [];

function stackOf(logLine: string): string {
  try {
    const err = JSON.parse(logLine).err as { stack?: string };
    return (err.stack ?? '')
      .split('\n')
      .slice(0, 6)
      .map((l) => l.trim())
      .join(' | ');
  } catch {
    return logLine.slice(0, 400);
  }
}

const run = new Run('db-outage', envInt('ROBUST_TIMEOUT_MS', 120_000));
run.main(async () => {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} missing: run npm run build first`);
  if (!existsSync(join(PG_BIN, 'initdb')))
    throw new Error(`${PG_BIN}/initdb not found (set ROBUST_PG_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'lotse-robust-pg-'));
  const pg = new ThrowawayPostgres(dir, await freePort());
  run.onCleanup(`stop throwaway PostgreSQL and remove ${dir}`, () => pg.destroy());
  await pg.init();
  await pg.start();
  run.log(
    `throwaway PostgreSQL 15 on 127.0.0.1:${pg.port} in ${dir} (as ${process.getuid?.() === 0 ? 'postgres via runuser' : userInfo().username})`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-robust-outage-'));
  run.onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  await ensureRequestLogin({ query: (text) => sql(pg.url, text) });
  const svc = await startService(run, 'outage', {
    ...ADMIN_ENV,
    ...requestRoleEnv(pg.url),
    LOTSE_DATA_DIR: dataDir,
    JWT_SECRET,
    PSEUDONYM_KEY,
  });
  run.log(`service pid ${svc.pid} on :${svc.port}`);
  const s = await seed(svc.url, 12);
  run.known(
    s.problems.length === 0,
    'seeding: advisor user created through the API',
    s.problems.join('; '),
  );
  const auth: Auth = { apiKey: s.apiKey };
  const ledger = new Ledger();
  const state = new Map(s.caseIds.map((id) => [id, { version: 1, status: 'active' }]));
  const first = await http(svc.url, 'POST', `/api/v1/cases/${s.caseIds[0]}/events`, {
    auth,
    body: { type: 'PAUSE', reason: 'baseline' },
  });
  run.check(
    first.status === 200,
    'baseline: a transition succeeds before the outage',
    describe(first),
  );
  if (first.status === 200) {
    ledger.ack(s.caseIds[0], first.body, 'PAUSE', 'baseline');
    state.set(s.caseIds[0], { version: first.body.version, status: first.body.status });
  }

  try {
    await outage(run, pg, svc, auth, s, ledger, state, 'fast');
    await outage(run, pg, svc, auth, s, ledger, state, 'immediate');
  } finally {
    if (!pg.running()) await pg.start().catch(() => undefined);
  }

  await checkInvariants(run, 'after two outages', svc.url, auth, s.caseIds, ledger, {
    databaseUrl: pg.url,
  });
  const unexpected = svc
    .output()
    .split('\n')
    .filter((l) => /"level":50/.test(l) && /unexpected error/.test(l));
  const knownBug = unexpected.filter((l) => KNOWN_500.test(l));
  const other = unexpected.filter((l) => !KNOWN_500.test(l));
  run.check(
    other.length === 0,
    'the service logged no "unexpected error" (500) other than the known one',
    other.slice(0, 2).map((l) => l.slice(0, 600)),
  );
  run.check(
    in500.length === knownBug.length,
    `every 500 answered (${in500.length}) is the known QueryRunner(Provider)AlreadyReleasedError in the log (${knownBug.length})`,
  );
  run.known(
    knownBug.length === 0,
    'no QueryRunner(Provider)AlreadyReleasedError (500) when the database terminates a connection inside a transaction',
    knownBug.length === 0 ? '' : `${knownBug.length} x, e.g. ${stackOf(knownBug[0])}`,
  );
  const code = await svc.stop();
  run.check(code === 0, `service stops cleanly on SIGTERM (exit ${code})`);
  if (run.failures.length > 0) {
    const file = join(tmpdir(), `lotse-robust-db-outage-${process.pid}.log`);
    writeFileSync(
      file,
      `--- service output ---\n${svc.output()}\n--- throwaway PostgreSQL log ---\n${pg.log()}`,
    );
    run.log(`service output and PostgreSQL log kept in ${file}`);
  }
});
