import { Client } from 'pg';
import { PgCluster } from '../bench/lib/pg-cluster';
import { ExportSnapshot, ReadReplica } from '../src/database/replica-db';
import { ReplicaOfficeDb, StandbyWriteError } from '../src/database/replica-office-db';
import { ensureRequestLogin, REQUEST_ROLE } from '../src/database/request-role';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { bufferBody } from './support/exports';
import { openTestApp, type TestApp } from './support/test-app';
import { seedWorld, World } from './support/world';

/**
 * The read replica (DATABASE_READ_URL) on a primary and hot standby of our own (bench/lib/pg-cluster.ts):
 * exports read a consistent snapshot on the standby, nextChangedSince stays correct while the
 * standby lags (replay paused), and a standby that is gone sends the export to the primary.
 */
jest.setTimeout(60_000);

const DB = 'lotse_replica';

function startApp(cluster: PgCluster, env: Record<string, string>): Promise<TestApp> {
  return openTestApp(
    {
      DATABASE_URL: cluster.primary.url(DB, REQUEST_ROLE),
      DATABASE_OWNER_URL: cluster.primary.url(DB),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LOTSE_DATA_DIR: cluster.dir,
      ...env,
    },
    cluster.primary.url(DB),
  );
}

describe('read replica', () => {
  let cluster: PgCluster;
  let t: TestApp;
  /** The same database without DATABASE_READ_URL: what the primary alone exports. */
  let plain: TestApp;
  let w: World;
  let caseIds: string[];
  const snapshots: ExportSnapshot['on'][] = [];

  beforeAll(async () => {
    cluster = await PgCluster.create();
    await cluster.primary.query(`CREATE DATABASE ${DB}`);
    const admin = new Client({ connectionString: cluster.primary.url() });
    await admin.connect();
    await ensureRequestLogin(admin);
    await admin.end();
    t = await startApp(cluster, {
      DATABASE_READ_URL: cluster.standby.url(DB, REQUEST_ROLE),
      DATABASE_READ_MAX_WAIT_MS: '1000',
    });
    plain = await startApp(cluster, {});
    w = await seedWorld(t);
    caseIds = [];
    for (let i = 0; i < 3; i++) {
      const c = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
      await sendEvent(t, w, 'advisorA', c.id, { type: 'PAUSE', reason: `r${i}` }).expect(200);
      await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME' }).expect(200);
      caseIds.push(c.id);
    }
    // Which server each export's snapshot came from.
    const replica = t.app.get(ReadReplica);
    const open = replica.openSnapshot.bind(replica);
    jest.spyOn(replica, 'openSnapshot').mockImplementation(async (...args) => {
      const snapshot = await open(...args);
      snapshots.push(snapshot.on);
      return snapshot;
    });
    await cluster.waitForReplay();
  });

  afterAll(async () => {
    await cluster?.resumeReplay().catch(() => undefined);
    await plain?.close();
    await t?.close();
    await cluster?.destroy();
  });

  const exportFrom = (app: TestApp, query = '') =>
    app
      .http()
      .get(`/api/v1/exports/phase-history${query}`)
      .set(w.as('auditorA'))
      .buffer(true)
      .parse(bufferBody)
      .expect(200);
  const manifestOf = async (id: string) =>
    (await t.http().get(`/api/v1/exports/${id}/manifest`).set(w.as('auditorA')).expect(200))
      .body as { nextChangedSince: string; snapshotAt: string; rowCount: number; sha256: string };
  const lines = (body: Buffer) => body.toString('utf8').trim().split('\r\n').slice(1);

  it('exports from the standby exactly what the primary exports, and stores the manifest on the primary', async () => {
    await cluster.waitForReplay();
    snapshots.length = 0;
    const fromStandby = await exportFrom(t);
    expect(snapshots).toEqual(['standby']);
    const fromPrimary = await exportFrom(plain);
    expect(lines(fromStandby.body)).toHaveLength(6);
    expect(fromStandby.body.equals(fromPrimary.body)).toBe(true);
    // The manifest was written (on the primary: a standby refuses writes) and signs these bytes.
    const manifest = await manifestOf(fromStandby.headers['x-export-id']);
    expect(manifest.rowCount).toBe(6);
    // The access-log entry of the export is on the primary too.
    const [entry] = await t.db.query(
      `SELECT count(*)::int AS n FROM access_log WHERE resource_id = $1 AND action = 'export'`,
      [fromStandby.headers['x-export-id']],
    );
    expect(entry.n).toBe(1);
  });

  it('skips no row committed on the primary while the standby had not replayed it', async () => {
    await cluster.waitForReplay();
    snapshots.length = 0;
    const start = await manifestOf((await exportFrom(t)).headers['x-export-id']);
    expect(snapshots).toEqual(['standby']);
    await cluster.pauseReplay();
    let paused = true;
    try {
      await sendEvent(t, w, 'advisorA', caseIds[0], { type: 'PAUSE', reason: 'lag' }).expect(200);
      // The standby has not got the new row: a naive standby export would miss it, and its own
      // now() as nextChangedSince would skip it next time.
      const [onStandby] = await cluster.standby.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM case_history WHERE event = 'PAUSE' AND case_id = $1`,
        [caseIds[0]],
        DB,
      );
      const [onPrimary] = await cluster.primary.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM case_history WHERE event = 'PAUSE' AND case_id = $1`,
        [caseIds[0]],
        DB,
      );
      expect(onPrimary.n).toBe(onStandby.n + 1);
      const first = await exportFrom(t, `?changedSince=${start.nextChangedSince}`);
      const next = await manifestOf(first.headers['x-export-id']);
      await cluster.resumeReplay();
      paused = false;
      await cluster.waitForReplay();
      const second = await exportFrom(t, `?changedSince=${next.nextChangedSince}`);
      const pauses = [...lines(first.body), ...lines(second.body)].filter((l) =>
        l.includes(',PAUSE,'),
      );
      expect(pauses.length).toBeGreaterThanOrEqual(1);
      // Behind after DATABASE_READ_MAX_WAIT_MS, the first ran on the primary; the second, caught up, not.
      expect(snapshots).toEqual(['standby', 'primary', 'standby']);
    } finally {
      if (paused) await cluster.resumeReplay();
    }
  });

  it('starts the next export before a transaction that was open but had not written yet', async () => {
    await cluster.waitForReplay();
    const open = new Client({ connectionString: t.config.databaseUrl! });
    await open.connect();
    try {
      // A transition reads before it takes its row lock: no transaction id yet, but its rows will
      // carry at = its start.
      await open.query('BEGIN');
      const [{ started }] = (await open.query(`SELECT now() AS started`)).rows as {
        started: Date;
      }[];
      snapshots.length = 0;
      const res = await exportFrom(t);
      expect(snapshots).toEqual(['standby']);
      const manifest = await manifestOf(res.headers['x-export-id']);
      expect(Date.parse(manifest.nextChangedSince)).toBeLessThanOrEqual(started.getTime());
    } finally {
      await open.query('ROLLBACK');
      await open.end();
    }
  });

  it('runs office-scoped reads on the standby and refuses writes sent with their COMMIT', async () => {
    await cluster.waitForReplay();
    const replicaDb = t.app.get(ReplicaOfficeDb);
    const read = await replicaDb.run({ officeIds: [w.officeA] }, async (tx) => {
      const rows: { n: number; standby: boolean }[] = await tx.manager.query(
        `SELECT count(*)::int AS n, pg_is_in_recovery() AS standby FROM founder_case`,
      );
      return rows[0];
    });
    // Row-level security binds the standby's connections too: office A's three cases only.
    expect(read).toEqual({ n: 3, standby: true });
    await expect(
      replicaDb.run({ officeIds: [w.officeA] }, (tx) => {
        tx.atCommit('SELECT 1');
        return Promise.resolve();
      }),
    ).rejects.toThrow(StandbyWriteError);
    // Without a standby (plain), the same call runs on the primary.
    const primaryRead = await plain.app
      .get(ReplicaOfficeDb)
      .run({ officeIds: [w.officeA] }, async (tx) => {
        const rows: { standby: boolean }[] = await tx.manager.query(
          `SELECT pg_is_in_recovery() AS standby`,
        );
        return rows[0].standby;
      });
    expect(primaryRead).toBe(false);
  });

  it("reads the desk's list and reports on the standby, and logs them on the primary before answering", async () => {
    await cluster.waitForReplay();
    const desk = () => t.http().get('/api/v1/tasks').set(w.as('leadA')).expect(200);
    const caseload = () => t.http().get('/api/v1/reports/caseload').set(w.as('leadA')).expect(200);
    const before = { tasks: (await desk()).body, report: (await caseload()).body };
    await cluster.pauseReplay();
    try {
      // A case and a manual task the standby has not replayed: its reads show the data as of the pause.
      const c = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
      await t.db.query(
        `INSERT INTO case_task (office_id, case_id, title, due_on) VALUES ($1, $2, 'Wiedervorlage', '2026-06-01')`,
        [w.officeA, c.id],
      );
      const tasks = await desk();
      const report = await caseload();
      expect(tasks.body).toEqual(before.tasks);
      expect(report.body.rows).toEqual(before.report.rows);
      // Plain (no standby) sees the new case at once.
      const plainTasks = await plain.http().get('/api/v1/tasks').set(w.as('leadA')).expect(200);
      expect(plainTasks.body).not.toEqual(before.tasks);
      // Each answer's access-log entry is on the primary (the standby could not have taken it).
      const logged = await t.db.query(
        `SELECT resource_type, action FROM access_log WHERE request_id = ANY($1) ORDER BY resource_type`,
        [[tasks.headers['x-request-id'], report.headers['x-request-id']]],
      );
      expect(logged).toEqual([
        { resource_type: 'report', action: 'read' },
        { resource_type: 'task', action: 'list' },
      ]);
    } finally {
      await cluster.resumeReplay();
    }
    await cluster.waitForReplay();
    expect((await desk()).body).not.toEqual(before.tasks);
  });

  it('reads and exports on the primary while the standby is down', async () => {
    const replica = t.app.get(ReplicaOfficeDb);
    const down = jest.spyOn(t.app.get(ReadReplica), 'markDown');
    await cluster.standby.stop('immediate');
    try {
      // A read whose standby connection fails runs again on the primary.
      await t.http().get('/api/v1/tasks').set(w.as('leadA')).expect(200);
      expect(down.mock.calls.map(([what]) => what)).toEqual(['read']);
      const onPrimary = await replica.run({ officeIds: [w.officeA] }, async (tx) => {
        const rows: { standby: boolean }[] = await tx.manager.query(
          `SELECT pg_is_in_recovery() AS standby`,
        );
        return rows[0].standby;
      });
      expect(onPrimary).toBe(false);
      await t.http().get('/api/v1/reports/caseload').set(w.as('leadA')).expect(200);
      // The standby is skipped for 5 s after a failure; then an export tries it, and falls back.
      await new Promise((r) => setTimeout(r, 5_100));
      snapshots.length = 0;
      const res = await exportFrom(t);
      expect(snapshots).toEqual(['primary']);
      expect(down.mock.calls.map(([what]) => what)).toEqual([
        'read',
        `export ${res.headers['x-export-id']}`,
      ]);
      expect(lines(res.body)).toHaveLength(7);
    } finally {
      down.mockRestore();
      await cluster.standby.start();
    }
  });
});
