import { insertFounder, openCase, sendEvent } from './support/cases';
import { recommendedAnalysis, sendResetEvent } from './support/reset';
import type { TestApp } from './support/test-app';
import { Persona, useSeededApp, World } from './support/world';

// Issue 10 item 17 (write path): an accepted restart moves the case by the phase model's RESTART
// event through the same write path as every case event: lock, machine, write, seal, log.
describe('RE_SET restart through the case write path', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const http = () => t.http();
  const send = (id: string, event: object, persona: Persona = 'advisorA') =>
    sendResetEvent(t, w, id, event, persona);
  const recommended = (founderId: string) => recommendedAnalysis(t, w, founderId);

  it('reopens a closed case whose data changed after it closed: next seq of the chain, version + 1, logged', async () => {
    const founderId = await insertFounder(t, w.officeA);
    const c = await openCase(t, w, 'advisorA', founderId);
    await sendEvent(t, w, 'advisorA', c.id, { type: 'DROP_OUT', reasonCode: 'employment' }).expect(
      200,
    );
    // Two data changes: version 4, one history row.
    await http()
      .patch(`/api/v1/cases/${c.id}`)
      .set(w.as('advisorA'))
      .send({ businessIdea: 'Friseursalon' })
      .expect(200);
    await http()
      .post(`/api/v1/cases/${c.id}/contacts`)
      .set(w.as('advisorA'))
      .send({ on: '2026-01-20', minutes: 30, format: 'phone', kind: 'counselling' })
      .expect(201);
    const analysisId = await recommended(founderId);

    const decided = await send(analysisId, { type: 'DECIDE', accepted: true }, 'leadA').expect(200);
    expect(decided.body.caseId).toBe(c.id);
    const kase = await http().get(`/api/v1/cases/${c.id}`).set(w.as('leadA')).expect(200);
    expect(kase.body).toMatchObject({
      version: 5,
      phase: 'planning',
      status: 'active',
      outcome: null,
      coaching: true,
      resetAnalysisId: analysisId,
    });
    // The snapshot is the machine's own: it moves on from planning like any case.
    const [{ state }] = await t.db.query(`SELECT state FROM founder_case WHERE id = $1`, [c.id]);
    expect(state).toEqual({ value: { active: 'planning' }, context: { phase: 'planning' } });

    const history = await http()
      .get(`/api/v1/cases/${c.id}/history?verify=true`)
      .set(w.as('leadA'))
      .expect(200);
    expect(history.body.items.map((h: { seq: number; event: string }) => [h.seq, h.event])).toEqual(
      [
        [1, 'DROP_OUT'],
        [2, 'RESTART'],
      ],
    );
    expect(history.body.items[1]).toMatchObject({
      fromPhase: 'access',
      fromStatus: 'closed',
      toPhase: 'planning',
      toStatus: 'active',
      payload: { resetAnalysisId: analysisId },
    });
    expect(history.body.chain).toMatchObject({ valid: true, length: 2 });

    const logged = await t.db.query(
      `SELECT action, details FROM access_log WHERE resource_type = 'case' AND resource_id = $1 AND action = 'transition' ORDER BY id`,
      [c.id],
    );
    expect(logged.map((r: { details: { event: string } }) => r.details.event)).toEqual([
      'DROP_OUT',
      'RESTART',
    ]);
    expect(logged[1].details).toEqual({ event: 'RESTART', resetAnalysisId: analysisId });
  });

  it('opens a new case at the machine\u2019s initial state and moves it by RESTART', async () => {
    const analysisId = await recommended(await insertFounder(t, w.officeA));
    const decided = await send(analysisId, { type: 'DECIDE', accepted: true }).expect(200);
    const caseId = decided.body.caseId as string;
    const history = await http()
      .get(`/api/v1/cases/${caseId}/history?verify=true`)
      .set(w.as('advisorA'))
      .expect(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({
        seq: 1,
        event: 'RESTART',
        fromPhase: 'access',
        fromStatus: 'active',
        toPhase: 'planning',
        toStatus: 'active',
      }),
    ]);
    expect(history.body.chain).toMatchObject({ valid: true, length: 1 });
    const actions = await t.db.query(
      `SELECT action FROM access_log WHERE resource_type = 'case' AND resource_id = $1 ORDER BY id`,
      [caseId],
    );
    expect(actions.map((r: { action: string }) => r.action).slice(0, 2)).toEqual([
      'create',
      'transition',
    ]);
    await sendEvent(t, w, 'advisorA', caseId, {
      type: 'STEP_BACK',
      reason: 'Erstberatung nachholen',
    }).expect(200);
  });
});
