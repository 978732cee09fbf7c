import { randomUUID } from 'node:crypto';
import { AccessLogService } from '../src/access-log/access-log.service';
import { ReadLogCommitter } from '../src/access-log/read-log-committer';
import { CasesRepository } from '../src/cases/cases.repository';
import { OfficeDb } from '../src/database/office-transaction';
import { insertFounder, openCase } from './support/cases';
import { eventually, sleep } from './support/eventually';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

interface Row {
  request_id: string;
  xmin: string;
  office_id: string | null;
  action: string;
}

async function rowsOf(t: TestApp, requestIds: readonly string[]): Promise<Row[]> {
  return t.db.query(
    `SELECT request_id, xmin::text AS xmin, office_id, action FROM access_log
      WHERE request_id = ANY($1::text[]) ORDER BY id`,
    [requestIds],
  );
}

/** A GET of the case, sent at once (supertest sends on then()), with the request id given. */
function read(t: TestApp, w: World, caseId: string, requestId: string) {
  return t
    .http()
    .get(`/api/v1/cases/${caseId}`)
    .set(w.as('advisorA'))
    .set('x-request-id', requestId)
    .then((res) => res);
}

/** Holds a SHARE lock on access_log (INSERTs wait) until the returned release() is called. */
async function blockInserts(t: TestApp): Promise<() => Promise<void>> {
  const runner = t.db.createQueryRunner();
  await runner.startTransaction();
  await runner.query('LOCK TABLE access_log IN SHARE MODE');
  return async () => {
    await runner.commitTransaction();
    await runner.release();
  };
}

describe('access log: read entries are group-committed', () => {
  let t: TestApp;
  let w: World;
  let caseId: string;
  // One batch at a time and a window of 200 ms: concurrent reads share a batch even on a busy machine.
  useSeededApp((app, world) => ([t, w] = [app, world]), {
    ACCESS_LOG_BATCH_WAIT_MS: '200',
    ACCESS_LOG_BATCH_CONNECTIONS: '1',
  });
  beforeAll(async () => {
    caseId = (await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA))).id;
  });

  it('writes the entries of concurrent reads in one transaction (one commit)', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `group-${i}-${randomUUID()}`);
    // While the first batch waits for the lock, the other reads queue up (however slowly this
    // machine lets them arrive) and go together in the next one.
    const release = await blockInserts(t);
    const pending = ids.map((id) => read(t, w, caseId, id));
    await sleep(1_500);
    await release();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    const rows = await rowsOf(t, ids);
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    // One transaction id per commit: each read in its own transaction would give 20.
    expect(new Set(rows.map((r) => r.xmin)).size).toBeLessThanOrEqual(3);
    expect(rows.every((r) => r.office_id === w.officeA && r.action === 'read')).toBe(true);
  });

  it('answers a read only once its entry is committed', async () => {
    const release = await blockInserts(t);
    const id = `blocked-${randomUUID()}`;
    let answered = false;
    const pending = read(t, w, caseId, id).then((res) => ((answered = true), res));
    try {
      await sleep(400);
      expect(answered).toBe(false);
      expect(await rowsOf(t, [id])).toEqual([]);
    } finally {
      await release();
    }
    const res = await pending;
    expect(res.status).toBe(200);
    // Visible from another connection the moment the answer is there.
    expect((await rowsOf(t, [id])).length).toBe(1);
  });

  it('has every answered read’s entry visible when its answer arrives', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `visible-${i}-${randomUUID()}`);
    const seen = await Promise.all(
      ids.map(async (id) => {
        const res = await read(t, w, caseId, id);
        return { status: res.status, rows: (await rowsOf(t, [id])).length };
      }),
    );
    expect(seen).toEqual(ids.map(() => ({ status: 200, rows: 1 })));
  });

  it('fails every read of a failed batch (503), none answers without its entry', async () => {
    const release = await blockInserts(t);
    const ids = Array.from({ length: 3 }, (_, i) => `failed-${i}-${randomUUID()}`);
    const pending = ids.map((id) => read(t, w, caseId, id));
    try {
      // The batch waits for the lock; cut its connection off as a failing server would.
      const [{ pid }] = await eventually(async () => {
        const found: { pid: number }[] = await t.db.query(
          `SELECT pid FROM pg_stat_activity
            WHERE query LIKE '%INSERT INTO access_log%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        return found.length === 1 ? found : undefined;
      }, 5_000);
      await t.db.query(`SELECT pg_terminate_backend($1)`, [pid]);
      const answers = await Promise.all(pending);
      expect(answers.map((a) => [a.status, a.body.code])).toEqual(
        ids.map(() => [503, 'database_unavailable']),
      );
    } finally {
      await release();
    }
    expect(await rowsOf(t, ids)).toEqual([]);
    // The committer goes on with a new connection.
    const after = `after-failure-${randomUUID()}`;
    expect((await read(t, w, caseId, after)).status).toBe(200);
    expect((await rowsOf(t, [after])).length).toBe(1);
  });

  it('logs changes inside their own transaction, not in a batch', async () => {
    const id = `create-${randomUUID()}`;
    const res = await t
      .http()
      .post('/api/v1/cases')
      .set(w.as('advisorA'))
      .set('x-request-id', id)
      .send({ founderId: await insertFounder(t, w.officeA) })
      .expect(201);
    const [entry] = await rowsOf(t, [id]);
    expect(entry.action).toBe('create');
    const [row]: { xmin: string }[] = await t.db.query(
      `SELECT xmin::text AS xmin FROM founder_case WHERE id = $1`,
      [res.body.id],
    );
    expect(entry.xmin).toBe(row.xmin);
  });

  const ctx = (requestId: string) => ({
    actor: {
      kind: 'user' as const,
      id: w.users.advisorA.id,
      isAdmin: false,
      memberships: [{ officeId: w.officeA, role: 'advisor' as const }],
    },
    requestId,
    ip: '127.0.0.1',
  });

  it('logs nothing for a read that fails after logging (run and read)', async () => {
    const ran = `rolled-back-run-${randomUUID()}`;
    const failed = await t.app
      .get(OfficeDb)
      .run({ officeIds: [w.officeA] }, (tx) => {
        t.app
          .get(AccessLogService)
          .record(
            ctx(ran),
            { officeId: w.officeA, resourceType: 'case', resourceId: caseId, action: 'read' },
            tx,
          );
        return Promise.reject(new Error('failed after logging'));
      })
      .catch((e: Error) => e.message);
    expect(failed).toBe('failed after logging');
    const readOnly = `rolled-back-read-${randomUUID()}`;
    const failedRead = await t.app
      .get(OfficeDb)
      .read(
        { officeIds: [w.officeA] },
        () => [],
        (tx) => {
          t.app
            .get(AccessLogService)
            .record(
              ctx(readOnly),
              { officeId: w.officeA, resourceType: 'case', resourceId: caseId, action: 'read' },
              tx,
            );
          throw new Error('failed after logging');
        },
      )
      .catch((e: Error) => e.message);
    expect(failedRead).toBe('failed after logging');
    const missing = `missing-${randomUUID()}`;
    await t
      .http()
      .get(`/api/v1/cases/${randomUUID()}`)
      .set(w.as('advisorA'))
      .set('x-request-id', missing)
      .expect(404);
    await sleep(100);
    expect(await rowsOf(t, [ran, readOnly, missing])).toEqual([]);
  });

  it('accepts entries without an office, and refuses one outside the scope', async () => {
    const id = `no-office-${randomUUID()}`;
    await t.app.get(OfficeDb).run({ officeIds: [w.officeA] }, (tx) => {
      t.app
        .get(AccessLogService)
        .record(
          ctx(id),
          { officeId: null, resourceType: 'case', resourceId: null, action: 'list' },
          tx,
        );
      return Promise.resolve();
    });
    expect(await rowsOf(t, [id])).toEqual([
      expect.objectContaining({ office_id: null, action: 'list' }),
    ]);
    const foreign = `foreign-${randomUUID()}`;
    const refused = await t.app
      .get(OfficeDb)
      .run({ officeIds: [w.officeA] }, (tx) => {
        t.app
          .get(AccessLogService)
          .record(
            ctx(foreign),
            { officeId: w.officeB, resourceType: 'case', resourceId: null, action: 'read' },
            tx,
          );
        return Promise.resolve();
      })
      .catch((e: Error) => e.message);
    expect(refused).toMatch(/outside the transaction's scope/);
    expect(await rowsOf(t, [foreign])).toEqual([]);
  });

  it('cannot send a change from a read that has committed already', async () => {
    const refused = await t.app
      .get(OfficeDb)
      .read(
        { officeIds: [w.officeA] },
        () => [],
        (tx) =>
          t.app
            .get(AccessLogService)
            .record(
              ctx(`change-${randomUUID()}`),
              { officeId: w.officeA, resourceType: 'case', resourceId: caseId, action: 'update' },
              tx,
            ),
      )
      .catch((e: Error) => e.message);
    expect(refused).toMatch(/committed already/);
  });
});

describe('GET /cases/:id in one message', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  it('is still bound by row-level security when the office filter of its statement is off', async () => {
    const caseA = (await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA))).id;
    const caseB = (await openCase(t, w, 'advisorB', await insertFounder(t, w.officeB))).id;
    const repository = t.app.get(CasesRepository);
    const original = repository.byIdStatement.bind(repository);
    // Test build only: the statement without "AND c.office_id = ANY($2)".
    repository.byIdStatement = (id: string) => ({
      name: 'case_by_id_leaky',
      text: `SELECT c.*, f.consent_given_on, f.self_employment_permitted, f.german_level, f.benefit_status,
                    f.erased_at AS founder_erased_at, false AS has_first_counselling_contact
               FROM founder_case c JOIN founder f ON f.id = c.founder_id WHERE c.id = $1`,
      values: [id],
    });
    try {
      // The owner bypasses row-level security: the leaky statement really leaks there.
      const leaked = await new OfficeDb(t.db).read(
        { officeIds: [w.officeA] },
        (ids) => [repository.byIdStatement(caseB, ids)],
        (_tx, [rows]) => rows,
      );
      expect(leaked).toHaveLength(1);
      const refused = await t.http().get(`/api/v1/cases/${caseB}`).set(w.as('advisorA'));
      expect([refused.status, refused.body.code]).toEqual([404, 'not_found']);
      await t.http().get(`/api/v1/cases/${caseA}`).set(w.as('advisorA')).expect(200);
    } finally {
      repository.byIdStatement = original;
    }
  });
});

describe('access log: the committer on shutdown', () => {
  let t: TestApp;
  let w: World;
  // A long window: the entry is still queued when the shutdown comes.
  useSeededApp((app, world) => ([t, w] = [app, world]), { ACCESS_LOG_BATCH_WAIT_MS: '1000' });

  it('writes the queued entries before the service stops', async () => {
    const caseId = (await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA))).id;
    const id = `shutdown-${randomUUID()}`;
    let answered = false;
    const pending = read(t, w, caseId, id).then((res) => ((answered = true), res));
    await sleep(200);
    expect(answered).toBe(false);
    expect(await rowsOf(t, [id])).toEqual([]);
    await t.app.get(ReadLogCommitter).beforeApplicationShutdown();
    expect((await pending).status).toBe(200);
    expect((await rowsOf(t, [id])).length).toBe(1);
  });
});
