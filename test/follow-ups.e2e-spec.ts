import { todayInBerlin } from '../src/common/time/iso-date';
import { insertFounder, openCase, sendEvent } from './support/cases';
import { bufferBody } from './support/exports';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

/** A day `days` from today (Berlin), as YYYY-MM-DD. */
function dayFromToday(days: number): string {
  const d = new Date(`${todayInBerlin()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('case dates, the exit day and follow-ups after exit', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const today = () => todayInBerlin();
  const caseRow = async (id: string) =>
    (await t.db.query(`SELECT * FROM founder_case WHERE id = $1`, [id]))[0];
  const count = async (sql: string, params: unknown[] = []) =>
    (await t.db.query(sql, params))[0].n as number;

  /** A founder of office A with follow-up consent and a case dropped out of access (closed). */
  async function closedCase(consent: string | null = '2026-01-05') {
    const founderId = await insertFounder(t, w.officeA);
    await t.db.query(`UPDATE founder SET follow_up_consent_on = $2 WHERE id = $1`, [
      founderId,
      consent,
    ]);
    const c = await openCase(t, w, 'advisorA', founderId);
    const closed = await sendEvent(t, w, 'advisorA', c.id, {
      type: 'DROP_OUT',
      reasonCode: 'moved',
    }).expect(200);
    return { founderId, id: c.id, version: closed.body.version as number };
  }

  const post = (caseId: string, body: object, persona: 'advisorA' = 'advisorA') =>
    t.http().post(`/api/v1/cases/${caseId}/follow-ups`).set(w.as(persona)).send(body);
  const VALID = { on: todayInBerlin(), situation: 'employed', stillSelfEmployed: true };

  describe('case fields', () => {
    it('sets, answers and clears the benefit and funding dates on POST and PATCH', async () => {
      const founderId = await insertFounder(t, w.officeA);
      const c = await openCase(t, w, 'advisorA', founderId, {
        benefitPeriodEndsOn: '2026-06-30',
        fundingStartsOn: '2026-04-01',
        fundingEndsOn: '2026-09-30',
      });
      expect(c).toMatchObject({
        benefitPeriodEndsOn: '2026-06-30',
        finalIncomeDeclaredOn: null,
        fundingStartsOn: '2026-04-01',
        fundingEndsOn: '2026-09-30',
        exitedOn: null,
      });
      const r = await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ finalIncomeDeclaredOn: '2026-08-15', fundingEndsOn: null })
        .expect(200);
      expect(r.body).toMatchObject({
        benefitPeriodEndsOn: '2026-06-30',
        finalIncomeDeclaredOn: '2026-08-15',
        fundingStartsOn: '2026-04-01',
        fundingEndsOn: null,
        version: 2,
      });
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ benefitPeriodEndsOn: '2026-02-30' })
        .expect(400);
    });

    it('refuses a funding period that ends before it starts, in one body or against the stored side', async () => {
      const founderId = await insertFounder(t, w.officeA);
      const cases = () =>
        count(`SELECT count(*)::int AS n FROM founder_case WHERE founder_id = $1`, [founderId]);
      const refused = await t
        .http()
        .post('/api/v1/cases')
        .set(w.as('advisorA'))
        .send({ founderId, fundingStartsOn: '2026-05-01', fundingEndsOn: '2026-04-30' })
        .expect(400);
      expect(refused.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'fundingEndsOn' }],
      });
      expect(await cases()).toBe(0);

      const c = await openCase(t, w, 'advisorA', founderId, { fundingStartsOn: '2026-05-01' });
      for (const body of [
        { fundingEndsOn: '2026-04-30' },
        { fundingStartsOn: '2026-06-01', fundingEndsOn: '2026-05-31' },
        { businessIdea: 'Imbiss', fundingEndsOn: '2026-01-01' },
      ]) {
        const res = await t
          .http()
          .patch(`/api/v1/cases/${c.id}`)
          .set(w.as('advisorA'))
          .send(body)
          .expect(400);
        expect(res.body.code).toBe('validation_failed');
      }
      const stored = await caseRow(c.id);
      expect(stored).toMatchObject({
        version: 1,
        business_idea: null,
        funding_starts_on: '2026-05-01',
        funding_ends_on: null,
      });
      // The start moved after a stored end: refused the same way.
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ fundingEndsOn: '2026-05-01' })
        .expect(200);
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ fundingStartsOn: '2026-05-02' })
        .expect(400);
      expect((await caseRow(c.id)).funding_starts_on).toBe('2026-05-01');
    });
  });

  describe('followUpConsentOn of founders', () => {
    it('is set on create and PATCH, answered, cleared with null, and never in the future', async () => {
      const created = await t
        .http()
        .post('/api/v1/founders')
        .set(w.as('advisorA'))
        .send({ firstName: 'Lina', lastName: 'Folgebefragung', followUpConsentOn: '2026-01-10' })
        .expect(201);
      expect(created.body.followUpConsentOn).toBe('2026-01-10');
      const id = created.body.id as string;
      const future = await t
        .http()
        .patch(`/api/v1/founders/${id}`)
        .set(w.as('advisorA'))
        .send({ followUpConsentOn: dayFromToday(1) })
        .expect(400);
      expect(future.body.code).toBe('validation_failed');
      await t
        .http()
        .patch(`/api/v1/founders/${id}`)
        .set(w.as('advisorA'))
        .send({ followUpConsentOn: 'soon' })
        .expect(400);
      const stored = async () =>
        (await t.db.query(`SELECT follow_up_consent_on FROM founder WHERE id = $1`, [id]))[0]
          .follow_up_consent_on;
      expect(await stored()).toBe('2026-01-10');
      const changed = await t
        .http()
        .patch(`/api/v1/founders/${id}`)
        .set(w.as('advisorA'))
        .send({ followUpConsentOn: today() })
        .expect(200);
      expect(changed.body.followUpConsentOn).toBe(today());
      const cleared = await t
        .http()
        .patch(`/api/v1/founders/${id}`)
        .set(w.as('advisorA'))
        .send({ followUpConsentOn: null })
        .expect(200);
      expect(cleared.body.followUpConsentOn).toBeNull();
      const read = await t.http().get(`/api/v1/founders/${id}`).set(w.as('advisorA')).expect(200);
      expect(read.body.followUpConsentOn).toBeNull();
    });
  });

  describe('exitedOn', () => {
    it('is today when the case closes, kept while closed, cleared by REOPEN, set again on the next exit', async () => {
      const founderId = await insertFounder(t, w.officeA);
      const c = await openCase(t, w, 'advisorA', founderId);
      expect(c).toMatchObject({ exitedOn: null });
      const paused = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'PAUSE',
        reason: 'Kinderbetreuung',
      }).expect(200);
      expect(paused.body.exitedOn).toBeNull();
      const dropped = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'DROP_OUT',
        reasonCode: 'illness',
      }).expect(200);
      expect(dropped.body).toMatchObject({ status: 'closed', exitedOn: today() });
      expect((await caseRow(c.id)).exited_on).toBe(today());

      // A day kept from before stays while the case stays closed (a FOLLOW_UP does not move it).
      await t.db.query(`UPDATE founder_case SET exited_on = '2026-01-15' WHERE id = $1`, [c.id]);
      await t.db.query(`UPDATE founder SET follow_up_consent_on = '2026-01-05' WHERE id = $1`, [
        founderId,
      ]);
      await post(c.id, { ...VALID, on: '2026-01-15' }).expect(201);
      expect((await caseRow(c.id)).exited_on).toBe('2026-01-15');

      const reopened = await sendEvent(t, w, 'leadA', c.id, {
        type: 'REOPEN',
        reason: 'Neuer Anlauf',
      }).expect(200);
      expect(reopened.body).toMatchObject({ status: 'active', exitedOn: null });
      await t.db.query(`UPDATE founder_case SET exited_on = '2026-01-15' WHERE id = $1`, [c.id]);
      const again = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'DROP_OUT',
        reasonCode: 'moved',
      }).expect(200);
      expect(again.body.exitedOn).toBe(today());
      const read = await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('auditorA')).expect(200);
      expect(read.body.exitedOn).toBe(today());
    });
  });

  describe('POST /cases/:id/follow-ups', () => {
    it('writes the follow-up with a FOLLOW_UP history entry (phase, status unchanged, version + 1) that the chain seals', async () => {
      const c = await closedCase();
      const before = await caseRow(c.id);
      const res = await post(c.id, { ...VALID, note: 'Arbeitet als Schneiderin' }).expect(201);
      expect(res.body).toMatchObject({
        caseId: c.id,
        officeId: w.officeA,
        on: today(),
        situation: 'employed',
        stillSelfEmployed: true,
        note: 'Arbeitet als Schneiderin',
        historySeq: 2,
        createdBy: w.users.advisorA.id,
        caseVersion: c.version + 1,
      });
      const after = await caseRow(c.id);
      expect(after).toMatchObject({
        phase: before.phase,
        status: 'closed',
        version: c.version + 1,
        exited_on: today(),
      });
      const h = await t
        .http()
        .get(`/api/v1/cases/${c.id}/history?verify=true`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(h.body.chain).toMatchObject({ valid: true, length: 2 });
      expect(h.body.items[1]).toMatchObject({
        seq: 2,
        event: 'FOLLOW_UP',
        fromPhase: 'access',
        toPhase: 'access',
        fromStatus: 'closed',
        toStatus: 'closed',
        payload: { followUpOn: today() },
        texts: { note: 'Arbeitet als Schneiderin' },
        actor: { type: 'user', id: w.users.advisorA.id },
      });
      const asAuditor = await t
        .http()
        .get(`/api/v1/cases/${c.id}/history`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(asAuditor.body.items[1].texts).toBeNull();
      const logged = await t.db.query(
        `SELECT action, details FROM access_log WHERE resource_type = 'case_follow_up' AND resource_id = $1`,
        [res.body.id],
      );
      expect(logged).toEqual([{ action: 'create', details: { caseId: c.id, historySeq: 2 } }]);
    });

    it('exports the FOLLOW_UP entry, and the export verifies', async () => {
      const c = await closedCase();
      await post(c.id, { ...VALID, note: 'geheim' }).expect(201);
      const csv = await t
        .http()
        .get('/api/v1/exports/phase-history')
        .set(w.as('auditorA'))
        .buffer(true)
        .parse(bufferBody)
        .expect(200);
      const id = csv.headers['x-export-id'];
      const text = (csv.body as Buffer).toString('utf8');
      expect(text).toContain('FOLLOW_UP');
      expect(text).not.toContain('geheim');
      const verified = await t
        .http()
        .post(`/api/v1/exports/verify?exportId=${id}`)
        .set(w.as('auditorA'))
        .set('content-type', 'text/csv')
        .send(csv.body as Buffer)
        .expect(200);
      expect(verified.body).toMatchObject({ valid: true, chains: { broken: [] } });
    });

    it('lists follow-ups latest first, with notes only for advisors and leads', async () => {
      const c = await closedCase();
      await post(c.id, { ...VALID, situation: 'job_searching', stillSelfEmployed: false }).expect(
        201,
      );
      await post(c.id, { ...VALID, situation: 'inactive', note: 'Elternzeit' }).expect(201);
      const list = await t
        .http()
        .get(`/api/v1/cases/${c.id}/follow-ups`)
        .set(w.as('leadA'))
        .expect(200);
      expect(
        list.body.items.map((i: { situation: string; note: string | null }) => [
          i.situation,
          i.note,
        ]),
      ).toEqual([
        ['inactive', 'Elternzeit'],
        ['job_searching', null],
      ]);
      const audited = await t
        .http()
        .get(`/api/v1/cases/${c.id}/follow-ups`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(audited.body.items.map((i: { note: string | null }) => i.note)).toEqual([null, null]);
      expect(audited.body.items[0].situation).toBe('inactive');
    });

    it('refuses an open case (409 case_not_closed) and a founder without consent (409 follow_up_consent_missing)', async () => {
      const founderId = await insertFounder(t, w.officeA);
      await t.db.query(`UPDATE founder SET follow_up_consent_on = '2026-01-05' WHERE id = $1`, [
        founderId,
      ]);
      const open = await openCase(t, w, 'advisorA', founderId);
      const r1 = await post(open.id, VALID).expect(409);
      expect(r1.body.code).toBe('case_not_closed');

      const noConsent = await closedCase(null);
      const r2 = await post(noConsent.id, VALID).expect(409);
      expect(r2.body.code).toBe('follow_up_consent_missing');
      for (const id of [open.id, noConsent.id]) {
        expect(
          await count(`SELECT count(*)::int AS n FROM case_follow_up WHERE case_id = $1`, [id]),
        ).toBe(0);
        expect(
          await count(
            `SELECT count(*)::int AS n FROM case_history WHERE case_id = $1 AND event = 'FOLLOW_UP'`,
            [id],
          ),
        ).toBe(0);
      }
      expect((await caseRow(noConsent.id)).version).toBe(noConsent.version);
    });

    it('answers 400 for a day before the exit, in the future, and for invalid bodies, writing nothing', async () => {
      const c = await closedCase();
      await t.db.query(`UPDATE founder_case SET exited_on = '2026-03-01' WHERE id = $1`, [c.id]);
      const before = await post(c.id, { ...VALID, on: '2026-02-28' }).expect(400);
      expect(before.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'on' }] });
      for (const body of [
        { ...VALID, on: dayFromToday(1) },
        { ...VALID, on: '2026-02-30' },
        { ...VALID, situation: 'self_employed' },
        { ...VALID, stillSelfEmployed: 'yes' },
        { on: today(), situation: 'employed' },
        { ...VALID, note: 'x'.repeat(4001) },
        { ...VALID, extra: 1 },
      ]) {
        const res = await post(c.id, body);
        expect([res.status, res.body.code]).toEqual([400, 'validation_failed']);
      }
      await post(c.id, { ...VALID, on: '2026-03-01' }).expect(201);
      expect(
        await count(`SELECT count(*)::int AS n FROM case_follow_up WHERE case_id = $1`, [c.id]),
      ).toBe(1);
      expect((await caseRow(c.id)).version).toBe(c.version + 1);
    });

    it('checks If-Match against the case version and replays an Idempotency-Key', async () => {
      const c = await closedCase();
      const stale = await post(c.id, VALID)
        .set('If-Match', `"${c.version - 1}"`)
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'version_conflict', currentVersion: c.version });
      const first = await post(c.id, VALID)
        .set('If-Match', `"${c.version}"`)
        .set('Idempotency-Key', 'follow-up-1')
        .expect(201);
      const retry = await post(c.id, VALID).set('Idempotency-Key', 'follow-up-1').expect(201);
      expect(retry.body).toEqual(first.body);
      const reused = await post(c.id, { ...VALID, situation: 'unknown' }).set(
        'Idempotency-Key',
        'follow-up-1',
      );
      expect(reused.body.code).toBe('idempotency_key_reused');
      expect(
        await count(`SELECT count(*)::int AS n FROM case_follow_up WHERE case_id = $1`, [c.id]),
      ).toBe(1);
    });

    it('refuses an erased founder (409), auditors (403) and other offices (404)', async () => {
      const c = await closedCase();
      const other = await t
        .http()
        .post(`/api/v1/cases/${c.id}/follow-ups`)
        .set(w.as('advisorB'))
        .send(VALID)
        .expect(404);
      expect(other.body.code).toBe('not_found');
      await t.http().get(`/api/v1/cases/${c.id}/follow-ups`).set(w.as('leadB')).expect(404);
      await t
        .http()
        .post(`/api/v1/cases/${c.id}/follow-ups`)
        .set(w.as('auditorA'))
        .send(VALID)
        .expect(403);
      await t.db.query(`UPDATE founder SET erased_at = now() WHERE id = $1`, [c.founderId]);
      const erased = await post(c.id, VALID).expect(409);
      expect(erased.body.code).toBe('founder_erased');
      expect(
        await count(`SELECT count(*)::int AS n FROM case_follow_up WHERE case_id = $1`, [c.id]),
      ).toBe(0);
      await t
        .http()
        .post(`/api/v1/cases/00000000-0000-4000-8000-000000000000/follow-ups`)
        .set(w.as('advisorA'))
        .send(VALID)
        .expect(404);
    });
  });

  describe('erasure', () => {
    it('clears follow-up notes and manual task titles of the founder\u2019s cases and counts them', async () => {
      const c = await closedCase();
      await post(c.id, { ...VALID, note: 'Name der neuen Firma' })
        .set('Idempotency-Key', 'erase-me')
        .expect(201);
      await post(c.id, VALID).expect(201);
      await t
        .http()
        .post(`/api/v1/cases/${c.id}/tasks`)
        .set(w.as('advisorA'))
        .send({ title: 'Bescheid von Frau Haddad anfordern', dueOn: '2026-12-01' })
        .expect(201);
      const untouched = await closedCase();
      await post(untouched.id, { ...VALID, note: 'bleibt' }).expect(201);

      expect(
        await count(`SELECT count(*)::int AS n FROM idempotent_request WHERE key = 'erase-me'`),
      ).toBe(1);
      // The subject-access export carries them, with their texts.
      const access = await t
        .http()
        .get(`/api/v1/founders/${c.founderId}/data-export`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(access.body.followUps.map((f: { note: string | null }) => f.note).sort()).toEqual([
        'Name der neuen Firma',
        null,
      ]);
      expect(access.body.tasks).toMatchObject([{ title: 'Bescheid von Frau Haddad anfordern' }]);
      expect(access.body.founder.follow_up_consent_on).toBe('2026-01-05');
      expect(access.body.cases[0].exited_on).toBe(todayInBerlin());

      const res = await t
        .http()
        .post(`/api/v1/founders/${c.founderId}/erase`)
        .set(w.as('leadA'))
        .expect(200);
      expect(res.body.counts).toMatchObject({ tasks: 1, followUps: 2 });
      // The stored answer of the retry key quoted the note: it goes too.
      expect(
        await count(`SELECT count(*)::int AS n FROM idempotent_request WHERE key = 'erase-me'`),
      ).toBe(0);
      expect(
        await t.db.query(`SELECT note, situation FROM case_follow_up WHERE case_id = $1`, [c.id]),
      ).toEqual([
        { note: null, situation: 'employed' },
        { note: null, situation: 'employed' },
      ]);
      expect(
        await t.db.query(`SELECT title, due_on FROM case_task WHERE case_id = $1`, [c.id]),
      ).toEqual([{ title: null, due_on: '2026-12-01' }]);
      const [record] = await t.db.query(`SELECT counts FROM erasure_record WHERE founder_id = $1`, [
        c.founderId,
      ]);
      expect(record.counts).toMatchObject({ tasks: 1, followUps: 2 });
      expect(
        await t.db.query(`SELECT note FROM case_follow_up WHERE case_id = $1`, [untouched.id]),
      ).toEqual([{ note: 'bleibt' }]);
      // The chain still verifies without the note (only its digest was sealed).
      const h = await t
        .http()
        .get(`/api/v1/cases/${c.id}/history?verify=true`)
        .set(w.as('leadA'))
        .expect(200);
      expect(h.body.chain).toMatchObject({ valid: true, length: 3 });
    });
  });
});
