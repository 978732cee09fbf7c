import { ALL_MILESTONES, sendEvent } from './support/cases';
import { HALF_YEAR_2025, RESET_BUSINESS, RESET_HOUSEHOLD, SWOT } from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

// In every free text below: whoever reads it must be allowed to read free text.
const MARK = 'Kowalczyk-Nowak';

/**
 * Auditors read codes, dates and figures, never free text: on every route they may call, with a
 * user token and with an API key of role auditor. The same answers to an advisor carry the texts,
 * so the check below can fail.
 */
describe('what auditors read', () => {
  let t: TestApp;
  let w: World;
  let apiKey: string;
  let caseId: string;
  let legacyCaseId: string;
  let decidedId: string;
  let cancelledId: string;

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    const http = () => t.http();
    const key = await http()
      .post(`/api/v1/offices/${w.officeA}/api-keys`)
      .set(w.as('leadA'))
      .send({ name: 'Prüfung', role: 'auditor' })
      .expect(201);
    apiKey = key.body.key;

    const [founder] = await t.db.query(
      `INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'Ewa', $2) RETURNING id`,
      [w.officeA, MARK],
    );
    const c = await http()
      .post('/api/v1/cases')
      .set(w.as('advisorA'))
      .send({ founderId: founder.id, businessIdea: `Nähstudio ${MARK}`, sector: 'gastronomy' })
      .expect(201);
    caseId = c.body.id;
    await http()
      .patch(`/api/v1/cases/${caseId}`)
      .set(w.as('advisorA'))
      .send({
        suitability: { ...ALL_MILESTONES.suitability, summary: `Frau ${MARK} ist geeignet` },
        viabilityStatement: { issuedBy: `Steuerbüro ${MARK}`, issuedOn: '2026-03-10' },
        fundingRoute: 'einstiegsgeld',
      })
      .expect(200);
    await sendEvent(t, w, 'advisorA', caseId, {
      type: 'PAUSE',
      reason: `${MARK} ist krank`,
    }).expect(200);
    await sendEvent(t, w, 'advisorA', caseId, { type: 'RESUME', note: `Rückruf ${MARK}` }).expect(
      200,
    );
    const legacy = await http()
      .post('/api/v1/cases')
      .set(w.as('advisorA'))
      .send({ founderId: founder.id })
      .expect(201);
    legacyCaseId = legacy.body.id;
    // Stored before sectors were codes.
    await t.db.query(`UPDATE founder_case SET sector = $2 WHERE id = $1`, [
      legacyCaseId,
      `Imbiss ${MARK}`,
    ]);

    const analysis = (description: string) =>
      http()
        .post('/api/v1/reset-analyses')
        .set(w.as('advisorA'))
        .send({
          founderId: founder.id,
          business: { ...RESET_BUSINESS, description },
          household: RESET_HOUSEHOLD,
        })
        .expect(201);
    const send = (id: string, event: object) =>
      http()
        .post(`/api/v1/reset-analyses/${id}/events`)
        .set(w.as('advisorA'))
        .send(event)
        .expect(200);
    decidedId = (await analysis(`Salon ${MARK}`)).body.id;
    await http()
      .put(`/api/v1/reset-analyses/${decidedId}/periods/2025-01-01`)
      .set(w.as('advisorA'))
      .send(HALF_YEAR_2025)
      .expect(201);
    await send(decidedId, { type: 'START_ANALYSIS' });
    await send(decidedId, {
      type: 'ASSESS',
      strengths: [`${MARK}s Stammkundschaft`],
      weaknesses: [`${MARK} ist oft krank`],
      opportunities: [`Nachbar ${MARK}`],
      risks: [`Schulden bei ${MARK}`],
    });
    await send(decidedId, {
      type: 'RECOMMEND',
      recommendation: 'give_up',
      measures: [{ title: `Termin mit ${MARK}`, dueOn: '2026-06-01' }],
      rationale: `${MARK} kann nicht mehr`,
    });
    await send(decidedId, { type: 'DECIDE', accepted: false, note: `${MARK} will weitermachen` });
    cancelledId = (await analysis('Kiosk')).body.id;
    await http()
      .patch(`/api/v1/reset-analyses/${cancelledId}`)
      .set(w.as('advisorA'))
      .send({ assessment: { ...SWOT, risks: [`Vermieter ${MARK}`] } })
      .expect(200);
    await t.db.query(
      `UPDATE reset_analysis SET business = jsonb_set(business, '{sector}', to_jsonb($2::text)) WHERE id = $1`,
      [cancelledId, `Kiosk ${MARK}`],
    );
    await send(cancelledId, { type: 'CANCEL', reason: `${MARK} zieht weg` });
  });

  const routes = () => [
    '/api/v1/cases',
    `/api/v1/cases/${caseId}`,
    `/api/v1/cases/${legacyCaseId}`,
    `/api/v1/cases/${caseId}/history`,
    '/api/v1/reset-analyses',
    `/api/v1/reset-analyses/${decidedId}`,
    `/api/v1/reset-analyses/${cancelledId}`,
    `/api/v1/reset-analyses/${decidedId}/history`,
    `/api/v1/reset-analyses/${cancelledId}/history`,
    `/api/v1/reset-analyses/${decidedId}/periods`,
  ];
  const credentials = () =>
    ({
      'a user token': w.as('auditorA'),
      'an API key': { 'X-API-Key': apiKey },
    }) as Record<string, Record<string, string>>;

  it('gives advisors every text (the data really carry them)', async () => {
    let seen = 0;
    for (const route of routes()) {
      const res = await t.http().get(route).set(w.as('advisorA')).expect(200);
      if (JSON.stringify(res.body).includes(MARK)) seen++;
    }
    expect(seen).toBe(8); // all but the analysis list and the periods, which hold no texts
  });

  it.each(['a user token', 'an API key'])(
    'gives auditors with %s no free text on any route',
    async (kind) => {
      for (const route of routes()) {
        const res = await t.http().get(route).set(credentials()[kind]).expect(200);
        expect({ route, body: JSON.stringify(res.body) }).toEqual({
          route,
          body: expect.not.stringContaining(MARK),
        });
      }
    },
  );

  it.each(['a user token', 'an API key'])(
    'keeps codes, dates and figures for auditors with %s',
    async (kind) => {
      const as = credentials()[kind];
      const c = (await t.http().get(`/api/v1/cases/${caseId}`).set(as).expect(200)).body;
      expect(c).toMatchObject({
        businessIdea: null,
        sector: 'gastronomy',
        fundingRoute: 'einstiegsgeld',
        suitability: { motivation: 5, summary: null },
        viabilityStatement: { issuedBy: null, issuedOn: '2026-03-10' },
      });
      const legacy = (await t.http().get(`/api/v1/cases/${legacyCaseId}`).set(as).expect(200)).body;
      expect(legacy.sector).toBeNull();
      const list = (await t.http().get('/api/v1/cases').set(as).expect(200)).body;
      expect(list.items.map((i: { businessIdea: unknown }) => i.businessIdea)).toEqual([
        null,
        null,
      ]);
      const history = (await t.http().get(`/api/v1/cases/${caseId}/history`).set(as).expect(200))
        .body;
      expect(
        history.items.map((i: { event: string; texts: unknown }) => [i.event, i.texts]),
      ).toEqual([
        ['PAUSE', null],
        ['RESUME', null],
      ]);

      const a = (await t.http().get(`/api/v1/reset-analyses/${decidedId}`).set(as).expect(200))
        .body;
      expect(a).toMatchObject({
        state: 'decided',
        business: { description: null, sector: 'personal_services', hoursPerWeek: 30 },
        assessment: { strengths: null, weaknesses: null, opportunities: null, risks: null },
        recommendation: {
          recommendation: 'give_up',
          rationale: null,
          measures: [{ title: null, dueOn: '2026-06-01' }],
        },
        decision: { accepted: false, note: null },
      });
      expect(a.periodStarts).toEqual(['2025-01-01']);
      expect(a.household.housingCostsMonthly).toBe(620.5);
      const cancelled = (
        await t.http().get(`/api/v1/reset-analyses/${cancelledId}`).set(as).expect(200)
      ).body;
      expect(cancelled).toMatchObject({
        business: { sector: null },
        cancellation: { fromState: 'intake', reason: null },
      });
    },
  );
});
