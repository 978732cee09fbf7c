import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PgCluster } from '../bench/lib/pg-cluster';
import { writableHostOf } from '../src/database/data-source';
import { ensureRequestLogin, REQUEST_ROLE } from '../src/database/request-role';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { eventually } from './support/eventually';
import { openTestApp, type TestApp } from './support/test-app';
import { seedWorld, World } from './support/world';

/**
 * A multi-host DATABASE_URL (libpq syntax) on a primary and a streaming standby of our own
 * (bench/lib/pg-cluster.ts), the standby listed first: the service writes to the primary; when the
 * primary stops hard and the standby is promoted, requests get 503 + Retry-After during the switch
 * and 200 after, without a restart, and never 500.
 */
jest.setTimeout(60_000);

const DB = 'lotse_multi_host';

function multiHostUrl(cluster: PgCluster, user: string): string {
  const { standby, primary } = cluster;
  return (
    `postgres://${user}@127.0.0.1:${standby.port},127.0.0.1:${primary.port}/${DB}` +
    '?target_session_attrs=read-write'
  );
}

function startApp(cluster: PgCluster): Promise<TestApp> {
  return openTestApp(
    {
      DATABASE_URL: multiHostUrl(cluster, REQUEST_ROLE),
      DATABASE_OWNER_URL: multiHostUrl(cluster, 'postgres'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LOTSE_DATA_DIR: cluster.dir,
    },
    multiHostUrl(cluster, 'postgres'),
  );
}

const serverPort = async (ds: DataSource) =>
  (await ds.query<{ port: number }[]>('SELECT inet_server_port() AS port'))[0].port;

describe('multi-host DATABASE_URL', () => {
  let cluster: PgCluster;
  let t: TestApp;
  let w: World;
  let caseId: string;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    await cluster.primary.query(`CREATE DATABASE ${DB}`);
    const admin = new Client({ connectionString: cluster.primary.url(DB) });
    await admin.connect();
    await ensureRequestLogin(admin);
    await admin.end();
    await cluster.waitForReplay();
    t = await startApp(cluster);
    w = await seedWorld(t);
    caseId = (await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA))).id;
  });

  afterAll(async () => {
    await t?.close();
    await cluster?.destroy();
  });

  it('migrates and writes on the writable host, though the standby is listed first', async () => {
    expect(await serverPort(t.serviceDb)).toBe(cluster.primary.port);
    expect(await serverPort(t.db)).toBe(cluster.primary.port);
    await sendEvent(t, w, 'advisorA', caseId, { type: 'PAUSE', reason: 'before' }).expect(200);
    await sendEvent(t, w, 'advisorA', caseId, { type: 'RESUME' }).expect(200);
    expect(writableHostOf(t.serviceDb)?.switches).toBe(0);
  });

  it('answers 503 + Retry-After while no host takes writes, 200 once the standby is promoted', async () => {
    let paused = false;
    const toggle = () => {
      paused = !paused;
      return sendEvent(
        t,
        w,
        'advisorA',
        caseId,
        paused ? { type: 'PAUSE', reason: 'switch' } : { type: 'RESUME' },
      );
    };
    await cluster.primary.stop('immediate');

    // No primary: every answer is a 503 with Retry-After, none a 500.
    for (let i = 0; i < 5; i++) {
      const res = await toggle();
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.headers['content-type']).toContain('application/problem+json');
      paused = !paused; // refused: the case kept its state
    }

    await cluster.standby.query('SELECT pg_promote(true, 30)');
    const statuses: number[] = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await toggle();
      statuses.push(res.status);
      if (res.status === 200) break;
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      paused = !paused;
      if (Date.now() > deadline) throw new Error(`no 200 after the promotion: ${statuses.join()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Recovered by itself: the next requests all succeed on the promoted standby (no pooled
    // connection to the old primary is left to fail one).
    for (let i = 0; i < 10; i++) await toggle().expect(200);
    expect(await serverPort(t.serviceDb)).toBe(cluster.standby.port);
    expect(writableHostOf(t.serviceDb)?.switches).toBe(1);

    // The test's own owner pool has seen no error yet: its first connection goes to the old host,
    // fails, and makes it probe again (a request would get its 503); the next one reaches the new primary.
    const [{ n }] = await eventually(
      () =>
        t.db
          .query<{ n: number }[]>(
            'SELECT count(*)::int AS n FROM case_history WHERE case_id = $1',
            [caseId],
          )
          .catch(() => undefined),
      10_000,
      'the owner pool on the promoted host',
    );
    expect(n).toBeGreaterThanOrEqual(13);
  });
});
