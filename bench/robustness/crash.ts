/**
 * Crash robustness: kill -9 the service in the middle of a write load, restart it, and check that
 * nothing acknowledged was lost and nothing was half-applied. Both database modes:
 *
 *  1. server: a scratch database lotse_robust_<pid> on the shared PostgreSQL (ROBUST_ADMIN_URL);
 *  2. embedded: DATABASE_URL unset, LOTSE_DATA_DIR = a temp dir (PGlite), restarted on the same dir.
 *
 * Per mode: seed an office, an advisor (token) and an API key, N founders with one case each; then
 * CYCLES times: several concurrent clients send PAUSE/RESUME (some with If-Match, some with an
 * Idempotency-Key), the service is SIGKILLed while requests are in flight, restarted, the requests
 * whose answer was cut off are retried with their Idempotency-Key, and every invariant of
 * invariants.ts is checked. Beside the writers, READERS clients GET cases with an X-Request-Id of
 * their own: after each restart every read that was answered 200 before the kill must have its
 * access-log entry (the log's group commit must not answer a read before its entry is durable).
 *
 *   npm run robust:crash
 *
 * Knobs (env): ROBUST_CASES (200), ROBUST_CLIENTS (12), ROBUST_READERS (8), ROBUST_CYCLES (3), ROBUST_LOAD_MS (2500),
 * ROBUST_MODES (server,embedded), ROBUST_TIMEOUT_MS (300000), ROBUST_ADMIN_URL.
 */
import { requestRoleEnv } from '../../src/database/request-role';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInvariants, Ledger } from './invariants';
import {
  ADMIN_ENV,
  Auth,
  envInt,
  http,
  JWT_SECRET,
  MAIN_JS,
  PSEUDONYM_KEY,
  Run,
  scratchDatabase,
  seed,
  Service,
  ServiceStartError,
  sleep,
  startService,
  token,
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
} from './support';

const CASES = envInt('ROBUST_CASES', 200);
const CLIENTS = envInt('ROBUST_CLIENTS', 12);
const READERS = envInt('ROBUST_READERS', 8);
const CYCLES = envInt('ROBUST_CYCLES', 3);
const LOAD_MS = envInt('ROBUST_LOAD_MS', 2500);
const MODES = (process.env.ROBUST_MODES ?? 'server,embedded').split(',').map((m) => m.trim());

interface Known {
  version: number;
  status: string;
}

interface LoadResult {
  inflightAtKill: number;
  sentBeforeKill: number;
  unexpected: string[];
  /** Request ids of the reads (GET /cases/:id) answered 200 before the kill. */
  readsAnswered: string[];
  readsInflightAtKill: number;
}

/**
 * Drives PAUSE/RESUME from CLIENTS concurrent clients until `killAfterMs`, then SIGKILLs the service
 * while requests are in flight and waits for the clients to notice.
 */
async function loadThenKill(
  run: Run,
  svc: Service,
  auths: Auth[],
  caseIds: string[],
  known: Map<string, Known>,
  ledger: Ledger,
  killAfterMs: number,
): Promise<LoadResult> {
  let killing = false;
  let inflight = 0;
  let sent = 0;
  const unexpected: string[] = [];
  const worker = async (w: number) => {
    const auth = auths[w % auths.length];
    while (!killing) {
      const caseId = caseIds[Math.floor(Math.random() * caseIds.length)];
      const k = known.get(caseId)!;
      const event =
        k.status === 'paused'
          ? { type: 'RESUME' }
          : { type: 'PAUSE', reason: `robust w${w} #${sent}` };
      const ifMatch = Math.random() < 0.35 ? k.version : null;
      const idempotencyKey = Math.random() < 0.3 ? `robust-${randomUUID()}` : null;
      const headers: Record<string, string> = {};
      if (ifMatch !== null) headers['if-match'] = `"${ifMatch}"`;
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      inflight++;
      sent++;
      const a = await http(svc.url, 'POST', `/api/v1/cases/${caseId}/events`, {
        auth,
        body: event,
        headers,
        timeoutMs: 15_000,
      });
      inflight--;
      ledger.count(a);
      if (a.status === 200) {
        ledger.ack(caseId, a.body, event.type, `client ${w}`);
        if (a.body.version > (known.get(caseId)?.version ?? 0))
          known.set(caseId, { version: a.body.version, status: a.body.status });
      } else if (a.status === 409 || a.status === 412) {
        const fresh = await http(svc.url, 'GET', `/api/v1/cases/${caseId}`, {
          auth,
          timeoutMs: 15_000,
        });
        if (fresh.status === 200 && fresh.body.version >= (known.get(caseId)?.version ?? 0)) {
          known.set(caseId, { version: fresh.body.version, status: fresh.body.status });
        }
      } else if (a.status === 0) {
        ledger.unknowns.push({
          caseId,
          event: event.type,
          body: event,
          ifMatch,
          idempotencyKey,
          auth,
          error: a.error ?? '?',
        });
        if (!killing)
          unexpected.push(
            `no answer while the service was up: ${a.error} (${event.type} ${caseId})`,
          );
      } else {
        unexpected.push(`${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
      }
    }
  };
  const readsAnswered: string[] = [];
  let readsInflight = 0;
  const reader = async (r: number) => {
    const auth = auths[r % auths.length];
    for (let n = 0; !killing; n++) {
      const caseId = caseIds[Math.floor(Math.random() * caseIds.length)];
      const requestId = `robust-read-${run.name}-${process.pid}-${r}-${n}-${randomUUID().slice(0, 8)}`;
      readsInflight++;
      const a = await http(svc.url, 'GET', `/api/v1/cases/${caseId}`, {
        auth,
        headers: { 'x-request-id': requestId },
        timeoutMs: 15_000,
      });
      readsInflight--;
      ledger.count(a);
      if (a.status === 200) readsAnswered.push(requestId);
      else if (a.status !== 0 || !killing)
        unexpected.push(
          `GET ${caseId}: ${a.status} ${a.error ?? JSON.stringify(a.body).slice(0, 200)}`,
        );
    }
  };
  const workers = [
    ...Array.from({ length: CLIENTS }, (_, w) => worker(w)),
    ...Array.from({ length: READERS }, (_, r) => reader(r)),
  ];
  // Kill once the load runs and requests are in flight.
  const t0 = Date.now();
  while (Date.now() - t0 < killAfterMs || inflight === 0) {
    if (Date.now() - t0 > killAfterMs + 10_000) break;
    await sleep(5);
  }
  const inflightAtKill = inflight;
  const sentBeforeKill = sent;
  const readsInflightAtKill = readsInflight;
  killing = true;
  await svc.kill9();
  await Promise.all(workers);
  return { inflightAtKill, sentBeforeKill, unexpected, readsAnswered, readsInflightAtKill };
}

/**
 * Every read answered 200 has its access-log entry (by its X-Request-Id), read back through
 * GET /api/v1/access-log as the administrator: entries since `since`, newest first, every page.
 */
async function checkReadEntries(
  run: Run,
  label: string,
  svc: Service,
  since: Date,
  answered: readonly string[],
): Promise<void> {
  const admin: Auth = { token: await token(svc.url, ADMIN_EMAIL, ADMIN_PASSWORD) };
  const logged = new Set<string>();
  let cursor: string | null = null;
  let pages = 0;
  let failure: string | null = null;
  do {
    const query = `from=${encodeURIComponent(since.toISOString())}&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
    const a = await http(svc.url, 'GET', `/api/v1/access-log?${query}`, {
      auth: admin,
      timeoutMs: 30_000,
    });
    if (a.status !== 200) {
      failure = `GET /api/v1/access-log answered ${a.status} ${a.error ?? ''}`;
      break;
    }
    for (const e of a.body.items as { requestId: string | null }[])
      if (e.requestId) logged.add(e.requestId);
    cursor = a.body.nextCursor as string | null;
    pages++;
  } while (cursor && pages < 10_000);
  const missing = answered.filter((id) => !logged.has(id));
  run.check(
    failure === null && missing.length === 0 && answered.length > 0,
    `${label}: each of the ${answered.length} reads answered 200 before the kill has its access-log entry (${missing.length} missing)`,
    failure ? [failure] : missing.slice(0, 5),
  );
}

/** Requests cut off by the crash that carried an Idempotency-Key: resend and learn their outcome. */
async function retryUnknowns(
  run: Run,
  svc: Service,
  auth: Auth,
  ledger: Ledger,
  known: Map<string, Known>,
): Promise<void> {
  const keyed = ledger.unknowns.filter((u) => u.idempotencyKey !== null);
  if (keyed.length === 0) return;
  const outcomes = new Map<string, number>();
  const bad: string[] = [];
  for (const u of keyed) {
    const headers: Record<string, string> = { 'idempotency-key': u.idempotencyKey! };
    if (u.ifMatch !== null) headers['if-match'] = `"${u.ifMatch}"`;
    const a = await http(svc.url, 'POST', `/api/v1/cases/${u.caseId}/events`, {
      auth: (u.auth as Auth | undefined) ?? auth,
      body: u.body,
      headers,
      timeoutMs: 15_000,
    });
    outcomes.set(String(a.status), (outcomes.get(String(a.status)) ?? 0) + 1);
    if (a.status === 200) {
      ledger.ack(u.caseId, a.body, u.event, 'idempotent retry');
      if (a.body.version > (known.get(u.caseId)?.version ?? 0))
        known.set(u.caseId, { version: a.body.version, status: a.body.status });
    } else if (a.status !== 409 && a.status !== 412) {
      bad.push(`${a.status} ${a.error ?? JSON.stringify(a.body).slice(0, 200)}`);
      continue;
    }
    // A 200 (replayed or applied now) or a 409/412 (so the cut-off request did not commit: its
    // stored answer would have been replayed): either way it left no extra history row.
    ledger.unknowns.splice(ledger.unknowns.indexOf(u), 1);
  }
  run.check(
    bad.length === 0,
    `retried ${keyed.length} cut-off requests with their Idempotency-Key after restart: ${[...outcomes].map(([s, n]) => `${s}=${n}`).join(' ')}`,
    bad.slice(0, 3),
  );
}

async function refreshKnown(
  svc: Service,
  auth: Auth,
  caseIds: string[],
  known: Map<string, Known>,
): Promise<void> {
  for (const id of caseIds) {
    const r = await http(svc.url, 'GET', `/api/v1/cases/${id}`, { auth, timeoutMs: 15_000 });
    if (r.status === 200) known.set(id, { version: r.body.version, status: r.body.status });
  }
}

async function crashMode(run: Run, mode: 'server' | 'embedded'): Promise<void> {
  run.log(`=== ${mode} database ===`);
  const dataDir = mkdtempSync(join(tmpdir(), `lotse-robust-${mode}-`));
  run.onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  let databaseUrl: string | undefined;
  const env: Record<string, string> = { ...ADMIN_ENV, LOTSE_DATA_DIR: dataDir };
  if (mode === 'server') {
    databaseUrl = await scratchDatabase(run);
    Object.assign(env, { ...requestRoleEnv(databaseUrl), JWT_SECRET, PSEUDONYM_KEY });
  } else {
    run.log(`embedded data dir ${dataDir}`);
  }

  let svc = await startService(run, `${mode}#1`, env);
  run.log(`service up (pid ${svc.pid}); seeding ${CASES} cases`);
  const s = await seed(svc.url, CASES);
  const apiKey: Auth = { apiKey: s.apiKey };
  run.known(
    s.problems.length === 0,
    `${mode}: seeding: advisor user created through the API`,
    s.problems.join('; '),
  );
  const auths: Auth[] = s.advisorToken ? [apiKey, { token: s.advisorToken }] : [apiKey];
  const known = new Map<string, Known>(
    s.caseIds.map((id) => [id, { version: 1, status: 'active' }]),
  );
  const ledger = new Ledger();

  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const killAfter = Math.round(LOAD_MS * (0.6 + Math.random() * 0.8));
    run.log(
      `cycle ${cycle}/${CYCLES}: ${CLIENTS} clients for ~${killAfter} ms, then kill -9 pid ${svc.pid}`,
    );
    const acksBefore = ledger.acks.length;
    // A second back: the log's `at` is the database's clock, this the script's.
    const cycleStart = new Date(Date.now() - 1_000);
    const r = await loadThenKill(run, svc, auths, s.caseIds, known, ledger, killAfter);
    run.log(
      `  sent ${r.sentBeforeKill} events before the kill, ${ledger.acks.length - acksBefore} answered 200, ${r.inflightAtKill} in flight at kill -9; answers so far: ${ledger.counts()}`,
    );
    run.log(
      `  ${r.readsAnswered.length} reads (GET /cases/:id) answered 200 before the kill, ${r.readsInflightAtKill} in flight at kill -9`,
    );
    run.check(
      r.inflightAtKill > 0,
      `cycle ${cycle}: the kill hit requests in flight (${r.inflightAtKill})`,
    );
    run.check(
      r.unexpected.length === 0,
      `cycle ${cycle}: only 200/409/412 while the service was up, reads 200 (no 5xx, no dropped connection)`,
      r.unexpected.slice(0, 5),
    );

    const t0 = Date.now();
    try {
      svc = await startService(run, `${mode}#${cycle + 1}`, env, { readyWithinMs: 60_000 });
    } catch (error) {
      const output = error instanceof ServiceStartError ? error.output : '';
      run.check(
        false,
        `cycle ${cycle}: service restarts on the same ${mode === 'embedded' ? 'data dir' : 'database'} after kill -9`,
        (error as Error).message.split('\n')[0],
      );
      console.log(`--- output of the failed restart ---\n${output.slice(-6000)}\n---`);
      return;
    }
    run.check(
      true,
      `cycle ${cycle}: service restarted after kill -9 and is ready in ${Date.now() - t0} ms`,
    );
    await checkReadEntries(run, `${mode} cycle ${cycle}`, svc, cycleStart, r.readsAnswered);
    await retryUnknowns(run, svc, apiKey, ledger, known);
    await checkInvariants(run, `${mode} after kill #${cycle}`, svc.url, apiKey, s.caseIds, ledger, {
      databaseUrl,
    });
    await refreshKnown(svc, apiKey, s.caseIds, known);
  }

  // The restarted service takes writes again (PAUSE/RESUME on a case, If-Match with the current version).
  const id = s.caseIds[0];
  const k = known.get(id)!;
  const event =
    k.status === 'paused' ? { type: 'RESUME' } : { type: 'PAUSE', reason: 'after the crashes' };
  const after = await http(svc.url, 'POST', `/api/v1/cases/${id}/events`, {
    auth: apiKey,
    body: event,
    headers: { 'if-match': `"${k.version}"` },
  });
  run.check(
    after.status === 200 && after.body.version === k.version + 1,
    `${mode}: a transition with the current If-Match succeeds after the last restart`,
    `${after.status} ${JSON.stringify(after.body).slice(0, 200)}`,
  );
  if (after.status === 200) ledger.ack(id, after.body, event.type, 'final');
  const code = await svc.stop();
  run.check(code === 0, `${mode}: service stops cleanly on SIGTERM (exit ${code})`);
  if (mode === 'embedded') {
    // A clean stop and start on the same data dir keeps everything, too.
    svc = await startService(run, `${mode}#final`, env, { readyWithinMs: 60_000 });
    await checkInvariants(run, `${mode} after a clean restart`, svc.url, apiKey, s.caseIds, ledger);
    await svc.stop();
  }
}

const run = new Run('crash', envInt('ROBUST_TIMEOUT_MS', 300_000));
run.main(async () => {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} missing: run npm run build first`);
  for (const mode of MODES) {
    if (mode !== 'server' && mode !== 'embedded')
      throw new Error(`ROBUST_MODES: unknown mode ${mode}`);
    await crashMode(run, mode);
  }
});
