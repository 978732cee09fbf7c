import { RESET_BUSINESS, RESET_HOUSEHOLD } from './support/fuzz';
import { insertFounder, openCase, sendEvent } from './support/cases';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

// Issue 10 item 4: every change bumps the version its ETag shows, If-Match is compared strongly
// on every write route, and the history sequence follows the chain, not the version.
describe('versions, ETags and If-Match on every write route', () => {
  let t: TestApp;
  let w: World;
  let founderA: string;
  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    founderA = await insertFounder(t, w.officeA);
  });

  const http = () => t.http();
  const PERIOD = {
    periodEnd: '2025-06-30',
    kind: 'provisional',
    months: Array.from({ length: 6 }, (_, i) => ({
      month: `2025-0${i + 1}`,
      receipts: { A1: 3000 },
      expenses: { B1: 500 },
    })),
  };
  async function analysis(): Promise<{ id: string; version: number }> {
    const res = await http()
      .post('/api/v1/reset-analyses')
      .set(w.as('advisorA'))
      .send({ founderId: founderA, business: RESET_BUSINESS, household: RESET_HOUSEHOLD })
      .expect(201);
    return res.body;
  }

  describe('cases', () => {
    it('PATCH bumps version and ETag; a second client with the same If-Match gets 412 and changes nothing', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const first = await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', '"1"')
        .send({ businessIdea: 'Catering' })
        .expect(200);
      expect(first.headers.etag).toBe('"2"');
      expect(first.body.version).toBe(2);
      const second = await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('leadA'))
        .set('If-Match', '"1"')
        .send({ businessIdea: 'Copyshop' })
        .expect(412);
      expect(second.body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
      const read = await http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).expect(200);
      expect(read.headers.etag).toBe('"2"');
      expect(read.body).toMatchObject({ businessIdea: 'Catering', version: 2 });
    });

    it('takes an empty PATCH as no change: same version, same ETag, same updatedAt', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const before = await http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).expect(200);
      const empty = await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', '"1"')
        .send({})
        .expect(200);
      expect(empty.headers.etag).toBe('"1"');
      expect(empty.body).toMatchObject({ version: 1, updatedAt: before.body.updatedAt });
    });

    it('lets exactly one of two concurrent PATCHes with the same If-Match through', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const patch = (idea: string) =>
        http()
          .patch(`/api/v1/cases/${c.id}`)
          .set(w.as('advisorA'))
          .set('If-Match', '"1"')
          .send({ businessIdea: idea });
      const answers = await Promise.all([patch('A'), patch('B')]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
      const winner = answers.find((a) => a.status === 200)!;
      const read = await http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).expect(200);
      expect(read.body).toMatchObject({ version: 2, businessIdea: winner.body.businessIdea });
    });

    it('answers 412 to a weak validator on PATCH and events, and accepts *', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const weak = await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', 'W/"1"')
        .send({ businessIdea: 'x' })
        .expect(412);
      expect(weak.body).toMatchObject({ code: 'version_conflict', currentVersion: 1 });
      await http()
        .post(`/api/v1/cases/${c.id}/events`)
        .set(w.as('advisorA'))
        .set('If-Match', 'W/"1"')
        .send({ type: 'PAUSE', reason: 'krank' })
        .expect(412);
      const any = await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', '*')
        .send({ businessIdea: 'x' })
        .expect(200);
      expect(any.headers.etag).toBe('"2"');
      await http()
        .post(`/api/v1/cases/${c.id}/events`)
        .set(w.as('advisorA'))
        .set('If-Match', '"1"')
        .send({ type: 'PAUSE', reason: 'krank' })
        .expect(412);
      const paused = await http()
        .post(`/api/v1/cases/${c.id}/events`)
        .set(w.as('advisorA'))
        .set('If-Match', '"2"')
        .send({ type: 'PAUSE', reason: 'krank' })
        .expect(200);
      expect(paused.headers.etag).toBe('"3"');
    });

    it('a contact is a new case version: stale If-Match is 412 and writes nothing', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const contact = { on: '2026-01-20', minutes: 60, format: 'video', kind: 'first_counselling' };
      const stale = await http()
        .post(`/api/v1/cases/${c.id}/contacts`)
        .set(w.as('advisorA'))
        .set('If-Match', '"0"')
        .send(contact)
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'version_conflict', currentVersion: 1 });
      await http()
        .post(`/api/v1/cases/${c.id}/contacts`)
        .set(w.as('advisorA'))
        .set('If-Match', 'W/"1"')
        .send(contact)
        .expect(412);
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM case_contact WHERE case_id = $1`,
        [c.id],
      );
      expect(n).toBe(0);
      const created = await http()
        .post(`/api/v1/cases/${c.id}/contacts`)
        .set(w.as('advisorA'))
        .set('If-Match', '"1"')
        .send(contact)
        .expect(201);
      expect(created.body.caseVersion).toBe(2);
      const read = await http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).expect(200);
      expect(read.headers.etag).toBe('"2"');
      // The contact changed the gate facts: an old copy of the case is stale.
      await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', '"1"')
        .send({ businessIdea: 'x' })
        .expect(412);
    });

    it('keeps the history sequence apart from the version, and the chain valid', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ businessIdea: 'Catering' })
        .expect(200);
      await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ channel: 'migrant_organisation' })
        .expect(200);
      const paused = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'PAUSE',
        reason: 'krank',
      }).expect(200);
      expect(paused.body.version).toBe(4);
      await http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ businessIdea: 'Imbiss' })
        .expect(200);
      const resumed = await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME' }).expect(200);
      expect(resumed.body.version).toBe(6);
      const history = await http()
        .get(`/api/v1/cases/${c.id}/history?verify=true`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(history.body.version).toBe(6);
      expect(
        history.body.items.map((h: { seq: number; event: string }) => [h.seq, h.event]),
      ).toEqual([
        [1, 'PAUSE'],
        [2, 'RESUME'],
      ]);
      expect(history.body.chain).toMatchObject({ valid: true, length: 2 });
    });
  });

  describe('RE_SET analyses', () => {
    it('PATCH bumps version and ETag; the second client with the same If-Match gets 412', async () => {
      const a = await analysis();
      const body = { business: { ...RESET_BUSINESS, hoursPerWeek: 12 } };
      const first = await http()
        .patch(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', '"1"')
        .send(body)
        .expect(200);
      expect(first.headers.etag).toBe('"2"');
      expect(first.body.version).toBe(2);
      const second = await http()
        .patch(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('leadA'))
        .set('If-Match', '"1"')
        .send({ business: { ...RESET_BUSINESS, hoursPerWeek: 30 } })
        .expect(412);
      expect(second.body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
      const weak = await http()
        .patch(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('leadA'))
        .set('If-Match', 'W/"2"')
        .send(body)
        .expect(412);
      expect(weak.body.currentVersion).toBe(2);
      const read = await http()
        .get(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(read.headers.etag).toBe('"2"');
      expect(read.body.business.hoursPerWeek).toBe(12);
    });

    it('a new EKS period version is a new analysis version; stale If-Match is 412 and stores nothing', async () => {
      const a = await analysis();
      const put = (ifMatch: string, body: object = PERIOD) =>
        http()
          .put(`/api/v1/reset-analyses/${a.id}/periods/2025-01-01`)
          .set(w.as('advisorA'))
          .set('If-Match', ifMatch)
          .send(body);
      const stale = await put('"7"').expect(412);
      expect(stale.body).toMatchObject({ code: 'version_conflict', currentVersion: 1 });
      await put('W/"1"').expect(412);
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM reset_period_version WHERE analysis_id = $1`,
        [a.id],
      );
      expect(n).toBe(0);
      const created = await put('"1"').expect(201);
      expect(created.body.analysisVersion).toBe(2);
      // An unchanged repeat is no change: same version.
      expect((await put('"2"').expect(200)).body.analysisVersion).toBe(2);
      const corrected = await put('"2"', { ...PERIOD, kind: 'final' }).expect(200);
      expect(corrected.body).toMatchObject({ version: 2, analysisVersion: 3 });
      await put('"2"', { ...PERIOD, kind: 'final', finalDeclarationDueOn: '2026-01-31' }).expect(
        412,
      );
      const read = await http()
        .get(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(read.headers.etag).toBe('"3"');
    });

    it('events compare strongly, and the history sequence follows the chain', async () => {
      const a = await analysis();
      await http()
        .put(`/api/v1/reset-analyses/${a.id}/periods/2025-01-01`)
        .set(w.as('advisorA'))
        .send(PERIOD)
        .expect(201);
      const send = (ifMatch: string) =>
        http()
          .post(`/api/v1/reset-analyses/${a.id}/events`)
          .set(w.as('advisorA'))
          .set('If-Match', ifMatch)
          .send({ type: 'START_ANALYSIS' });
      await send('W/"2"').expect(412);
      expect((await send('"1"').expect(412)).body.currentVersion).toBe(2);
      const started = await send('"2"').expect(200);
      expect(started.headers.etag).toBe('"3"');
      const history = await http()
        .get(`/api/v1/reset-analyses/${a.id}/history?verify=true`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(history.body.items.map((h: { seq: number }) => h.seq)).toEqual([1]);
      expect(history.body.chain).toMatchObject({ valid: true, length: 1 });
    });
  });
});
