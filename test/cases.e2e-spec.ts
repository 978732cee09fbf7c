import { ALL_MILESTONES, insertFounder, openCase, sendEvent } from './support/cases';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

describe('founder cases on the 4+1 phase model', () => {
  let t: TestApp;
  let w: World;
  let founderA: string;
  let founderB: string;
  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    founderA = await insertFounder(t, w.officeA);
    founderB = await insertFounder(t, w.officeB);
  });

  const historyCount = async (caseId: string): Promise<number> =>
    (
      await t.db.query(`SELECT count(*)::int AS n FROM case_history WHERE case_id = $1`, [caseId])
    )[0].n;

  describe('opening and reading', () => {
    it('opens a case in access, active, version 1, and says what is missing', async () => {
      const res = await t
        .http()
        .post('/api/v1/cases')
        .set(w.as('advisorA'))
        .send({
          founderId: founderA,
          businessIdea: 'Catering',
          channel: 'migrant_organisation',
          contactLanguage: 'ar',
          advisorId: w.users.advisorA.id,
        })
        .expect(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        phase: 'access',
        status: 'active',
        version: 1,
        machineVersion: 1,
        officeId: w.officeA,
        founderId: founderA,
        businessIdea: 'Catering',
        channel: 'migrant_organisation',
        contactLanguage: 'ar',
        advisorId: w.users.advisorA.id,
        coaching: false,
      });
      expect(res.body.availableEvents).toEqual(
        expect.arrayContaining([
          {
            type: 'START_COUNSELLING',
            allowed: false,
            permitted: true,
            unmet: [expect.objectContaining({ code: 'first_counselling_scheduled' })],
          },
          expect.objectContaining({ type: 'DROP_OUT', allowed: true }),
          expect.objectContaining({ type: 'PAUSE', allowed: true }),
        ]),
      );
      expect(res.body.availableEvents.map((e: { type: string }) => e.type)).not.toContain('LAUNCH');
      expect(await historyCount(res.body.id)).toBe(0);
    });

    it('refuses founders of other offices (404), auditors (403) and bad bodies (400)', async () => {
      await t
        .http()
        .post('/api/v1/cases')
        .set(w.as('advisorA'))
        .send({ founderId: founderB })
        .expect(404);
      await t
        .http()
        .post('/api/v1/cases')
        .set(w.as('auditorA'))
        .send({ founderId: founderA })
        .expect(403);
      const bad = await t
        .http()
        .post('/api/v1/cases')
        .set(w.as('advisorA'))
        .send({ founderId: founderA, legalForm: 'ag', colour: 'red' })
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'colour',
        'legalForm',
      ]);
      const adv = await t
        .http()
        .post('/api/v1/cases')
        .set(w.as('advisorA'))
        .send({ founderId: founderA, advisorId: w.users.advisorB.id })
        .expect(422);
      expect(adv.body.code).toBe('advisor_unknown');
    });

    it('isolates offices on read and shows auditors their office', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorB')).expect(404);
      await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('auditorB')).expect(404);
      const asAuditor = await t
        .http()
        .get(`/api/v1/cases/${c.id}`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(asAuditor.headers.etag).toBe('"1"');
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('auditorA'))
        .send({ sector: 'trade' })
        .expect(403);
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorB'))
        .send({ sector: 'trade' })
        .expect(404);
      await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('admin')).expect(403);
      await t.http().get('/api/v1/cases/not-a-uuid').set(w.as('advisorA')).expect(400);
    });
  });

  describe('case data', () => {
    it('patches milestones, clears with null, and rejects invalid dates without changing anything', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const res = await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({
          plannedStartOn: '2026-05-01',
          suitability: ALL_MILESTONES.suitability,
          sector: 'gastronomy',
        })
        .expect(200);
      expect(res.body).toMatchObject({
        plannedStartOn: '2026-05-01',
        sector: 'gastronomy',
        suitability: ALL_MILESTONES.suitability,
        version: 2,
      });
      const bad = await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ plannedStartOn: '2026-02-30', sector: 'trade' })
        .expect(400);
      expect(bad.body.errors[0].field).toBe('plannedStartOn');
      const bad2 = await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ suitability: { motivation: 9 } })
        .expect(400);
      expect(bad2.body.code).toBe('validation_failed');
      const after = await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).expect(200);
      expect(after.body).toMatchObject({ plannedStartOn: '2026-05-01', sector: 'gastronomy' });
      const cleared = await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ plannedStartOn: null })
        .expect(200);
      expect(cleared.body.plannedStartOn).toBeNull();
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', '"7"')
        .send({ sector: 'trade' })
        .expect(412);
    });

    it('records and lists counselling contacts', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const created = await t
        .http()
        .post(`/api/v1/cases/${c.id}/contacts`)
        .set(w.as('advisorA'))
        .send({
          on: '2026-01-20',
          minutes: 90,
          format: 'in_person',
          kind: 'first_counselling',
          topics: ['Idee', 'Aufenthalt'],
          language: 'ar',
          interpreter: true,
          notes: 'mit Dolmetscherin',
        })
        .expect(201);
      expect(created.body).toMatchObject({
        caseId: c.id,
        on: '2026-01-20',
        minutes: 90,
        kind: 'first_counselling',
        topics: ['Idee', 'Aufenthalt'],
        interpreter: true,
      });
      await t
        .http()
        .post(`/api/v1/cases/${c.id}/contacts`)
        .set(w.as('advisorA'))
        .send({ on: '2026-01-21', minutes: 0, format: 'fax', kind: 'x' })
        .expect(400);
      const list = await t
        .http()
        .get(`/api/v1/cases/${c.id}/contacts`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(list.body.items).toHaveLength(1);
      await t.http().get(`/api/v1/cases/${c.id}/contacts`).set(w.as('auditorA')).expect(403);
      await t.http().get(`/api/v1/cases/${c.id}/contacts`).set(w.as('advisorB')).expect(404);
    });
  });

  describe('phase events', () => {
    it('walks a case from access to closed, with 422 while a gate does not hold', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      let r = await sendEvent(t, w, 'advisorA', c.id, { type: 'START_COUNSELLING' }).expect(422);
      expect(r.body).toMatchObject({
        code: 'requirements_unmet',
        unmet: [expect.objectContaining({ code: 'first_counselling_scheduled' })],
      });
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ firstCounsellingScheduledOn: '2026-01-12' })
        .expect(200);
      r = await sendEvent(t, w, 'advisorA', c.id, { type: 'START_COUNSELLING' }).expect(200);
      // The PATCH before it was version 2.
      expect(r.body).toMatchObject({ phase: 'first_counselling', status: 'active', version: 3 });
      expect(r.headers.etag).toBe('"3"');

      r = await sendEvent(t, w, 'advisorA', c.id, { type: 'START_PLANNING' }).expect(422);
      expect(r.body.unmet.map((u: { code: string }) => u.code).sort()).toEqual([
        'business_idea_recorded',
        'first_counselling_documented',
        'funding_route_chosen',
        'suitability_assessed',
      ]);
      await t
        .http()
        .post(`/api/v1/cases/${c.id}/contacts`)
        .set(w.as('advisorA'))
        .send({ on: '2026-01-20', minutes: 60, format: 'video', kind: 'first_counselling' })
        .expect(201);
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send(ALL_MILESTONES)
        .expect(200);
      await sendEvent(t, w, 'advisorA', c.id, { type: 'START_PLANNING' }).expect(200);
      await sendEvent(t, w, 'advisorA', c.id, { type: 'LAUNCH', note: 'Plan tragfähig' }).expect(
        200,
      );
      await sendEvent(t, w, 'advisorA', c.id, { type: 'START_CONSOLIDATION' }).expect(200);
      r = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'COMPLETE',
        outcome: 'founded_main',
        followUpOn: '2026-10-01',
      }).expect(200);
      expect(r.body).toMatchObject({
        status: 'closed',
        phase: 'consolidation',
        outcome: 'founded_main',
        followUpOn: '2026-10-01',
        version: 9,
      });
      expect(r.body.availableEvents.map((e: { type: string }) => e.type)).toEqual(['REOPEN']);

      const h = await t
        .http()
        .get(`/api/v1/cases/${c.id}/history`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(
        h.body.items.map((i: { seq: number; event: string }) => `${i.seq}:${i.event}`),
      ).toEqual([
        '1:START_COUNSELLING',
        '2:START_PLANNING',
        '3:LAUNCH',
        '4:START_CONSOLIDATION',
        '5:COMPLETE',
      ]);
      expect(h.body.items[2]).toMatchObject({
        fromPhase: 'planning',
        toPhase: 'launch',
        fromStatus: 'active',
        toStatus: 'active',
        machineVersion: 1,
        actor: { type: 'user', id: w.users.advisorA.id },
        texts: { note: 'Plan tragfähig' },
      });
      expect(h.body.items[4].payload).toEqual({
        outcome: 'founded_main',
        followUpOn: '2026-10-01',
      });
      const asAuditor = await t
        .http()
        .get(`/api/v1/cases/${c.id}/history`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(asAuditor.body.items[2].texts).toBeNull();

      await sendEvent(t, w, 'advisorA', c.id, { type: 'REOPEN', reason: 'Zweitgründung' }).expect(
        403,
      );
      r = await sendEvent(t, w, 'leadA', c.id, { type: 'REOPEN', reason: 'Zweitgründung' }).expect(
        200,
      );
      expect(r.body).toMatchObject({
        status: 'active',
        phase: 'consolidation',
        outcome: null,
        version: 10,
      });
    });

    it('refuses events the machine does not accept with 409 and the allowed events', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const r = await sendEvent(t, w, 'advisorA', c.id, { type: 'LAUNCH' }).expect(409);
      expect(r.body.code).toBe('transition_not_allowed');
      expect(r.body.allowedEvents.sort()).toEqual(['DROP_OUT', 'PAUSE', 'START_COUNSELLING']);
      const back = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'STEP_BACK',
        reason: 'x',
      }).expect(409);
      expect(back.body.allowedEvents).not.toContain('STEP_BACK');
    });

    it('rejects unknown types and bad payloads with 400', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      for (const body of [
        { type: 'FLY' },
        {},
        { type: 'DROP_OUT', reasonCode: 'other' },
        { type: 'DROP_OUT', reasonCode: 'bored' },
        { type: 'PAUSE' },
        { type: 'COMPLETE', outcome: 'founded_main', followUpOn: '2026-02-30' },
        { type: 'RESUME', extra: 1 },
      ]) {
        const r = await sendEvent(t, w, 'advisorA', c.id, body).expect(400);
        expect(r.headers['content-type']).toMatch(/problem\+json/);
        expect(r.body.errors.length).toBeGreaterThan(0);
      }
      expect(await historyCount(c.id)).toBe(0);
    });

    it('pauses, resumes, steps back and drops out with reason codes', async () => {
      const c = await openCase(t, w, 'advisorA', founderA, {
        firstCounsellingScheduledOn: undefined,
      });
      await t
        .http()
        .patch(`/api/v1/cases/${c.id}`)
        .set(w.as('advisorA'))
        .send({ firstCounsellingScheduledOn: '2026-01-12' })
        .expect(200);
      await sendEvent(t, w, 'advisorA', c.id, { type: 'START_COUNSELLING' }).expect(200);
      let r = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'PAUSE',
        reason: 'Sprachkurs',
      }).expect(200);
      expect(r.body).toMatchObject({ status: 'paused', phase: 'first_counselling' });
      await sendEvent(t, w, 'advisorA', c.id, { type: 'START_PLANNING' }).expect(409);
      r = await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME' }).expect(200);
      expect(r.body).toMatchObject({ status: 'active', phase: 'first_counselling' });
      r = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'STEP_BACK',
        reason: 'Einwilligung erneuern',
      }).expect(200);
      expect(r.body.phase).toBe('access');
      r = await sendEvent(t, w, 'advisorA', c.id, {
        type: 'DROP_OUT',
        reasonCode: 'other',
        reason: 'zurück ins Herkunftsland',
      }).expect(200);
      // Five events and one PATCH: version 7, history seq 1..5.
      expect(r.body).toMatchObject({ status: 'closed', phase: 'access', version: 7 });
      const [row] = await t.db.query(
        `SELECT payload FROM case_history WHERE case_id = $1 AND seq = 5`,
        [c.id],
      );
      expect(row.payload).toEqual({ reasonCode: 'other' });
    });

    it('answers 412 when If-Match is stale and applies with a current one', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const r = await t
        .http()
        .post(`/api/v1/cases/${c.id}/events`)
        .set(w.as('advisorA'))
        .set('If-Match', '"5"')
        .send({ type: 'PAUSE', reason: 'krank' })
        .expect(412);
      expect(r.body).toMatchObject({ code: 'version_conflict', currentVersion: 1 });
      await t
        .http()
        .post(`/api/v1/cases/${c.id}/events`)
        .set(w.as('advisorA'))
        .set('If-Match', 'garbage')
        .send({ type: 'PAUSE', reason: 'krank' })
        .expect(400);
      await t
        .http()
        .post(`/api/v1/cases/${c.id}/events`)
        .set(w.as('advisorA'))
        .set('If-Match', '"1"')
        .send({ type: 'PAUSE', reason: 'krank' })
        .expect(200);
    });

    it('applies a retried request with the same Idempotency-Key once and answers the same', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const send = () =>
        t
          .http()
          .post(`/api/v1/cases/${c.id}/events`)
          .set(w.as('advisorA'))
          .set('Idempotency-Key', 'pause-1')
          .send({ type: 'PAUSE', reason: 'Elternzeit' });
      const first = await send().expect(200);
      const second = await send().expect(200);
      expect(second.body).toEqual(first.body);
      expect(await historyCount(c.id)).toBe(1);
      const reused = await t
        .http()
        .post(`/api/v1/cases/${c.id}/events`)
        .set(w.as('advisorA'))
        .set('Idempotency-Key', 'pause-1')
        .send({ type: 'RESUME' })
        .expect(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
    });

    it('answers duplicates sent at the same moment with the first answer, applied once', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const send = () =>
        t
          .http()
          .post(`/api/v1/cases/${c.id}/events`)
          .set(w.as('advisorA'))
          .set('Idempotency-Key', 'same-moment')
          .send({ type: 'PAUSE', reason: 'x' });
      const answers = await Promise.all([send(), send(), send(), send()]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      for (const a of answers) expect(a.body).toEqual(answers[0].body);
      expect(await historyCount(c.id)).toBe(1);
    });

    it('keeps exactly one history row per applied event under 20 concurrent events', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      const events = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? { type: 'PAUSE', reason: `p${i}` } : { type: 'RESUME' },
      );
      const answers = await Promise.all(events.map((e) => sendEvent(t, w, 'advisorA', c.id, e)));
      const applied = answers.filter((a) => a.status === 200).length;
      expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
      expect(applied).toBeGreaterThan(0);
      const [row] = await t.db.query(`SELECT version FROM founder_case WHERE id = $1`, [c.id]);
      expect(await historyCount(c.id)).toBe(applied);
      expect(row.version).toBe(1 + applied);
      const seqs = (
        await t.db.query(`SELECT seq FROM case_history WHERE case_id = $1 ORDER BY seq`, [c.id])
      ).map((r: { seq: number }) => r.seq);
      expect(seqs).toEqual(Array.from({ length: applied }, (_, i) => i + 1));
      // Each row links to the row before it, also when its transaction waited for the case lock.
      const chain = await t
        .http()
        .get(`/api/v1/cases/${c.id}/history?verify=true`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(chain.body.chain).toMatchObject({ valid: true, length: applied });
    });

    it('refuses auditors and other offices, and keeps the history append-only in the database', async () => {
      const c = await openCase(t, w, 'advisorA', founderA);
      await sendEvent(t, w, 'auditorA', c.id, { type: 'PAUSE', reason: 'x' }).expect(403);
      await sendEvent(t, w, 'advisorB', c.id, { type: 'PAUSE', reason: 'x' }).expect(404);
      await sendEvent(t, w, 'advisorA', c.id, { type: 'PAUSE', reason: 'x' }).expect(200);
      await expect(
        t.db.query(`UPDATE case_history SET event = 'X' WHERE case_id = $1`, [c.id]),
      ).rejects.toThrow(/append-only/);
      await expect(
        t.db.query(`DELETE FROM case_history WHERE case_id = $1`, [c.id]),
      ).rejects.toThrow(/append-only/);
    });
  });

  describe('listing', () => {
    it('filters and pages by newest change without gaps or repeats', async () => {
      const founder = await insertFounder(t, w.officeB, { last_name: 'Nowak' });
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await openCase(t, w, 'advisorB', founder)).id);
      await sendEvent(t, w, 'advisorB', ids[2], { type: 'PAUSE', reason: 'krank' }).expect(200);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
          .http()
          .get(`/api/v1/cases?founderId=${founder}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
          .set(w.as('advisorB'))
          .expect(200);
        seen.push(...res.body.items.map((i) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      expect(seen[0]).toBe(ids[2]); // the newest change first
      const paused = await t
        .http()
        .get('/api/v1/cases?status=paused')
        .set(w.as('auditorB'))
        .expect(200);
      expect(paused.body.items.map((i: { id: string }) => i.id)).toEqual([ids[2]]);
      const asA = await t
        .http()
        .get(`/api/v1/cases?founderId=${founder}`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(asA.body.items).toEqual([]);
      await t.http().get('/api/v1/cases?limit=201').set(w.as('advisorB')).expect(400);
      await t.http().get('/api/v1/cases?cursor=abc').set(w.as('advisorB')).expect(400);
      await t.http().get('/api/v1/cases?phase=dreaming').set(w.as('advisorB')).expect(400);
    });
  });

  it('serves the phase model for frontends', async () => {
    const res = await t.http().get('/api/v1/phase-model').set(w.as('auditorA')).expect(200);
    expect(res.body.version).toBe(1);
    expect(res.body.phases.map((p: { code: string }) => p.code)).toEqual([
      'access',
      'first_counselling',
      'planning',
      'launch',
      'consolidation',
    ]);
    expect(res.body.phases[1].label.de).toBe('Erstberatung und Orientierung');
  });
});

describe('hash-chained case history', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  it('chains every row to the previous one and reports the chain state', async () => {
    const founder = await insertFounder(t, w.officeA);
    const c = await openCase(t, w, 'advisorA', founder);
    await sendEvent(t, w, 'advisorA', c.id, { type: 'PAUSE', reason: 'Krankheit' }).expect(200);
    await sendEvent(t, w, 'advisorA', c.id, { type: 'RESUME', note: 'wieder da' }).expect(200);
    await sendEvent(t, w, 'advisorA', c.id, { type: 'DROP_OUT', reasonCode: 'employment' }).expect(
      200,
    );
    const res = await t
      .http()
      .get(`/api/v1/cases/${c.id}/history?verify=true`)
      .set(w.as('auditorA'))
      .expect(200);
    expect(res.body.chain).toEqual({
      valid: true,
      length: 3,
      head: res.body.items[2].hash,
      firstBroken: null,
    });
    expect(res.body.items[0].prevHash).toBe('0'.repeat(64));
    expect(res.body.items[1].prevHash).toBe(res.body.items[0].hash);

    // Tamper with the stored row behind the trigger's back: the chain names the row.
    await t.db.query(`ALTER TABLE case_history DISABLE TRIGGER case_history_append_only`);
    await t.db.query(
      `UPDATE case_history SET payload = '{"reasonCode":"moved"}' WHERE case_id = $1 AND seq = 3`,
      [c.id],
    );
    await t.db.query(`ALTER TABLE case_history ENABLE TRIGGER case_history_append_only`);
    const broken = await t
      .http()
      .get(`/api/v1/cases/${c.id}/history?verify=true`)
      .set(w.as('advisorA'))
      .expect(200);
    expect(broken.body.chain).toMatchObject({
      valid: false,
      firstBroken: { seq: 3, reason: 'hash_mismatch' },
    });

    // Every stored column of the row is covered, not only those in the payload.
    for (const change of [
      `from_status = 'paused'`,
      `actor_type = 'system'`,
      `days_in_phase = 99`,
    ]) {
      const c3 = await openCase(t, w, 'advisorA', founder);
      await sendEvent(t, w, 'advisorA', c3.id, { type: 'PAUSE', reason: 'x' }).expect(200);
      await t.db.query(`ALTER TABLE case_history DISABLE TRIGGER case_history_append_only`);
      await t.db.query(`UPDATE case_history SET ${change} WHERE case_id = $1`, [c3.id]);
      await t.db.query(`ALTER TABLE case_history ENABLE TRIGGER case_history_append_only`);
      const r = await t
        .http()
        .get(`/api/v1/cases/${c3.id}/history?verify=true`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(r.body.chain.firstBroken).toEqual({ seq: 1, reason: 'hash_mismatch' });
    }

    // Changing a kept text is detected too; erasing it is not a break.
    await t.db.query(
      `UPDATE case_history_text SET texts = '{"reason":"etwas anderes"}' WHERE case_id = $1 AND seq = 1`,
      [c.id],
    );
    const c2 = await openCase(t, w, 'advisorA', founder);
    await sendEvent(t, w, 'advisorA', c2.id, { type: 'PAUSE', reason: 'Sprachkurs' }).expect(200);
    await t.db.query(`UPDATE case_history_text SET texts = '{"reason":"X"}' WHERE case_id = $1`, [
      c2.id,
    ]);
    const textBroken = await t
      .http()
      .get(`/api/v1/cases/${c2.id}/history?verify=true`)
      .set(w.as('advisorA'))
      .expect(200);
    expect(textBroken.body.chain.firstBroken).toEqual({ seq: 1, reason: 'text_mismatch' });
    await t.db.query(`DELETE FROM case_history_text WHERE case_id = $1`, [c2.id]);
    const erased = await t
      .http()
      .get(`/api/v1/cases/${c2.id}/history?verify=true`)
      .set(w.as('advisorA'))
      .expect(200);
    expect(erased.body.chain.valid).toBe(true);
  });
});
