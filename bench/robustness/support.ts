/**
 * Shared machinery of the robustness scripts (bench/robustness/*.ts): a run with a hard overall
 * timeout and cleanup (also on SIGINT/SIGTERM), the built service as a child process, HTTP with
 * per-request timeouts, scratch databases on the shared PostgreSQL, and seeding through the API.
 *
 * Nothing here touches src/: the service is started exactly as `npm start` runs it (dist/src/main.js).
 */
import { ensureRequestLogin } from '../../src/database/request-role';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../lib/processes';

export const ROOT = join(__dirname, '../../..');
export const MAIN_JS = join(ROOT, 'dist/src/main.js');

/** The shared cluster (other engineers' tests use it: only CREATE/DROP our own scratch databases). */
export const ADMIN_URL =
  process.env.ROBUST_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const ADMIN_EMAIL = 'admin@robust.lotse.test';
export const ADMIN_PASSWORD = 'robustness admin password 1';
export const ADVISOR_EMAIL = 'advisor@robust.lotse.test';
export const ADVISOR_PASSWORD = 'robustness advisor password 1';
export const JWT_SECRET = 'robustness-jwt-secret-0123456789abcdef0123456789';
export const PSEUDONYM_KEY = 'robustness-pseudonym-key-0123456789abcdef01234567';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// A run: hard timeout, checks, cleanup
// ---------------------------------------------------------------------------------------------

type Cleanup = { label: string; fn: () => Promise<void> | void };

export class Run {
  private readonly cleanups: Cleanup[] = [];
  private readonly started = Date.now();
  private cleaningUp: Promise<void> | null = null;
  readonly failures: string[] = [];
  readonly warnings: string[] = [];
  passed = 0;

  constructor(
    readonly name: string,
    readonly timeoutMs: number,
  ) {}

  elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }

  log(message: string): void {
    console.log(`[${this.name} ${this.elapsed()}] ${message}`);
  }

  /** Registers cleanup; runs last-registered first. */
  onCleanup(label: string, fn: () => Promise<void> | void): void {
    this.cleanups.push({ label, fn });
  }

  /** A check: recorded and printed, never thrown, so that every invariant gets reported. */
  check(ok: boolean, label: string, detail?: unknown): boolean {
    if (ok) {
      this.passed++;
      this.log(`  ok    ${label}`);
    } else {
      const text =
        detail === undefined
          ? label
          : `${label}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
      this.failures.push(text);
      this.log(`  FAIL  ${text}`);
    }
    return ok;
  }

  /**
   * A check for a bug these scripts once found (all fixed since): a failure, so that it stays fixed;
   * ROBUST_STRICT=0 turns it into a warning (with the evidence) while investigating.
   */
  known(ok: boolean, label: string, detail: unknown): void {
    if (ok) this.check(true, label);
    else if (process.env.ROBUST_STRICT !== '0') this.check(false, label, detail);
    else
      this.warn(
        `${label} -- NOT MET (known bug, see bench/robustness/README.md; failing unless ROBUST_STRICT=0): ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`,
      );
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.log(`  WARN  ${message}`);
  }

  private async cleanup(): Promise<void> {
    this.cleaningUp ??= (async () => {
      while (this.cleanups.length > 0) {
        const c = this.cleanups.pop()!;
        try {
          await Promise.race([
            Promise.resolve(c.fn()),
            sleep(15_000).then(() => {
              throw new Error('cleanup step timed out after 15 s');
            }),
          ]);
        } catch (error) {
          console.error(`[${this.name}] cleanup "${c.label}" failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.cleaningUp;
  }

  /** Runs the body, then cleanup; exits 0 only when the body finished and every check passed. */
  main(body: (run: Run) => Promise<void>): void {
    let aborted = false;
    const abort = (why: string, code: number) => {
      if (aborted) return;
      aborted = true;
      console.error(`[${this.name} ${this.elapsed()}] ${why}: killing everything this run started`);
      void this.cleanup().finally(() => process.exit(code));
    };
    const timer = setTimeout(
      () => abort(`HARD TIMEOUT after ${this.timeoutMs / 1000} s`, 1),
      this.timeoutMs,
    );
    process.once('SIGINT', () => abort('interrupted (SIGINT)', 130));
    process.once('SIGTERM', () => abort('terminated (SIGTERM)', 143));
    this.log(`start (hard timeout ${this.timeoutMs / 1000} s)`);
    body(this).then(
      async () => {
        clearTimeout(timer);
        if (aborted) return;
        await this.cleanup();
        this.summary();
        process.exit(this.failures.length === 0 ? 0 : 1);
      },
      async (error: unknown) => {
        clearTimeout(timer);
        if (aborted) return; // the abort path cleans up and exits
        console.error(
          `[${this.name} ${this.elapsed()}] ABORTED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        this.failures.push(`aborted: ${error instanceof Error ? error.message : String(error)}`);
        await this.cleanup();
        this.summary();
        process.exit(1);
      },
    );
  }

  private summary(): void {
    const verdict = this.failures.length === 0 ? 'PASS' : 'FAIL';
    console.log(
      `\n[${this.name}] ${verdict}: ${this.passed} checks passed, ${this.failures.length} failed, ${this.warnings.length} warnings, ${this.elapsed()}`,
    );
    for (const f of this.failures) console.log(`  FAIL  ${f}`);
    for (const w of this.warnings) console.log(`  WARN  ${w}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The service as a child process
// ---------------------------------------------------------------------------------------------

// The one free-port probe of the bench, for the robustness scripts too.
export { freePort };

export interface Service {
  name: string;
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  output(): string;
  alive(): boolean;
  kill9(): Promise<void>;
  stop(): Promise<number | null>;
}

/**
 * Starts dist/src/main.js with a minimal environment (nothing leaks in from the caller's shell) and
 * waits for GET /health/ready = 200. The process is SIGKILLed by the run's cleanup if still alive.
 */
export async function startService(
  run: Run,
  name: string,
  env: Record<string, string>,
  opts: { readyWithinMs?: number; port?: number } = {},
): Promise<Service> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (d: Buffer) => {
    output += d.toString();
    if (output.length > 400_000) output = output.slice(-200_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = once(child, 'exit');
  const alive = () => child.exitCode === null && child.signalCode === null;
  run.onCleanup(`kill service ${name} (pid ${child.pid})`, async () => {
    if (alive()) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const service: Service = {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    child,
    output: () => output,
    alive,
    async kill9() {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!alive()) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      return child.exitCode;
    },
  };
  const readyWithinMs = opts.readyWithinMs ?? 30_000;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (!alive())
      throw new ServiceStartError(
        name,
        `exited early (code ${child.exitCode}, signal ${child.signalCode})`,
        output,
      );
    const r = await http(service.url, 'GET', '/health/ready', { timeoutMs: 2_000 });
    if (r.status === 200) break;
    if (Date.now() > deadline) {
      await service.kill9();
      throw new ServiceStartError(
        name,
        `not ready within ${readyWithinMs} ms (last: ${r.status} ${r.error ?? ''})`,
        output,
      );
    }
    await sleep(100);
  }
  return service;
}

export class ServiceStartError extends Error {
  constructor(
    readonly service: string,
    reason: string,
    readonly output: string,
  ) {
    super(`service ${service} ${reason}\n--- its output (tail) ---\n${output.slice(-4000)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export type Auth = { apiKey: string } | { token: string } | null;

export interface Answer {
  /** 0 = no HTTP answer (connection refused/reset, timeout): see error. */
  status: number;
  body: any;
  contentType: string;
  headers: Headers | null;
  ms: number;
  error?: string;
}

export async function http(
  base: string,
  method: string,
  path: string,
  opts: { auth?: Auth; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.auth && 'apiKey' in opts.auth) headers['x-api-key'] = opts.auth.apiKey;
  if (opts.auth && 'token' in opts.auth) headers.authorization = `Bearer ${opts.auth.token}`;
  const t0 = Date.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return {
      status: res.status,
      body,
      contentType: res.headers.get('content-type') ?? '',
      headers: res.headers,
      ms: Date.now() - t0,
    };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const code =
      e.name === 'TimeoutError' ? 'TIMEOUT' : (e.cause?.code ?? e.cause?.message ?? e.message);
    return {
      status: 0,
      body: null,
      contentType: '',
      headers: null,
      ms: Date.now() - t0,
      error: code,
    };
  }
}

/** Like http() but throws unless the status is the expected one (for seeding). */
export async function must(
  expected: number,
  base: string,
  method: string,
  path: string,
  opts: Parameters<typeof http>[3] = {},
): Promise<any> {
  const r = await http(base, method, path, opts);
  if (r.status !== expected) {
    throw new Error(
      `${method} ${path}: expected ${expected}, got ${r.status} ${r.error ?? JSON.stringify(r.body)?.slice(0, 500)}`,
    );
  }
  return r.body;
}

/** Runs tasks with at most `width` in flight. */
export async function pool<T, R>(
  items: T[],
  width: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i], i);
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// Scratch databases on the shared cluster
// ---------------------------------------------------------------------------------------------

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function sql<T = any>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE lotse_robust_<pid>[_suffix] on the shared cluster; dropped (FORCE) at cleanup. */
export async function scratchDatabase(run: Run, suffix = ''): Promise<string> {
  const name = `lotse_robust_${process.pid}${suffix ? `_${suffix}` : ''}`;
  await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await sql(ADMIN_URL, `CREATE DATABASE ${name}`);
  await ensureRequestLogin({ query: (text) => sql(ADMIN_URL, text) });
  run.onCleanup(`drop database ${name}`, async () => {
    await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  run.log(`scratch database ${name} on ${new URL(ADMIN_URL).host}`);
  return withDatabase(ADMIN_URL, name);
}

// ---------------------------------------------------------------------------------------------
// Seeding through the API (works in both database modes)
// ---------------------------------------------------------------------------------------------

export interface Seed {
  officeId: string;
  adminToken: string;
  apiKey: string;
  /** null when the advisor user could not be created (see problems). */
  advisorToken: string | null;
  caseIds: string[];
  /** What went wrong while seeding without stopping it (reported as warnings). */
  problems: string[];
}

/** Admin env for the first start: the first administrator is created from these. */
export const ADMIN_ENV = { LOTSE_ADMIN_EMAIL: ADMIN_EMAIL, LOTSE_ADMIN_PASSWORD: ADMIN_PASSWORD };

export async function token(base: string, email: string, password: string): Promise<string> {
  const body = await must(200, base, 'POST', '/api/v1/auth/token', { body: { email, password } });
  return body.accessToken as string;
}

/**
 * An office, an advisor (user + token) and an advisor API key, `cases` founders each with one case.
 * A failed user creation does not stop the seeding (the API key is enough): it is returned in problems.
 */
export async function seed(base: string, cases: number, width = 8): Promise<Seed> {
  const adminToken = await token(base, ADMIN_EMAIL, ADMIN_PASSWORD);
  const admin = { token: adminToken };
  const office = await must(201, base, 'POST', '/api/v1/offices', {
    auth: admin,
    body: {
      name: 'RUN Mainz (robustness)',
      code: `ROB-${randomUUID().slice(0, 6).toUpperCase()}`,
      region: 'Rheinhessen',
    },
  });
  const user = await http(base, 'POST', '/api/v1/users', {
    auth: admin,
    body: {
      email: ADVISOR_EMAIL,
      name: 'Ayşe Yılmaz',
      password: ADVISOR_PASSWORD,
      memberships: [{ officeId: office.id, role: 'advisor' }],
    },
    timeoutMs: 15_000,
  });
  const problems: string[] = [];
  if (user.status !== 201) {
    problems.push(
      `POST /api/v1/users answered ${user.status} after ${user.ms} ms (${user.body?.code ?? user.error}): no advisor user, the API key alone drives the load`,
    );
  }
  const key = await must(201, base, 'POST', `/api/v1/offices/${office.id}/api-keys`, {
    auth: admin,
    body: { name: 'robustness', role: 'advisor' },
  });
  const apiKey = key.key as string;
  const advisorToken =
    user.status === 201 ? await token(base, ADVISOR_EMAIL, ADVISOR_PASSWORD) : null;
  const caseIds = await pool(
    Array.from({ length: cases }, (_, i) => i),
    width,
    async (i) => {
      const founder = await must(201, base, 'POST', '/api/v1/founders', {
        auth: { apiKey },
        body: {
          firstName: 'Samira',
          lastName: `Haddad ${i}`,
          postalCode: '55116',
          germanLevel: 'B1',
          selfEmploymentPermitted: 'yes',
          benefitStatus: 'sgb2',
          consent: { givenOn: '2026-01-05', version: '2026-01' },
        },
      });
      const c = await must(201, base, 'POST', '/api/v1/cases', {
        auth: { apiKey },
        body: { founderId: founder.id, channel: 'migrant_organisation' },
      });
      if (c.version !== 1 || c.phase !== 'access' || c.status !== 'active')
        throw new Error(`new case not at version 1/access/active: ${JSON.stringify(c)}`);
      return c.id as string;
    },
  );
  return { officeId: office.id, adminToken, apiKey, advisorToken, caseIds, problems };
}
