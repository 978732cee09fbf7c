import { RESET_BUSINESS, RESET_HOUSEHOLD } from './fuzz';
import type { TestApp } from './test-app';
import type { Persona, World } from './world';

/** Six provisional months with receipts and expenses: enough for START_ANALYSIS. */
export const RESET_PERIOD = {
  periodEnd: '2025-06-30',
  kind: 'provisional',
  months: Array.from({ length: 6 }, (_, i) => ({
    month: `2025-0${i + 1}`,
    receipts: { A1: 3000 },
    expenses: { B1: 500 },
  })),
};

export function sendResetEvent(
  t: TestApp,
  w: World,
  id: string,
  event: object,
  persona: Persona = 'advisorA',
) {
  return t.http().post(`/api/v1/reset-analyses/${id}/events`).set(w.as(persona)).send(event);
}

/** An analysis of the founder taken by advisorA to `recommended` with restart_with_coaching. */
export async function recommendedAnalysis(
  t: TestApp,
  w: World,
  founderId: string,
): Promise<string> {
  const a = await t
    .http()
    .post('/api/v1/reset-analyses')
    .set(w.as('advisorA'))
    .send({ founderId, business: RESET_BUSINESS, household: RESET_HOUSEHOLD })
    .expect(201);
  const id = a.body.id as string;
  await t
    .http()
    .put(`/api/v1/reset-analyses/${id}/periods/2025-01-01`)
    .set(w.as('advisorA'))
    .send(RESET_PERIOD)
    .expect(201);
  await sendResetEvent(t, w, id, { type: 'START_ANALYSIS' }).expect(200);
  await sendResetEvent(t, w, id, {
    type: 'ASSESS',
    strengths: ['a'],
    weaknesses: ['b'],
    opportunities: ['c'],
    risks: ['d'],
  }).expect(200);
  await sendResetEvent(t, w, id, {
    type: 'RECOMMEND',
    recommendation: 'restart_with_coaching',
    measures: [],
    rationale: 'r',
  }).expect(200);
  return id;
}
