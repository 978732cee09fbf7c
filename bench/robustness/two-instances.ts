/**
 * Two service processes, one database: both take conflicting events for the same cases at the same
 * moment, many rounds. Checks that no transition is lost or applied twice (history rows = successful
 * answers, version = 1 + rows, chains verify), that conflicts answer 409 or 412 and never 500.
 *
 *   npm run robust:two-instances
 *
 * Per round and case, every instance sends CONTENDERS requests at once, in one of these modes:
 *   same          all send the same event (PAUSE when active, RESUME when paused), no If-Match:
 *                 exactly one 200, the others 409 transition_not_allowed
 *   if-match      the same with If-Match = current version: exactly one 200, the others 412
 *   mixed         half with If-Match, half without: exactly one 200, the others 409/412
 *   opposite      instance A sends PAUSE, instance B RESUME: 1..n 200s, each one a history row
 *   idempotent    all send the same event with the same Idempotency-Key (same API key): exactly one
 *                 history row; the documented contract is that every duplicate gets the first answer
 *
 * Before that, a probe starts two instances at the same moment on fresh databases (first deployment
 * of a scaled service): both must come up. Known failures (reported bugs) are warnings unless
 * ROBUST_STRICT=1.
 *
 * After that, the credential cache (issue 16): an API key used on instance B (so B holds it in
 * memory), revoked through instance A, must be refused by B on the very next request: quiet, under
 * a load of reads on both instances, and with B's listening connection terminated just before the
 * revocation; B must listen again afterwards.
 *
 * Knobs (env): ROBUST_CASES (40), ROBUST_ROUNDS (30), ROBUST_CONTENDERS (2 per instance),
 * ROBUST_STARTUP_PROBES (3), ROBUST_REVOCATIONS (40 per part), ROBUST_STRICT (0),
 * ROBUST_TIMEOUT_MS (240000), ROBUST_ADMIN_URL.
 */
import { requestRoleEnv } from '../../src/database/request-role';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInvariants, Ledger } from './invariants';
import {
  ADMIN_ENV,
  ADMIN_URL,
  Answer,
  Auth,
  envInt,
  http,
  JWT_SECRET,
  MAIN_JS,
  must,
  PSEUDONYM_KEY,
  Run,
  scratchDatabase,
  seed,
  Service,
  ServiceStartError,
  sleep,
  sql,
  startService,
} from './support';

const CASES = envInt('ROBUST_CASES', 40);
const ROUNDS = envInt('ROBUST_ROUNDS', 30);
const CONTENDERS = Math.max(1, envInt('ROBUST_CONTENDERS', 2));
const STARTUP_PROBES = envInt('ROBUST_STARTUP_PROBES', 3);
const REVOCATIONS = envInt('ROBUST_REVOCATIONS', 40);

type Mode = 'same' | 'if-match' | 'mixed' | 'opposite' | 'idempotent';
const MODES: Mode[] = ['same', 'if-match', 'mixed', 'opposite', 'idempotent'];

function envFor(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    ...ADMIN_ENV,
    ...requestRoleEnv(databaseUrl),
    LOTSE_DATA_DIR: dataDir,
    JWT_SECRET,
    PSEUDONYM_KEY,
  };
}

/** Two instances started at the same moment on an empty database, STARTUP_PROBES times. */
async function startupProbe(run: Run, dataDir: string): Promise<void> {
  if (STARTUP_PROBES === 0) return;
  run.log(
    `=== ${STARTUP_PROBES} x two instances starting at once on a fresh database (both migrate) ===`,
  );
  const failed: string[] = [];
  for (let i = 1; i <= STARTUP_PROBES; i++) {
    const url = await scratchDatabase(run, `start${i}`);
    const results = await Promise.allSettled([
      startService(run, `probe${i}A`, envFor(url, dataDir)),
      startService(run, `probe${i}B`, envFor(url, dataDir)),
    ]);
    for (const r of results) {
      if (r.status === 'fulfilled') await r.value.kill9();
      else {
        const e = r.reason as Error;
        const reason =
          e instanceof ServiceStartError
            ? (e.output.split('\n').find((l) => /fail|error/i.test(l)) ?? e.message.split('\n')[0])
            : e.message;
        failed.push(
          `probe ${i}: ${e instanceof ServiceStartError ? e.service : ''} ${reason.slice(0, 300)}`,
        );
      }
    }
    const applied = await sql(
      url,
      `SELECT name, count(*)::int AS n FROM migrations GROUP BY name HAVING count(*) > 1`,
    ).catch(() => []);
    if (applied.length > 0)
      failed.push(`probe ${i}: migrations recorded twice: ${JSON.stringify(applied)}`);
    await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
  }
  run.known(
    failed.length === 0,
    `two instances started at once on a fresh database both come up (${STARTUP_PROBES} probes)`,
    failed,
  );
}

interface State {
  version: number;
  status: string;
}

const event = (status: string, tag: string) =>
  status === 'paused' ? { type: 'RESUME' } : { type: 'PAUSE', reason: tag };

async function rounds(
  run: Run,
  a: Service,
  b: Service,
  auths: { a: Auth[]; b: Auth[]; key: Auth },
  caseIds: string[],
  ledger: Ledger,
): Promise<void> {
  const state = new Map<string, State>(caseIds.map((id) => [id, { version: 1, status: 'active' }]));
  const perMode = new Map<Mode, { rounds: number; ok: number; answers: Map<number, number> }>(
    MODES.map((m) => [m, { rounds: 0, ok: 0, answers: new Map() }]),
  );
  const violations: string[] = [];
  const idempotencyDeviations: string[] = [];
  const serverErrors: string[] = [];

  for (let round = 1; round <= ROUNDS; round++) {
    await Promise.all(
      caseIds.map(async (caseId, ci) => {
        const mode = MODES[(round + ci) % MODES.length];
        const s = state.get(caseId)!;
        const key = `robust-two-${randomUUID()}`;
        const sends: {
          via: 'A' | 'B';
          auth: Auth;
          body: { type: string; reason?: string };
          headers: Record<string, string>;
        }[] = [];
        for (let c = 0; c < CONTENDERS; c++) {
          for (const via of ['A', 'B'] as const) {
            const pool = via === 'A' ? auths.a : auths.b;
            let auth = pool[(round + c) % pool.length];
            let body = event(s.status, `r${round} ${via}${c}`);
            const headers: Record<string, string> = {};
            if (mode === 'if-match' || (mode === 'mixed' && (c + (via === 'A' ? 0 : 1)) % 2 === 0))
              headers['if-match'] = `"${s.version}"`;
            if (mode === 'opposite')
              body =
                via === 'A' ? { type: 'PAUSE', reason: `r${round} A${c}` } : { type: 'RESUME' };
            if (mode === 'idempotent') {
              auth = auths.key;
              body = event(s.status, `r${round} idempotent`);
              headers['idempotency-key'] = key;
            }
            sends.push({ via, auth, body, headers });
          }
        }
        const svc = (via: 'A' | 'B') => (via === 'A' ? a : b);
        const answers: Answer[] = await Promise.all(
          sends.map((x) =>
            http(svc(x.via).url, 'POST', `/api/v1/cases/${caseId}/events`, {
              auth: x.auth,
              body: x.body,
              headers: x.headers,
              timeoutMs: 20_000,
            }),
          ),
        );
        const stats = perMode.get(mode)!;
        stats.rounds++;
        answers.forEach((r) => {
          ledger.count(r);
          stats.answers.set(r.status, (stats.answers.get(r.status) ?? 0) + 1);
        });
        for (const [i, r] of answers.entries()) {
          if (r.status >= 500 || r.status === 0)
            serverErrors.push(
              `${mode} r${round} ${sends[i].via}: ${r.status} ${r.error ?? JSON.stringify(r.body).slice(0, 300)}`,
            );
        }
        const oks = answers.map((r, i) => ({ r, x: sends[i] })).filter(({ r }) => r.status === 200);
        const others = answers.filter((r) => r.status !== 200);
        let good: boolean;
        if (mode === 'idempotent') {
          // One transition at most; every 200 must be the same (first) answer.
          const versions = new Set(oks.map(({ r }) => r.body.version));
          good = versions.size === 1 && others.every((r) => r.status === 409 || r.status === 412);
          if (oks.length > 0)
            ledger.ack(caseId, oks[0].r.body, oks[0].x.body.type, `idempotent r${round}`);
          if (others.length > 0) {
            idempotencyDeviations.push(
              `r${round} case ${caseId.slice(0, 8)}: ${oks.length}x200 (version ${[...versions].join(',')}), duplicates answered ${others.map((r) => `${r.status} ${r.body?.code ?? r.error}`).join(', ')}`,
            );
          }
        } else {
          for (const { r, x } of oks)
            ledger.ack(caseId, r.body, x.body.type, `${x.via} r${round} ${mode}`);
          const expectedOthers = mode === 'same' ? [409] : mode === 'if-match' ? [412] : [409, 412];
          good =
            mode === 'opposite'
              ? oks.length >= 1 && others.every((r) => r.status === 409)
              : oks.length === 1 && others.every((r) => expectedOthers.includes(r.status));
          const versions = oks.map(({ r }) => r.body.version).sort((p, q) => p - q);
          if (versions.some((v, i) => v !== s.version + 1 + i)) good = false;
        }
        if (good) stats.ok++;
        else
          violations.push(
            `${mode} r${round} case ${caseId.slice(0, 8)} at v${s.version}: ${answers.map((r, i) => `${sends[i].via}:${r.status}${r.status === 200 ? `(v${r.body.version})` : ''}`).join(' ')}`,
          );
        const newest = oks.map(({ r }) => r.body).sort((p, q) => q.version - p.version)[0];
        if (newest) state.set(caseId, { version: newest.version, status: newest.status });
        else if (others.some((r) => r.status !== 409 && r.status !== 412)) {
          const fresh = await http(b.url, 'GET', `/api/v1/cases/${caseId}`, { auth: auths.key });
          if (fresh.status === 200)
            state.set(caseId, { version: fresh.body.version, status: fresh.body.status });
        }
      }),
    );
    if (round % 10 === 0 || round === ROUNDS)
      run.log(`round ${round}/${ROUNDS}: answers so far ${ledger.counts()}`);
  }

  for (const m of MODES) {
    const st = perMode.get(m)!;
    const answers = [...st.answers]
      .sort()
      .map(([code, n]) => `${code}=${n}`)
      .join(' ');
    if (m === 'idempotent') {
      run.check(
        st.ok === st.rounds,
        `mode ${m}: ${st.ok}/${st.rounds} case-rounds applied at most once, every 200 the same answer, duplicates 409/412 (${answers})`,
      );
    } else {
      const expect =
        m === 'same'
          ? 'one 200, rest 409'
          : m === 'if-match'
            ? 'one 200, rest 412'
            : m === 'mixed'
              ? 'one 200, rest 409/412'
              : '>= one 200, rest 409, versions consecutive';
      run.check(
        st.ok === st.rounds,
        `mode ${m}: ${st.ok}/${st.rounds} case-rounds as expected (${expect}) (${answers})`,
      );
    }
  }
  run.check(
    violations.length === 0,
    'every contended round ended as expected',
    violations.slice(0, 8),
  );
  run.check(
    serverErrors.length === 0,
    'no 5xx and no dropped request under contention',
    serverErrors.slice(0, 8),
  );
  run.known(
    idempotencyDeviations.length === 0,
    'concurrent duplicates with one Idempotency-Key all get the first answer (200), as documented',
    `${idempotencyDeviations.length} case-rounds, e.g. ${idempotencyDeviations.slice(0, 2).join(' | ')}`,
  );
}

interface Hooks {
  beforeUse?: () => Promise<void>;
  beforeRevoke?: () => Promise<void>;
}

/** B's connection that listens for credential changes (src/auth/credential-listener.ts). */
async function listenerPid(url: string, b: Service): Promise<number | null> {
  const rows = await sql<{ pid: number }>(
    url,
    // Once its LISTEN is done (idle after it or after a sync): B uses its cache from then on.
    `SELECT pid FROM pg_stat_activity WHERE application_name = $1
        AND state = 'idle' AND query IN ('LISTEN lotse_credentials', 'SELECT 1')`,
    [`lotse-credentials:${b.pid}`],
  );
  return rows[0]?.pid ?? null;
}

/**
 * A key used on B, revoked through A, is refused by B on the very next request, REVOCATIONS times
 * per part: quiet; under a load of reads on both instances; with B's listening connection
 * terminated right before the revocation (B then looks the key up, and listens again later).
 */
async function credentialRevocation(
  run: Run,
  a: Service,
  b: Service,
  s: { officeId: string; adminToken: string; apiKey: string; caseIds: string[] },
  url: string,
): Promise<void> {
  run.log(`=== credential cache: ${REVOCATIONS} revocations through A, each checked on B ===`);
  const admin: Auth = { token: s.adminToken };
  const revokeOnce = async (n: number, hooks: Hooks = {}): Promise<string | null> => {
    await hooks.beforeUse?.();
    const key = await must(201, a.url, 'POST', `/api/v1/offices/${s.officeId}/api-keys`, {
      auth: admin,
      body: { name: `revocation ${n}`, role: 'advisor' },
    });
    const auth: Auth = { apiKey: key.key as string };
    // Twice on B: the first looks it up and keeps it, the second is answered from memory.
    for (const i of [1, 2]) {
      const used = await http(b.url, 'GET', '/api/v1/auth/me', { auth });
      if (used.status !== 200) return `#${n}: use ${i} on B answered ${used.status}`;
    }
    await hooks.beforeRevoke?.();
    const revoked = await http(
      a.url,
      'DELETE',
      `/api/v1/offices/${s.officeId}/api-keys/${key.id}`,
      {
        auth: admin,
      },
    );
    if (revoked.status !== 204) return `#${n}: revoke on A answered ${revoked.status}`;
    const next = await http(b.url, 'GET', '/api/v1/auth/me', { auth });
    if (next.status !== 401) return `#${n}: B answered ${next.status} right after the revocation`;
    const onA = await http(a.url, 'GET', '/api/v1/auth/me', { auth });
    if (onA.status !== 401) return `#${n}: A answered ${onA.status} right after the revocation`;
    return null;
  };
  const part = async (
    what: string,
    hooks: Hooks = {},
  ): Promise<{ failures: string[]; ms: number }> => {
    const failures: string[] = [];
    const t0 = Date.now();
    for (let n = 1; n <= REVOCATIONS; n++) {
      const failure = await revokeOnce(n, hooks);
      if (failure) failures.push(failure);
    }
    const ms = Date.now() - t0;
    run.check(
      failures.length === 0,
      `${what}: ${REVOCATIONS - failures.length}/${REVOCATIONS} keys used on B, revoked through A, refused by B (and A) on the very next request`,
      failures.slice(0, 5),
    );
    return { failures, ms };
  };

  const terminated: number[] = [];
  const listening = async (): Promise<number | null> => {
    for (const until = Date.now() + 15_000; Date.now() < until; await sleep(20)) {
      const pid = await listenerPid(url, b);
      if (pid !== null && !terminated.includes(pid)) return pid;
    }
    return null;
  };

  const quietPid = await listening();
  run.check(
    quietPid !== null,
    `B listens for credential changes (pid ${quietPid}) before the quiet part`,
  );
  await part('quiet');

  const loadPid = await listening();
  run.check(
    loadPid !== null,
    `B listens for credential changes (pid ${loadPid}) before the load part`,
  );
  // Load: reads of the seeded cases with the seeding key on both instances, until stopped.
  let loading = true;
  const loadAnswers = new Map<number, number>();
  const load = Array.from({ length: 8 }, async (_, i) => {
    const svc = i % 2 === 0 ? a : b;
    for (let j = 0; loading; j++) {
      const caseId = s.caseIds[(i + j) % s.caseIds.length];
      const r = await http(svc.url, 'GET', `/api/v1/cases/${caseId}`, {
        auth: { apiKey: s.apiKey },
      });
      loadAnswers.set(r.status, (loadAnswers.get(r.status) ?? 0) + 1);
    }
  });
  await part('under a load of reads on both instances');
  loading = false;
  await Promise.all(load);
  const answers = [...loadAnswers].map(([code, n]) => `${code}=${n}`).join(' ');
  run.check(
    loadAnswers.size > 0 && [...loadAnswers.keys()].every((code) => code === 200),
    `the load's reads (a key that stays valid) all answered 200 meanwhile (${answers})`,
  );

  let notBack = 0;
  await part(`with B's listening connection terminated before each revocation`, {
    // B listens (again) while the key is used, so it holds the key in memory.
    beforeUse: async () => {
      if ((await listening()) === null) notBack++;
    },
    beforeRevoke: async () => {
      const pid = await listenerPid(url, b);
      if (pid === null) return;
      await sql(url, `SELECT pg_terminate_backend($1)`, [pid]);
      terminated.push(pid);
    },
  });
  run.check(
    terminated.length === REVOCATIONS && notBack === 0,
    `B's listening connection was terminated ${terminated.length} times, and was back each time within 15 s (${REVOCATIONS - notBack}/${REVOCATIONS})`,
  );
  const back = await listening();
  run.check(back !== null, `B listens again afterwards (a new connection, pid ${back})`);
  const after = await revokeOnce(0);
  run.check(after === null, 'and a revocation through A is then refused by B at once', after);
}

const run = new Run('two-instances', envInt('ROBUST_TIMEOUT_MS', 240_000));
run.main(async () => {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} missing: run npm run build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-robust-two-'));
  run.onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));

  await startupProbe(run, dataDir);

  run.log('=== two instances, one database, conflicting events ===');
  const url = await scratchDatabase(run);
  const env = envFor(url, dataDir);
  const a = await startService(run, 'A', env);
  const b = await startService(run, 'B', env);
  run.log(
    `instance A pid ${a.pid} on :${a.port}, instance B pid ${b.pid} on :${b.port}, one database`,
  );
  const s = await seed(a.url, CASES);
  run.known(
    s.problems.length === 0,
    'seeding: advisor user created through the API',
    s.problems.join('; '),
  );
  const key: Auth = { apiKey: s.apiKey };
  // A token issued by A works on B (same JWT_SECRET); the API key works on both.
  const tokenOnB = s.advisorToken
    ? await http(b.url, 'GET', '/api/v1/auth/me', { auth: { token: s.advisorToken } })
    : null;
  run.check(
    tokenOnB === null || tokenOnB.status === 200,
    'a token issued by instance A is accepted by instance B',
    tokenOnB?.status,
  );
  const tokens: Auth[] = s.advisorToken ? [{ token: s.advisorToken }] : [];
  const ledger = new Ledger();
  run.log(
    `${ROUNDS} rounds x ${CASES} cases x ${2 * CONTENDERS} contenders (${CONTENDERS} per instance)`,
  );
  await rounds(run, a, b, { a: [key, ...tokens], b: [...tokens, key], key }, s.caseIds, ledger);

  // Exactly: no request went unanswered, so history rows must equal the successful answers.
  run.check(ledger.unknowns.length === 0, 'every request got an answer');
  await checkInvariants(run, 'two instances', a.url, key, s.caseIds, ledger, { databaseUrl: url });
  const rows = await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM case_history`);
  run.check(
    rows[0].n === ledger.acks.length,
    `history rows in the database (${rows[0].n}) = distinct successful answers (${ledger.acks.length})`,
  );
  await credentialRevocation(run, a, b, s, url);

  for (const svc of [a, b]) run.check(svc.alive(), `instance ${svc.name} still running`);
  const codes = await Promise.all([a.stop(), b.stop()]);
  run.check(
    codes.every((c) => c === 0),
    `both instances stop cleanly on SIGTERM (exit ${codes.join(', ')})`,
  );
});
