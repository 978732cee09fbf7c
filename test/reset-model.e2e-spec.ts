import { insertFounder } from './support/cases';
import { createAnalysis, sendResetEvent } from './support/reset';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

interface ModelEvent {
  type: string;
  payload: { name: string; required: boolean }[];
  transitions: { from: string; to: string }[];
  example: Record<string, unknown>;
}

/** GET /api/v1/reset-analyses/model, and its examples sent through the real lifecycle. */
describe('the RE_SET lifecycle model', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const analysis = async (): Promise<string> =>
    createAnalysis(t, w, await insertFounder(t, w.officeA));

  it('is served to every signed-in caller, not as an analysis id', async () => {
    const res = await t
      .http()
      .get('/api/v1/reset-analyses/model')
      .set(w.as('auditorB'))
      .expect(200);
    expect(res.body.version).toBe(1);
    expect(res.body.states.map((s: { code: string }) => s.code)).toEqual([
      'intake',
      'analysis',
      'assessed',
      'recommended',
      'decided',
      'cancelled',
    ]);
    expect(res.body.states[0].label).toEqual({ de: 'Aufnahme', en: 'Intake' });
    const cancel = res.body.events.find((e: ModelEvent) => e.type === 'CANCEL');
    expect(cancel.payload).toEqual([
      expect.objectContaining({ name: 'reason', required: true, freeText: true }),
    ]);
    await t.http().get('/api/v1/reset-analyses/model').set(w.as('admin')).expect(200);
    await t.http().get('/api/v1/reset-analyses/model').expect(401);
    await t.http().get('/api/v1/reset-analyses/not-a-uuid').set(w.as('advisorA')).expect(400);
  });

  it('names transitions that the examples really take, from intake to decided and to cancelled', async () => {
    const model = (
      await t.http().get('/api/v1/reset-analyses/model').set(w.as('advisorA')).expect(200)
    ).body;
    const event = (type: string): ModelEvent =>
      model.events.find((e: ModelEvent) => e.type === type);
    const id = await analysis();
    await t
      .http()
      .put(`/api/v1/reset-analyses/${id}/periods/2025-01-01`)
      .set(w.as('advisorA'))
      .send({
        periodEnd: '2025-06-30',
        kind: 'provisional',
        months: [{ month: '2025-01', receipts: { A1: 3000 }, expenses: { B1: 500 } }],
      })
      .expect(201);
    let state = 'intake';
    for (const type of ['START_ANALYSIS', 'ASSESS', 'RECOMMEND', 'DECIDE']) {
      const e = event(type);
      const res = await sendResetEvent(t, w, id, e.example).expect(200);
      expect(e.transitions).toContainEqual({ from: state, to: res.body.state });
      state = res.body.state;
    }
    expect(state).toBe('decided');

    const other = await analysis();
    const cancelled = await sendResetEvent(t, w, other, event('CANCEL').example).expect(200);
    expect(event('CANCEL').transitions).toContainEqual({
      from: 'intake',
      to: cancelled.body.state,
    });
    const { reason: _reason, ...withoutReason } = event('CANCEL').example;
    const fresh = await analysis();
    await sendResetEvent(t, w, fresh, withoutReason).expect(400);
  });

  it('scopes an Idempotency-Key to the caller, as the README says', async () => {
    const [mine, theirs] = [await analysis(), await analysis()];
    const send = (persona: 'advisorA' | 'leadA', id: string, body: object) =>
      sendResetEvent(t, w, id, body, persona).set('Idempotency-Key', 'cancel-1');
    const cancel = { type: 'CANCEL', reason: 'zieht weg' };
    const first = await send('advisorA', mine, cancel).expect(200);
    expect((await send('advisorA', mine, cancel).expect(200)).body).toEqual(first.body);
    expect((await send('advisorA', theirs, cancel).expect(422)).body.code).toBe(
      'idempotency_key_reused',
    );
    const other = await send('leadA', theirs, cancel).expect(200);
    expect(other.body).toMatchObject({ id: theirs, state: 'cancelled' });
  });
});
