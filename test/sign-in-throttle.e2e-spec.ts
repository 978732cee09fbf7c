import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { createLogger } from '../src/common/logging/logger';
import { startTestApp, TestApp } from './support/test-app';
import { PASSWORD, seedWorld } from './support/world';

const MAX = 5;

/** Sign-in attempts sent all at once (each from its own address unless `ip` is given). */
async function burst(
  servers: ReturnType<NestFastifyApplication['getHttpServer']>[],
  attempts: { email: string; password: string; ip?: string }[],
): Promise<request.Response[]> {
  return Promise.all(
    attempts.map((a, i) =>
      request(servers[i % servers.length])
        .post('/api/v1/auth/token')
        .set('X-Forwarded-For', a.ip ?? `10.1.${Math.floor(i / 250)}.${i % 250}`)
        .send({ email: a.email, password: a.password }),
    ),
  );
}

const statuses = (responses: request.Response[]) => {
  const count: Record<number, number> = {};
  for (const r of responses) count[r.status] = (count[r.status] ?? 0) + 1;
  return count;
};

describe('sign-in throttle under parallel attempts', () => {
  let t: TestApp;
  let second: NestFastifyApplication;
  let servers: ReturnType<NestFastifyApplication['getHttpServer']>[];
  beforeAll(async () => {
    t = await startTestApp({
      LOGIN_MAX_FAILURES: String(MAX),
      LOGIN_WINDOW_SECONDS: '600',
      TRUST_PROXY: 'true',
    });
    await seedWorld(t);
    // A second service instance on the same database: the throttle must hold across instances.
    second = await createApp(t.config, createLogger({ logLevel: 'silent' }));
    servers = [t.app.getHttpServer(), second.getHttpServer()];
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });
  beforeEach(() => t.db.query(`DELETE FROM auth_failure`));

  it('verifies at most LOGIN_MAX_FAILURES of 20 parallel wrong passwords for one email, over two instances', async () => {
    const responses = await burst(
      servers,
      Array.from({ length: 20 }, () => ({
        email: 'advisora@lotse.test',
        password: 'wrong password',
      })),
    );
    expect(statuses(responses)).toEqual({ 401: MAX, 429: 20 - MAX });
    for (const r of responses.filter((x) => x.status === 429)) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.body.code).toBe('too_many_attempts');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(600);
    }
    const rows = await t.db.query(
      `SELECT pending FROM auth_failure WHERE key = 'email:advisora@lotse.test'`,
    );
    expect(rows).toEqual(Array.from({ length: MAX }, () => ({ pending: false })));
    // The right password now waits for the window, too.
    const late = await request(servers[1])
      .post('/api/v1/auth/token')
      .send({ email: 'advisora@lotse.test', password: PASSWORD });
    expect(late.status).toBe(429);
    expect(Number(late.headers['retry-after'])).toBeGreaterThan(590);
  });

  it('lets 29 wrong and 1 right parallel attempts verify no more than LOGIN_MAX_FAILURES wrong ones', async () => {
    const attempts = Array.from({ length: 30 }, (_, i) => ({
      email: 'leadb@lotse.test',
      password: i === 17 ? PASSWORD : `wrong ${i}`,
    }));
    const responses = await burst(servers, attempts);
    const count = statuses(responses);
    expect(Object.keys(count).sort()).toEqual(expect.arrayContaining(['401', '429']));
    expect(count[401]).toBeLessThanOrEqual(MAX);
    expect(count[200] ?? 0).toBeLessThanOrEqual(1);
    expect(count[429]).toBeGreaterThanOrEqual(30 - MAX - 1);
    expect((count[401] ?? 0) + (count[200] ?? 0) + count[429]).toBe(30);
    // Only wrong passwords that were verified are recorded, and none is left pending.
    const [{ n, pending }] = await t.db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE pending)::int AS pending FROM auth_failure WHERE key = 'email:leadb@lotse.test'`,
    );
    expect({ n, pending }).toEqual({ n: count[401], pending: 0 });
  });

  it('throttles one client address trying 20 emails in parallel', async () => {
    const responses = await burst(
      servers,
      Array.from({ length: 20 }, (_, i) => ({
        email: `guess${i}@lotse.test`,
        password: 'wrong',
        ip: '10.9.9.9',
      })),
    );
    expect(statuses(responses)).toEqual({ 401: MAX, 429: 20 - MAX });
  });

  it('does not count parallel successful sign-ins from one address as failures', async () => {
    const responses = await burst(
      servers,
      Array.from({ length: 2 * MAX }, () => ({
        email: 'auditora@lotse.test',
        password: PASSWORD,
        ip: '10.8.8.8',
      })),
    );
    // Verifications in flight hold a slot, so some may be asked to retry after a second, but never longer.
    for (const r of responses) {
      if (r.status === 429) expect(r.headers['retry-after']).toBe('1');
      else expect(r.status).toBe(200);
    }
    expect(statuses(responses)[200]).toBeGreaterThanOrEqual(MAX);
    expect(await t.db.query(`SELECT * FROM auth_failure`)).toEqual([]);
  });

  it('keeps earlier failures after a success, so a sign-in buys no new guesses', async () => {
    let address = 0;
    const send = (password: string) =>
      request(servers[0])
        .post('/api/v1/auth/token')
        .set('X-Forwarded-For', `10.7.0.${address++}`)
        .send({ email: 'advisorb@lotse.test', password });
    for (let i = 0; i < MAX - 1; i++) expect((await send('wrong')).status).toBe(401);
    expect((await send(PASSWORD)).status).toBe(200);
    expect((await send('wrong')).status).toBe(401);
    expect((await send(PASSWORD)).status).toBe(429);
  });

  it('asks to retry after a second when the limit is held by verifications still running', async () => {
    await t.db.query(
      `INSERT INTO auth_failure (key, pending) SELECT 'email:leada@lotse.test', true FROM generate_series(1, $1)`,
      [MAX],
    );
    const res = await request(servers[0])
      .post('/api/v1/auth/token')
      .send({ email: 'leada@lotse.test', password: PASSWORD });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });
});
