import { HALF_YEAR_2025, RESET_BUSINESS, RESET_HOUSEHOLD, SWOT } from './fuzz';
import type { TestApp } from './test-app';
import type { Persona, World } from './world';

export function sendResetEvent(
  t: TestApp,
  w: World,
  id: string,
  event: object,
  persona: Persona = 'advisorA',
) {
  return t.http().post(`/api/v1/reset-analyses/${id}/events`).set(w.as(persona)).send(event);
}

/** A new analysis of the founder (in intake) with the fuzz suite's valid business and household. */
export async function createAnalysis(
  t: TestApp,
  w: World,
  founderId: string,
  persona: Persona = 'advisorA',
): Promise<string> {
  const res = await t
    .http()
    .post('/api/v1/reset-analyses')
    .set(w.as(persona))
    .send({ founderId, business: RESET_BUSINESS, household: RESET_HOUSEHOLD })
    .expect(201);
  return res.body.id as string;
}

/** An analysis of the founder taken by advisorA to `recommended` with restart_with_coaching. */
export async function recommendedAnalysis(
  t: TestApp,
  w: World,
  founderId: string,
): Promise<string> {
  const id = await createAnalysis(t, w, founderId);
  await t
    .http()
    .put(`/api/v1/reset-analyses/${id}/periods/2025-01-01`)
    .set(w.as('advisorA'))
    .send(HALF_YEAR_2025)
    .expect(201);
  await sendResetEvent(t, w, id, { type: 'START_ANALYSIS' }).expect(200);
  await sendResetEvent(t, w, id, { type: 'ASSESS', ...SWOT }).expect(200);
  await sendResetEvent(t, w, id, {
    type: 'RECOMMEND',
    recommendation: 'restart_with_coaching',
    measures: [],
    rationale: 'r',
  }).expect(200);
  return id;
}
