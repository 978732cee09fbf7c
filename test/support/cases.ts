import type { TestApp } from './test-app';
import type { World, Persona } from './world';

/** A founder written with SQL (the founders API has its own tests), ready for every gate. */
export async function insertFounder(
  t: TestApp,
  officeId: string,
  fields: Partial<{
    consent_given_on: string | null;
    self_employment_permitted: string;
    german_level: string | null;
    benefit_status: string | null;
    last_name: string;
  }> = {},
): Promise<string> {
  const f = {
    consent_given_on: '2026-01-05',
    self_employment_permitted: 'yes',
    german_level: 'B1',
    benefit_status: 'sgb2',
    last_name: 'Haddad',
    ...fields,
  };
  const [row] = await t.db.query(
    `INSERT INTO founder (office_id, first_name, last_name, consent_given_on, consent_version, self_employment_permitted, german_level, benefit_status)
     VALUES ($1, 'Samira', $2, $3, 'v1', $4, $5, $6) RETURNING id`,
    [
      officeId,
      f.last_name,
      f.consent_given_on,
      f.self_employment_permitted,
      f.german_level,
      f.benefit_status,
    ],
  );
  return row.id;
}

export async function openCase(
  t: TestApp,
  w: World,
  persona: Persona,
  founderId: string,
  body: object = {},
): Promise<{ id: string; version: number }> {
  const res = await t
    .http()
    .post('/api/v1/cases')
    .set(w.as(persona))
    .send({ founderId, ...body })
    .expect(201);
  return res.body;
}

export function sendEvent(t: TestApp, w: World, persona: Persona, caseId: string, event: object) {
  return t.http().post(`/api/v1/cases/${caseId}/events`).set(w.as(persona)).send(event);
}

/** Data that satisfies every stage gate up to consolidation (route einstiegsgeld, founder on SGB II). */
export const ALL_MILESTONES = {
  firstCounsellingScheduledOn: '2026-01-12',
  businessIdea: 'Änderungsschneiderei mit Lieferservice',
  legalForm: 'sole_proprietorship',
  fundingRoute: 'einstiegsgeld',
  suitability: {
    motivation: 5,
    tradeKnowledge: 4,
    businessSkills: 3,
    familySituation: 4,
    resilience: 4,
    summary: 'geeignet',
  },
  businessPlanCompletedOn: '2026-03-01',
  financePlanCompletedOn: '2026-03-01',
  viabilityStatement: { issuedBy: 'HWK Rheinhessen', issuedOn: '2026-03-10' },
  fundingAppliedOn: '2026-03-12',
  plannedStartOn: '2026-04-01',
  permitsRequired: false,
  businessStartedOn: '2026-04-01',
  tradeRegisteredOn: '2026-03-28',
  taxRegisteredOn: '2026-03-30',
  provisionalIncomeDeclaredOn: '2026-04-02',
};
