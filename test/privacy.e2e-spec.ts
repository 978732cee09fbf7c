import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { databaseUrl } from './support/database';
import { sendEvent } from './support/cases';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

const run = promisify(execFile);
const NAME = 'Wiśniewska-Kowalczyk';
/** The household of both analyses of the founder: no free text in it. */
const HOUSEHOLD = {
  members: [{ role: 'self', standardRateLevel: 1 }],
  extraNeedsMonthly: 0,
  housingCostsMonthly: 480,
  otherIncomeMonthly: 0,
};

describe('erasure and subject access (GDPR Art. 15 and 17)', () => {
  let t: TestApp;
  let w: World;
  let founderId: string;
  let caseId: string;
  let analysisId: string;
  let legacyCaseId: string;
  let legacyAnalysisId: string;

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    const founder = await t
      .http()
      .post('/api/v1/founders')
      .set(w.as('advisorA'))
      .send({
        firstName: 'Zofia',
        lastName: NAME,
        birthDate: '1987-04-12',
        gender: 'female',
        email: 'zofia.wk@example.org',
        phone: '+49 6131 987654',
        postalCode: '55118',
        city: 'Mainz',
        countryOfBirth: 'PL',
        nationalities: ['PL'],
        germanLevel: 'B2',
        selfEmploymentPermitted: 'not_required',
        benefitStatus: 'sgb2',
        jobcenter: 'Jobcenter Mainz',
        jobcenterCustomerNumber: '123D456789',
        consent: { givenOn: '2026-01-05', version: '2026-01' },
      })
      .expect(201);
    founderId = founder.body.id;
    const c = await t
      .http()
      .post('/api/v1/cases')
      .set(w.as('advisorA'))
      .send({ founderId, businessIdea: `Nähstudio ${NAME}` })
      .expect(201);
    caseId = c.body.id;
    await t
      .http()
      .patch(`/api/v1/cases/${caseId}`)
      .set(w.as('advisorA'))
      .send({
        sector: 'crafts',
        suitability: {
          motivation: 5,
          tradeKnowledge: 4,
          businessSkills: 3,
          familySituation: 4,
          resilience: 4,
          summary: `Frau ${NAME} ist geeignet`,
        },
        viabilityStatement: { issuedBy: `Steuerbüro ${NAME}`, issuedOn: '2026-01-10' },
      })
      .expect(200);
    // A case and an analysis from before sectors were codes: their sector is prose.
    const legacy = await t
      .http()
      .post('/api/v1/cases')
      .set(w.as('advisorA'))
      .send({ founderId })
      .expect(201);
    legacyCaseId = legacy.body.id;
    await t.db.query(`UPDATE founder_case SET sector = $2 WHERE id = $1`, [
      legacyCaseId,
      `Imbiss ${NAME}`,
    ]);
    await t
      .http()
      .post(`/api/v1/cases/${caseId}/contacts`)
      .set(w.as('advisorA'))
      .send({
        on: '2026-01-20',
        minutes: 45,
        format: 'phone',
        kind: 'counselling',
        topics: [`Familie ${NAME}`],
        notes: `Frau ${NAME} hat zwei Kinder`,
      })
      .expect(201);
    await sendEvent(t, w, 'advisorA', caseId, {
      type: 'PAUSE',
      reason: `Frau ${NAME} ist krank`,
    }).expect(200);
    await sendEvent(t, w, 'advisorA', caseId, { type: 'RESUME', note: `Rückruf ${NAME}` }).expect(
      200,
    );
    const a = await t
      .http()
      .post('/api/v1/reset-analyses')
      .set(w.as('advisorA'))
      .send({
        founderId,
        business: {
          description: `Änderungsschneiderei ${NAME}`,
          sector: 'crafts',
          legalForm: 'sole_proprietorship',
          startedOn: '2024-03-01',
          mainOccupation: true,
          hoursPerWeek: 30,
          clientCount: 40,
          largestClientShare: 0.1,
          premises: 'home',
          vatSmallBusiness: true,
          benefitsSinceOn: '2024-03-01',
        },
        household: HOUSEHOLD,
      })
      .expect(201);
    analysisId = a.body.id;
    await t
      .http()
      .patch(`/api/v1/reset-analyses/${analysisId}`)
      .set(w.as('advisorA'))
      .send({
        assessment: {
          strengths: [`${NAME} näht gut`],
          weaknesses: [],
          opportunities: [],
          risks: [],
        },
      })
      .expect(200);
    const old = await t
      .http()
      .post('/api/v1/reset-analyses')
      .set(w.as('advisorA'))
      .send({
        founderId,
        business: { ...a.body.business, description: 'Näherei' },
        household: HOUSEHOLD,
      })
      .expect(201);
    await t.db.query(
      `UPDATE reset_analysis SET business = jsonb_set(business, '{sector}', to_jsonb($2::text)) WHERE id = $1`,
      [old.body.id, `Näherei ${NAME}`],
    );
    legacyAnalysisId = old.body.id;
    await t
      .http()
      .post(`/api/v1/reset-analyses/${analysisId}/events`)
      .set(w.as('advisorA'))
      .send({ type: 'CANCEL', reason: `${NAME} zieht um` })
      .expect(200);
  });

  const dump = async (): Promise<string> => {
    const name = new URL(t.config.databaseUrl!).pathname.slice(1);
    const { stdout } = await run('pg_dump', ['--data-only', databaseUrl(name)], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  };

  it('exports everything stored about the person', async () => {
    const res = await t
      .http()
      .get(`/api/v1/founders/${founderId}/data-export`)
      .set(w.as('advisorA'))
      .expect(200);
    expect(res.body.founder).toMatchObject({ last_name: NAME, email: 'zofia.wk@example.org' });
    expect(res.body.cases).toHaveLength(2);
    expect(res.body.phaseHistory.map((h: { event: string }) => h.event)).toEqual([
      'PAUSE',
      'RESUME',
    ]);
    expect(res.body.phaseHistory[0].texts).toEqual({ reason: `Frau ${NAME} ist krank` });
    expect(res.body.contacts[0].notes).toContain(NAME);
    expect(res.body.resetAnalyses).toHaveLength(2);
    expect(res.body.accessLog.length).toBeGreaterThan(0);
    await t
      .http()
      .get(`/api/v1/founders/${founderId}/data-export`)
      .set(w.as('advisorB'))
      .expect(404);
    await t
      .http()
      .get(`/api/v1/founders/${founderId}/data-export`)
      .set(w.as('auditorA'))
      .expect(403);
  });

  it('refuses the subject-access export to an admin in no office, exactly as GET /founders/:id does', async () => {
    const read = await t.http().get(`/api/v1/founders/${founderId}`).set(w.as('admin'));
    const exported = await t
      .http()
      .get(`/api/v1/founders/${founderId}/data-export`)
      .set(w.as('admin'));
    expect(read.status).toBe(403);
    expect(exported.status).toBe(403);
    expect(exported.headers['content-type']).toContain('application/problem+json');
    expect({ ...exported.body, instance: undefined, requestId: undefined }).toEqual({
      ...read.body,
      instance: undefined,
      requestId: undefined,
    });
    expect(JSON.stringify(exported.body)).not.toContain(NAME);
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM access_log WHERE action = 'export' AND actor_id = $1`,
      [w.users.admin.id],
    );
    expect(n).toBe(0);
  });

  it('lets only leads of the office and admins erase', async () => {
    await t.http().post(`/api/v1/founders/${founderId}/erase`).set(w.as('advisorA')).expect(403);
    await t.http().post(`/api/v1/founders/${founderId}/erase`).set(w.as('leadB')).expect(404);
    expect(await dump()).toContain(NAME);
  });

  it('erases the person and every free text, keeps the skeleton, and every chain still verifies', async () => {
    const res = await t
      .http()
      .post(`/api/v1/founders/${founderId}/erase`)
      .set(w.as('leadA'))
      .expect(200);
    expect(res.body).toMatchObject({
      founderId,
      erased: true,
      counts: { cases: 2, texts: 2, contacts: 1, analyses: 2 },
    });
    // Codes stay (statistics), free texts and prose in former free-text fields go.
    const cases: {
      id: string;
      sector: string | null;
      viability_statement: object;
      suitability: object;
    }[] = await t.db.query(
      `SELECT id, sector, viability_statement, suitability FROM founder_case WHERE founder_id = $1`,
      [founderId],
    );
    const byId = new Map(cases.map((c) => [c.id, c]));
    expect(byId.get(caseId)).toMatchObject({
      sector: 'crafts',
      viability_statement: { issuedBy: '[gelöscht]', issuedOn: '2026-01-10' },
      suitability: { motivation: 5 },
    });
    expect(byId.get(caseId)!.suitability).not.toHaveProperty('summary');
    expect(byId.get(legacyCaseId)!.sector).toBeNull();
    const analyses: {
      id: string;
      business: { sector: string; description: string };
      assessment: unknown;
    }[] = await t.db.query(
      `SELECT id, business, assessment FROM reset_analysis WHERE founder_id = $1`,
      [founderId],
    );
    const analysis = new Map(analyses.map((r) => [r.id, r]));
    expect(analysis.get(analysisId)).toMatchObject({
      business: { sector: 'crafts', description: '[gelöscht]' },
      assessment: null,
    });
    expect(analysis.get(legacyAnalysisId)!.business.sector).toBe('[gelöscht]');
    await t.http().get(`/api/v1/founders/${founderId}`).set(w.as('advisorA')).expect(404);
    await t.http().post(`/api/v1/founders/${founderId}/erase`).set(w.as('leadA')).expect(404);

    const [skeleton] = await t.db.query(
      `SELECT office_id, gender, birth_year, birth_date, email, erased_at FROM founder WHERE id = $1`,
      [founderId],
    );
    expect(skeleton).toMatchObject({
      office_id: w.officeA,
      gender: 'female',
      birth_year: 1987,
      birth_date: null,
      email: null,
    });
    expect(skeleton.erased_at).not.toBeNull();

    const history = await t
      .http()
      .get(`/api/v1/cases/${caseId}/history?verify=true`)
      .set(w.as('leadA'))
      .expect(200);
    expect(history.body.chain).toMatchObject({ valid: true, length: 2 });
    expect(
      history.body.items.map((i: { event: string; texts: unknown }) => [i.event, i.texts]),
    ).toEqual([
      ['PAUSE', null],
      ['RESUME', null],
    ]);
    const reset = await t
      .http()
      .get(`/api/v1/reset-analyses/${analysisId}/history?verify=true`)
      .set(w.as('leadA'))
      .expect(200);
    expect(reset.body.chain.valid).toBe(true);

    const [record] = await t.db.query(`SELECT * FROM erasure_record WHERE founder_id = $1`, [
      founderId,
    ]);
    expect(record).toMatchObject({ actor_id: w.users.leadA.id, office_id: w.officeA });
    const [logged] = await t.db.query(
      `SELECT * FROM access_log WHERE action = 'erase' AND resource_id = $1`,
      [founderId],
    );
    expect(logged.actor_id).toBe(w.users.leadA.id);

    // Nothing new may be written about the erased person.
    for (const [path, body] of [
      [`/api/v1/cases/${caseId}/events`, { type: 'PAUSE', reason: `wieder ${NAME}` }],
      [
        `/api/v1/cases/${caseId}/contacts`,
        { on: '2026-02-01', minutes: 10, format: 'phone', kind: 'other', notes: NAME },
      ],
    ] as const) {
      const res = await t.http().post(path).set(w.as('advisorA')).send(body).expect(409);
      expect(res.body.code).toBe('founder_erased');
    }
    await t
      .http()
      .patch(`/api/v1/cases/${caseId}`)
      .set(w.as('advisorA'))
      .send({ businessIdea: NAME })
      .expect(409);
    const analysisEvent = await t
      .http()
      .post(`/api/v1/reset-analyses/${analysisId}/events`)
      .set(w.as('advisorA'))
      .send({ type: 'START_ANALYSIS' })
      .expect(409);
    expect(analysisEvent.body.code).toBe('founder_erased');

    const text = await dump();
    for (const personal of [
      NAME,
      'Zofia',
      'zofia.wk@example.org',
      '987654',
      '123D456789',
      '1987-04-12',
      'Nähstudio',
    ]) {
      expect(text).not.toContain(personal);
    }
  });
});
