import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from './support/service-process';

/**
 * `npm start` without DATABASE_URL: the built service on the embedded PostgreSQL, as a separate
 * process, stopped with SIGTERM and started again on the same data directory.
 */
describe('embedded database mode', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const env = {
    LOTSE_DATA_DIR: dataDir,
    LOTSE_ADMIN_EMAIL: 'admin@lotse.example',
    LOTSE_ADMIN_PASSWORD: 'correct horse battery staple',
  };

  it('starts, answers ready, exits cleanly on SIGTERM and keeps its data', async () => {
    const first = await startService(env);
    const ready = await (await fetch(`${first.url}/health/ready`)).json();
    expect(ready).toEqual({ status: 'ready', database: 'embedded' });
    const token = await signIn(first.url);
    const created = await fetch(`${first.url}/api/v1/offices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'RUN Mainz', code: 'RUN-MZ', region: 'Rheinhessen' }),
    });
    expect(created.status).toBe(201);
    // A write that checks other rows inside its transaction (the pool has one connection here).
    const office = (await created.json()) as { id: string };
    const user = await fetch(`${first.url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'b@lotse.example',
        name: 'B',
        password: 'advisor password 1',
        memberships: [{ officeId: office.id, role: 'advisor' }],
      }),
    });
    // 201, not the 503 of a request waiting for a second connection that never comes.
    expect(user.status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);

    // Same data directory: the admin, the signing key and the office are still there.
    const second = await startService({ ...env, LOTSE_ADMIN_PASSWORD: 'a different password 123' });
    try {
      const again = await signIn(second.url);
      const offices = await fetch(`${second.url}/api/v1/offices`, {
        headers: { authorization: `Bearer ${again}` },
      });
      const body = (await offices.json()) as { items: { code: string }[] };
      expect(body.items.map((o) => o.code)).toEqual(['RUN-MZ']);
      // A token of the first run still verifies: the generated key was kept in the data directory.
      const me = await fetch(`${second.url}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.status).toBe(200);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  }, 60_000);

  it('keeps serving signed-in requests while the pool replaces its idle connection', async () => {
    const churnDir = mkdtempSync(join(tmpdir(), 'lotse-embedded-churn-'));
    // A 1 ms idle timeout makes the pool close and reopen its one connection between almost any
    // two requests, as the 30 s default once did after a pause. The statements prepared in the
    // session must not get in the way (42P05), nor may the closing connection still count when
    // a request opens the next one (PGlite's socket server refused it: 503).
    const service = await startService({
      ...env,
      LOTSE_DATA_DIR: churnDir,
      DATABASE_IDLE_TIMEOUT_MS: '1',
    });
    try {
      const token = await signIn(service.url);
      const me = () =>
        fetch(`${service.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      const statuses = new Map<number, number>();
      for (let round = 0; round < 150; round++) {
        const burst = await Promise.all(Array.from({ length: 1 + (round % 4) }, me));
        for (const res of burst) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, round % 3));
      }
      expect(Object.fromEntries(statuses)).toEqual({ 200: 373 });
      await new Promise((r) => setTimeout(r, 50));
      expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
      rmSync(churnDir, { recursive: true, force: true });
    }
  }, 60_000);

  async function signIn(url: string): Promise<string> {
    const res = await fetch(`${url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: env.LOTSE_ADMIN_EMAIL, password: env.LOTSE_ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }
});
