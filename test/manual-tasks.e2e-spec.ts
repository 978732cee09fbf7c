import { insertFounder, openCase } from './support/cases';
import type { TestApp } from './support/test-app';
import { Persona, useSeededApp, World } from './support/world';

describe('manual tasks (Wiedervorlage)', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const create = (persona: Persona, caseId: string, body: object) =>
    t.http().post(`/api/v1/cases/${caseId}/tasks`).set(w.as(persona)).send(body);
  const patch = (persona: Persona, id: string, body: object) =>
    t.http().patch(`/api/v1/tasks/${id}`).set(w.as(persona)).send(body);
  const taskRow = async (id: string) =>
    (await t.db.query(`SELECT * FROM case_task WHERE id = $1`, [id]))[0];
  const taskCount = async (caseId: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM case_task WHERE case_id = $1`, [caseId]))[0]
      .n;

  async function caseOf(officeId: string, persona: Persona) {
    const founderId = await insertFounder(t, officeId);
    const c = await openCase(t, w, persona, founderId);
    return { founderId, id: c.id };
  }

  it('creates a task (trimmed title, assignee, ETag) and lists open and done ones', async () => {
    const c = await caseOf(w.officeA, 'advisorA');
    const res = await create('advisorA', c.id, {
      title: '  Bewilligungsbescheid anfordern ',
      dueOn: '2026-11-03',
      assigneeId: w.users.leadA.id,
    }).expect(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual({
      id: expect.any(String),
      caseId: c.id,
      officeId: w.officeA,
      title: 'Bewilligungsbescheid anfordern',
      dueOn: '2026-11-03',
      assigneeId: w.users.leadA.id,
      done: false,
      doneAt: null,
      doneBy: null,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await taskRow(res.body.id)).toMatchObject({ created_by: w.users.advisorA.id });
    const early = await create('leadA', c.id, { title: 'Anrufen', dueOn: '2026-10-01' }).expect(
      201,
    );
    expect(early.body.assigneeId).toBeNull();
    const done = await create('leadA', c.id, { title: 'Erledigt', dueOn: '2026-09-01' }).expect(
      201,
    );
    await patch('leadA', done.body.id, { done: true }).expect(200);

    const list = await t
      .http()
      .get(`/api/v1/cases/${c.id}/tasks`)
      .set(w.as('advisorA'))
      .expect(200);
    expect(list.body.items.map((i: { title: string; done: boolean }) => [i.title, i.done])).toEqual(
      [
        ['Anrufen', false],
        ['Bewilligungsbescheid anfordern', false],
        ['Erledigt', true],
      ],
    );
    const logged = await t.db.query(
      `SELECT action FROM access_log WHERE resource_type = 'case_task' AND resource_id = $1`,
      [res.body.id],
    );
    expect(logged).toEqual([{ action: 'create' }]);
  });

  it('completes, reopens and changes a task, each a new version checked by If-Match', async () => {
    const c = await caseOf(w.officeA, 'advisorA');
    const task = (await create('advisorA', c.id, { title: 'EKS prüfen', dueOn: '2026-11-03' }))
      .body;
    const doneRes = await patch('advisorA', task.id, { done: true })
      .set('If-Match', '"1"')
      .expect(200);
    expect(doneRes.headers.etag).toBe('"2"');
    expect(doneRes.body).toMatchObject({
      done: true,
      doneBy: w.users.advisorA.id,
      version: 2,
      title: 'EKS prüfen',
    });
    expect(doneRes.body.doneAt).not.toBeNull();
    // Done again (by someone else) keeps the first completion.
    const again = await patch('leadA', task.id, { done: true }).expect(200);
    expect(again.body).toMatchObject({
      doneAt: doneRes.body.doneAt,
      doneBy: w.users.advisorA.id,
      version: 3,
    });

    const stale = await patch('advisorA', task.id, { done: false })
      .set('If-Match', '"2"')
      .expect(412);
    expect(stale.body).toMatchObject({ code: 'version_conflict', currentVersion: 3 });
    expect((await taskRow(task.id)).done_at).not.toBeNull();

    const reopened = await patch('advisorA', task.id, { done: false })
      .set('If-Match', '"3"')
      .expect(200);
    expect(reopened.body).toMatchObject({ done: false, doneAt: null, doneBy: null, version: 4 });

    const changed = await patch('advisorA', task.id, {
      title: ' EKS abschließend prüfen ',
      dueOn: '2026-12-01',
      assigneeId: w.users.advisorA.id,
    }).expect(200);
    expect(changed.body).toMatchObject({
      title: 'EKS abschließend prüfen',
      dueOn: '2026-12-01',
      assigneeId: w.users.advisorA.id,
      done: false,
      version: 5,
    });
    const unassigned = await patch('advisorA', task.id, { assigneeId: null }).expect(200);
    expect(unassigned.body).toMatchObject({ assigneeId: null, version: 6 });
    const empty = await patch('advisorA', task.id, {}).expect(200);
    expect(empty.body.version).toBe(6);
    expect((await taskRow(task.id)).version).toBe(6);
  });

  it('answers 400 for invalid bodies and 422 advisor_unknown, writing nothing', async () => {
    const c = await caseOf(w.officeA, 'advisorA');
    for (const body of [
      { dueOn: '2026-11-03' },
      { title: '   ', dueOn: '2026-11-03' },
      { title: 'x'.repeat(501), dueOn: '2026-11-03' },
      { title: 'A', dueOn: '2026-02-30' },
      { title: 'A' },
      { title: 'A', dueOn: '2026-11-03', assigneeId: 'nobody' },
      { title: 'A', dueOn: '2026-11-03', extra: true },
    ]) {
      const res = await create('advisorA', c.id, body);
      expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
    }
    for (const assigneeId of [w.users.auditorA.id, w.users.advisorB.id, w.users.admin.id]) {
      const res = await create('advisorA', c.id, {
        title: 'A',
        dueOn: '2026-11-03',
        assigneeId,
      }).expect(422);
      expect(res.body).toMatchObject({
        code: 'advisor_unknown',
        errors: [{ field: 'assigneeId' }],
      });
    }
    expect(await taskCount(c.id)).toBe(0);

    const task = (await create('advisorA', c.id, { title: 'A', dueOn: '2026-11-03' })).body;
    for (const body of [
      { done: 'yes' },
      { done: null },
      { title: null },
      { title: '' },
      { dueOn: null },
      { dueOn: 'tomorrow' },
      { version: 3 },
    ]) {
      const res = await patch('advisorA', task.id, body);
      expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
    }
    await patch('advisorA', task.id, { assigneeId: w.users.auditorA.id }).expect(422);
    expect(await taskRow(task.id)).toMatchObject({
      title: 'A',
      due_on: '2026-11-03',
      assignee_id: null,
      done_at: null,
      version: 1,
    });
    await patch('advisorA', task.id, {}).set('If-Match', 'not-an-etag').expect(400);
  });

  it('takes writes from an advisor API key (no user to name as creator or completer)', async () => {
    const key = await t
      .http()
      .post(`/api/v1/offices/${w.officeA}/api-keys`)
      .set(w.as('leadA'))
      .send({ name: 'Fachverfahren', role: 'advisor' })
      .expect(201);
    const asKey = { 'X-API-Key': key.body.key as string };
    const c = await caseOf(w.officeA, 'advisorA');
    const res = await t
      .http()
      .post(`/api/v1/cases/${c.id}/tasks`)
      .set(asKey)
      .send({ title: 'Import', dueOn: '2026-11-03' })
      .expect(201);
    const done = await t
      .http()
      .patch(`/api/v1/tasks/${res.body.id}`)
      .set(asKey)
      .send({ done: true })
      .expect(200);
    expect(done.body).toMatchObject({ done: true, doneBy: null });
    expect(await taskRow(res.body.id)).toMatchObject({ created_by: null, done_by: null });
  });

  it('keeps offices apart (404), refuses auditors (403), and erased founders (409)', async () => {
    const a = await caseOf(w.officeA, 'advisorA');
    const task = (await create('advisorA', a.id, { title: 'A', dueOn: '2026-11-03' })).body;
    const body = { title: 'fremd', dueOn: '2026-11-03' };
    expect((await create('advisorB', a.id, body).expect(404)).body.code).toBe('not_found');
    await t.http().get(`/api/v1/cases/${a.id}/tasks`).set(w.as('leadB')).expect(404);
    expect((await patch('leadB', task.id, { done: true }).expect(404)).body.code).toBe('not_found');
    await create('auditorA', a.id, body).expect(403);
    await t.http().get(`/api/v1/cases/${a.id}/tasks`).set(w.as('auditorA')).expect(403);
    await patch('auditorA', task.id, { done: true }).expect(403);
    await patch('advisorA', '00000000-0000-4000-8000-000000000000', { done: true }).expect(404);
    await patch('advisorA', 'not-a-uuid', { done: true }).expect(400);
    // Row-level security agrees: B's scope sees no row of A.
    const b = await caseOf(w.officeB, 'advisorB');
    const own = await create('advisorB', b.id, body).expect(201);
    const listB = await t
      .http()
      .get(`/api/v1/cases/${b.id}/tasks`)
      .set(w.as('advisorB'))
      .expect(200);
    expect(listB.body.items.map((i: { id: string }) => i.id)).toEqual([own.body.id]);
    expect(await taskRow(task.id)).toMatchObject({ version: 1, done_at: null });

    await t.db.query(`UPDATE founder SET erased_at = now() WHERE id = $1`, [a.founderId]);
    expect((await create('advisorA', a.id, body).expect(409)).body.code).toBe('founder_erased');
    expect((await patch('advisorA', task.id, { done: true }).expect(409)).body.code).toBe(
      'founder_erased',
    );
    expect(await taskCount(a.id)).toBe(1);
    expect(await taskRow(task.id)).toMatchObject({ version: 1, done_at: null });
  });
});
