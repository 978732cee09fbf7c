import { RESET_BUSINESS, RESET_HOUSEHOLD } from './support/fuzz';
import { startTestApp, TestApp } from './support/test-app';
import { Persona, seedWorld, useSeededApp, World } from './support/world';
import { RESET_LIMITS } from '../src/reset/lifecycle';

// The fuzz suite's valid analysis body: a hairdresser, a couple and a child.
const [BUSINESS, HOUSEHOLD] = [RESET_BUSINESS, RESET_HOUSEHOLD];
const ym = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** Six months of one half-year, the same figures each month. */
function halfYear(
  year: number,
  firstMonth: 1 | 7,
  receipts: object,
  expenses: object,
  extra: object = {},
) {
  return {
    periodEnd: `${year}-${firstMonth === 1 ? '06-30' : '12-31'}`,
    kind: 'provisional',
    months: Array.from({ length: 6 }, (_, i) => ({
      month: ym(year, firstMonth + i),
      receipts,
      expenses,
    })),
    ...extra,
  };
}

const SWOT = {
  strengths: ['Stammkundschaft'],
  weaknesses: ['Preise seit 2019 gleich'],
  opportunities: ['Neubaugebiet'],
  risks: ['Kette eröffnet'],
};
const recommend = (recommendation: string) => ({
  type: 'RECOMMEND',
  recommendation,
  measures: [{ title: 'Preise anheben' }],
  rationale: 'Die Nachfrage ist da.',
});

describe('RE_SET analyses', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const http = () => t.http();
  async function founder(officeId = w.officeA): Promise<string> {
    const [row] = await t.db.query(
      `INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'Aylin', 'Demir') RETURNING id`,
      [officeId],
    );
    return row.id;
  }
  async function count(table: string): Promise<number> {
    const [{ n }] = await t.db.query(`SELECT count(*)::integer AS n FROM ${table}`);
    return n;
  }
  async function create(founderId: string, persona: Persona = 'advisorA') {
    const res = await http()
      .post('/api/v1/reset-analyses')
      .set(w.as(persona))
      .send({ founderId, business: BUSINESS, household: HOUSEHOLD })
      .expect(201);
    return res.body;
  }
  const putPeriod = (id: string, start: string, body: object, persona: Persona = 'advisorA') =>
    http().put(`/api/v1/reset-analyses/${id}/periods/${start}`).set(w.as(persona)).send(body);
  const send = (id: string, event: object, persona: Persona = 'advisorA') =>
    http().post(`/api/v1/reset-analyses/${id}/events`).set(w.as(persona)).send(event);
  const PERIOD = halfYear(2025, 1, { A1: 3000 }, { B1: 500, B3: 700 });

  /** An analysis with one period, driven to recommended with the given recommendation. */
  async function recommended(founderId: string, recommendation: string) {
    const a = await create(founderId);
    await putPeriod(a.id, '2025-01-01', PERIOD).expect(201);
    for (const e of [
      { type: 'START_ANALYSIS' },
      { type: 'ASSESS', ...SWOT },
      recommend(recommendation),
    ]) {
      await send(a.id, e).expect(200);
    }
    return a.id as string;
  }

  describe('create, read, change', () => {
    it('creates an analysis in intake with amounts in euros and cents', async () => {
      const f = await founder();
      const res = await http()
        .post('/api/v1/reset-analyses')
        .set(w.as('advisorA'))
        .send({ founderId: f, business: BUSINESS, household: HOUSEHOLD })
        .expect(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        officeId: w.officeA,
        founderId: f,
        state: 'intake',
        version: 1,
        business: BUSINESS,
        household: {
          members: HOUSEHOLD.members,
          extraNeedsMonthly: 0,
          extraNeedsMonthlyCents: 0,
          housingCostsMonthly: 620.5,
          housingCostsMonthlyCents: 62050,
          otherIncomeMonthly: 250,
          otherIncomeMonthlyCents: 25000,
        },
        assessment: null,
        recommendation: null,
        caseId: null,
        indicators: { periods: [], trend: { latest: null, monthsOnBenefits: expect.any(Number) } },
      });
      // Only what the lifecycle can take from intake, with what this caller may send.
      expect(res.body.availableEvents).toEqual([
        {
          type: 'START_ANALYSIS',
          allowed: false,
          permitted: true,
          unmet: [{ code: 'period_recorded', message: expect.any(String) }],
        },
        { type: 'CANCEL', allowed: true, permitted: true, unmet: [] },
      ]);
      const [row] = await t.db.query(
        `SELECT housing_costs_monthly_cents, other_income_monthly_cents FROM reset_analysis WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({
        housing_costs_monthly_cents: 62050,
        other_income_monthly_cents: 25000,
      });
    });

    it.each<[string, object]>([
      ['three decimals', { household: { ...HOUSEHOLD, housingCostsMonthly: 12.345 } }],
      ['a negative amount', { household: { ...HOUSEHOLD, extraNeedsMonthly: -1 } }],
      [
        'two selves',
        {
          household: {
            ...HOUSEHOLD,
            members: [
              { role: 'self', standardRateLevel: 1 },
              { role: 'self', standardRateLevel: 1 },
            ],
          },
        },
      ],
      ['a share above 1', { business: { ...BUSINESS, largestClientShare: 1.5 } }],
      ['an impossible date', { business: { ...BUSINESS, startedOn: '2023-02-30' } }],
      ['an unknown field', { business: { ...BUSINESS, turnover: 5 } }],
    ])('refuses %s with 400 and stores nothing', async (_, change) => {
      const f = await founder();
      const before = await count('reset_analysis');
      const res = await http()
        .post('/api/v1/reset-analyses')
        .set(w.as('advisorA'))
        .send({ founderId: f, business: BUSINESS, household: HOUSEHOLD, ...change })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.length).toBeGreaterThan(0);
      expect(await count('reset_analysis')).toBe(before);
    });

    it('keeps offices apart and lets only advisors and leads write', async () => {
      const f = await founder();
      const body = { founderId: f, business: BUSINESS, household: HOUSEHOLD };
      await http().post('/api/v1/reset-analyses').set(w.as('advisorB')).send(body).expect(404);
      for (const p of ['auditorA', 'admin', 'nobody'] as const) {
        await http().post('/api/v1/reset-analyses').set(w.as(p)).send(body).expect(403);
      }
      const a = await create(f, 'leadA');
      for (const p of ['advisorA', 'leadA', 'auditorA'] as const) {
        const res = await http().get(`/api/v1/reset-analyses/${a.id}`).set(w.as(p)).expect(200);
        expect(res.headers.etag).toBe('"1"');
      }
      for (const p of ['leadB', 'advisorB', 'auditorB'] as const) {
        await http().get(`/api/v1/reset-analyses/${a.id}`).set(w.as(p)).expect(404);
        await http()
          .patch(`/api/v1/reset-analyses/${a.id}`)
          .set(w.as(p))
          .send({ assessment: null })
          .expect(p === 'auditorB' ? 403 : 404);
      }
      await http().get(`/api/v1/reset-analyses/${a.id}`).set(w.as('admin')).expect(403);
      await http().get('/api/v1/reset-analyses/not-a-uuid').set(w.as('advisorA')).expect(400);
      await http()
        .patch(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('auditorA'))
        .send({ assessment: null })
        .expect(403);
    });

    it('patches business, household and the assessment draft, honouring If-Match', async () => {
      const a = await create(await founder());
      const res = await http()
        .patch(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', '"1"')
        .send({
          business: { ...BUSINESS, hoursPerWeek: 12 },
          household: { ...HOUSEHOLD, extraNeedsMonthly: '35.10' },
          assessment: { ...SWOT, risks: [] },
        })
        .expect(200);
      expect(res.body.business.hoursPerWeek).toBe(12);
      expect(res.body.household).toMatchObject({
        extraNeedsMonthly: 35.1,
        extraNeedsMonthlyCents: 3510,
      });
      expect(res.body.assessment).toEqual({ ...SWOT, risks: [] });
      expect(res.body.indicators.flags.map((f: { code: string }) => f.code)).toContain(
        'side_occupation_hours',
      );
      expect(res.body.version).toBe(2);
      expect(res.headers.etag).toBe('"2"');
      const conflict = await http()
        .patch(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('advisorA'))
        .set('If-Match', '"7"')
        .send({ assessment: null })
        .expect(412);
      expect(conflict.body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
      await http()
        .patch(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('advisorA'))
        .send({ household: { ...HOUSEHOLD, otherIncomeMonthly: 1.001 } })
        .expect(400);
    });

    it('takes an empty PATCH as no new version, and a PATCH that changes data as one', async () => {
      const a = await create(await founder());
      const patch = (body: object) =>
        http()
          .patch(`/api/v1/reset-analyses/${a.id}`)
          .set(w.as('advisorA'))
          .set('If-Match', '"1"')
          .send(body);
      const empty = await patch({}).expect(200);
      expect(empty.headers.etag).toBe('"1"');
      expect(empty.body.version).toBe(1);
      const changed = await patch({ assessment: null }).expect(200);
      expect(changed.headers.etag).toBe('"2"');
      expect((await patch({ assessment: null }).expect(412)).body.currentVersion).toBe(2);
    });

    it('holds an assessment draft to the limits of the ASSESS event', async () => {
      const a = await create(await founder());
      const { items, itemChars } = RESET_LIMITS;
      const draft = (strengths: string[]) =>
        http()
          .patch(`/api/v1/reset-analyses/${a.id}`)
          .set(w.as('advisorA'))
          .send({ assessment: { ...SWOT, strengths } });
      await draft(Array.from({ length: items }, () => 'x')).expect(200);
      await draft(['x'.repeat(itemChars)]).expect(200);
      const tooMany = await draft(Array.from({ length: items + 1 }, () => 'x')).expect(400);
      expect(tooMany.body.errors).toEqual([
        expect.objectContaining({ field: 'assessment.strengths' }),
      ]);
      await draft(['x'.repeat(itemChars + 1)]).expect(400);
      await draft(['']).expect(400);
      const read = await http()
        .get(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(read.body).toMatchObject({
        version: 3,
        assessment: { strengths: ['x'.repeat(itemChars)] },
      });
    });
  });

  describe('EKS periods', () => {
    it('stores a period in cents, repeats without a new version, and keeps every version', async () => {
      const a = await create(await founder());
      const first = await putPeriod(a.id, '2025-01-01', {
        ...PERIOD,
        finalDeclarationDueOn: '2025-08-31',
      }).expect(201);
      expect(first.body).toMatchObject({
        periodStart: '2025-01-01',
        periodEnd: '2025-06-30',
        version: 1,
        kind: 'provisional',
        finalDeclarationDueOn: '2025-08-31',
      });
      expect(first.body.months[0]).toEqual({
        month: '2025-01',
        receipts: { A1: 3000 },
        receiptsCents: { A1: 300000 },
        expenses: { B1: 500, B3: 700 },
        expensesCents: { B1: 50000, B3: 70000 },
        deductions: {},
        deductionsCents: {},
      });
      const [line] = await t.db.query(
        `SELECT l.cents FROM reset_period_line l JOIN reset_period_version v ON v.id = l.period_version_id
          WHERE v.analysis_id = $1 AND l.code = 'B3' AND l.month = '2025-01-01'`,
        [a.id],
      );
      expect(line.cents).toBe(70000);

      const versions = await count('reset_period_version');
      const again = await putPeriod(a.id, '2025-01-01', {
        ...PERIOD,
        finalDeclarationDueOn: '2025-08-31',
      }).expect(200);
      expect(again.body.version).toBe(1);
      expect(await count('reset_period_version')).toBe(versions);

      const final = halfYear(2025, 1, { A1: '2899.99' }, { B1: 500, B3: 700 }, { kind: 'final' });
      const second = await putPeriod(a.id, '2025-01-01', final).expect(200);
      expect(second.body).toMatchObject({ version: 2, kind: 'final', finalDeclarationDueOn: null });
      expect(second.body.months[5].receiptsCents).toEqual({ A1: 289999 });

      const back = await putPeriod(a.id, '2025-01-01', PERIOD).expect(409);
      expect(back.body.code).toBe('eks_period_final');
      const overlap = await putPeriod(
        a.id,
        '2025-06-01',
        halfYear(
          2025,
          7,
          { A1: 1 },
          {},
          { periodEnd: '2025-12-31', months: [{ month: '2025-07' }] },
        ),
      ).expect(409);
      expect(overlap.body).toMatchObject({ code: 'eks_period_overlap', periodStart: '2025-01-01' });

      const latest = await http()
        .get(`/api/v1/reset-analyses/${a.id}/periods`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(
        latest.body.items.map((p: { version: number; kind: string }) => [p.version, p.kind]),
      ).toEqual([[2, 'final']]);
      const all = await http()
        .get(`/api/v1/reset-analyses/${a.id}/periods?allVersions=true`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(
        all.body.items.map((p: { version: number; kind: string }) => [p.version, p.kind]),
      ).toEqual([
        [1, 'provisional'],
        [2, 'final'],
      ]);
      await http().get(`/api/v1/reset-analyses/${a.id}/periods`).set(w.as('leadB')).expect(404);
      await putPeriod(a.id, '2025-07-01', halfYear(2025, 7, { A1: 1 }, {}), 'auditorA').expect(403);
      await putPeriod(a.id, '2025-07-01', halfYear(2025, 7, { A1: 1 }, {}), 'leadB').expect(404);
    });

    const month = (m: string, extra: object = {}) => ({
      month: m,
      receipts: { A1: 100 },
      ...extra,
    });
    const base = { periodEnd: '2025-06-30', kind: 'provisional' };
    it.each<[string, string, object, number]>([
      [
        'a month 2026-13',
        '2026-01-01',
        { periodEnd: '2026-12-31', kind: 'final', months: [month('2026-13')] },
        400,
      ],
      ['a month outside the period', '2025-01-01', { ...base, months: [month('2025-07')] }, 400],
      [
        'non-consecutive months',
        '2025-01-01',
        { ...base, months: [month('2025-01'), month('2025-03')] },
        400,
      ],
      [
        'a duplicate month',
        '2025-01-01',
        { ...base, months: [month('2025-01'), month('2025-01')] },
        400,
      ],
      [
        'a negative amount',
        '2025-01-01',
        { ...base, months: [month('2025-01', { expenses: { B1: -5 } })] },
        400,
      ],
      [
        'three decimals',
        '2025-01-01',
        { ...base, months: [month('2025-01', { receipts: { A1: 12.345 } })] },
        400,
      ],
      [
        'three decimals as a string',
        '2025-01-01',
        { ...base, months: [month('2025-01', { deductions: { C1: '1.999' } })] },
        400,
      ],
      [
        'seven months',
        '2025-01-01',
        {
          periodEnd: '2025-12-31',
          kind: 'final',
          months: [1, 2, 3, 4, 5, 6, 7].map((m) => month(ym(2025, m))),
        },
        400,
      ],
      ['no months', '2025-01-01', { ...base, months: [] }, 400],
      [
        'an unknown receipt line',
        '2025-01-01',
        { ...base, months: [month('2025-01', { receipts: { A9: 1 } })] },
        400,
      ],
      [
        'a parent line that has sub-lines',
        '2025-01-01',
        { ...base, months: [month('2025-01', { expenses: { B6: 1 } })] },
        400,
      ],
      [
        'an unknown deduction line',
        '2025-01-01',
        { ...base, months: [month('2025-01', { deductions: { C11: 1 } })] },
        400,
      ],
      [
        'an end before the start',
        '2025-01-01',
        { ...base, periodEnd: '2024-12-31', months: [month('2025-01')] },
        400,
      ],
      ['an impossible period start', '2025-02-30', { ...base, months: [month('2025-02')] }, 400],
      [
        'an unknown kind',
        '2025-01-01',
        { ...base, kind: 'draft', months: [month('2025-01')] },
        400,
      ],
      [
        'a period before any rates',
        '2019-01-01',
        { periodEnd: '2019-06-30', kind: 'final', months: [month('2019-01')] },
        422,
      ],
    ])('refuses %s and stores nothing', async (_, start, body, status) => {
      const a = await create(await founder());
      const before = [await count('reset_period_version'), await count('reset_period_line')];
      const res = await putPeriod(a.id, start, body).expect(status);
      expect(res.body.code).toBe(status === 400 ? 'validation_failed' : 'rates_unavailable');
      expect([await count('reset_period_version'), await count('reset_period_line')]).toEqual(
        before,
      );
    });

    it('computes indicators per period and as a trend, naming the rule set', async () => {
      const a = await create(await founder());
      await putPeriod(
        a.id,
        '2025-07-01',
        halfYear(2025, 7, { A1: 2600 }, { B1: 400 }, { finalDeclarationDueOn: '2026-01-31' }),
      ).expect(201);
      await putPeriod(a.id, '2025-01-01', halfYear(2025, 1, { A1: 2000 }, { B1: 400 })).expect(201);
      const res = await http()
        .get(`/api/v1/reset-analyses/${a.id}`)
        .set(w.as('auditorA'))
        .expect(200);
      const { periods, trend, flags } = res.body.indicators;
      expect(periods.map((p: { periodStart: string }) => p.periodStart)).toEqual([
        '2025-01-01',
        '2025-07-01',
      ]);
      expect(periods[0]).toMatchObject({
        ruleSetId: expect.stringMatching(/^rb-2024-01\+mw-\d{4}-\d{2}\+/),
        months: 6,
        receiptsTotalCents: 1200000,
        receiptsTotal: 12000,
        monthlyProfitCents: 160000,
        monthlyProfit: 1600,
        costRatio: 0.2,
      });
      expect(periods[1]).toMatchObject({ monthlyProfitCents: 220000, monthlyProfit: 2200 });
      // Revenue 2,000 € for six months, then 2,600 €: slope 1,080,000 / 143 = 7,552.45 cents per month.
      expect(trend).toMatchObject({
        revenueSlopeCentsPerMonth: 7552,
        revenueSlopePerMonth: 75.52,
        latest: { periodStart: '2025-07-01' },
      });
      // The final EKS of the second half-year was due on 2026-01-31 and is still provisional.
      expect(flags.map((f: { code: string }) => f.code)).toContain('final_declaration_overdue');
      expect(res.body.periodStarts).toEqual(['2025-01-01', '2025-07-01']);
    });
  });

  describe('lifecycle', () => {
    it('walks intake → decided with the case answers, one history row per step', async () => {
      const a = await create(await founder());
      const unmet = await send(a.id, { type: 'START_ANALYSIS' }).expect(422);
      expect(unmet.body).toMatchObject({
        code: 'requirements_unmet',
        unmet: [{ code: 'period_recorded' }],
      });
      expect((await send(a.id, { type: 'FINISH' }).expect(400)).body.code).toBe('invalid_event');
      expect((await send(a.id, { type: 'CANCEL', reason: '  ' }).expect(400)).body.errors).toEqual([
        { field: 'reason', message: 'must not be blank' },
      ]);
      const early = await send(a.id, { type: 'ASSESS', ...SWOT }).expect(409);
      expect(early.body).toMatchObject({
        code: 'transition_not_allowed',
        allowedEvents: ['START_ANALYSIS', 'CANCEL'],
      });
      await send(a.id, { type: 'START_ANALYSIS' }, 'auditorA').expect(403);
      await send(a.id, { type: 'START_ANALYSIS' }, 'leadB').expect(404);
      await putPeriod(a.id, '2025-01-01', PERIOD).expect(201);

      // The period made it version 2.
      const stale = await send(a.id, { type: 'START_ANALYSIS' }).set('If-Match', '"1"').expect(412);
      expect(stale.body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
      expect(
        await t.db.query(`SELECT 1 FROM reset_history WHERE analysis_id = $1`, [a.id]),
      ).toHaveLength(0);

      const started = await send(a.id, { type: 'START_ANALYSIS' })
        .set('If-Match', '"2"')
        .expect(200);
      expect(started.headers.etag).toBe('"3"');
      expect(started.body).toMatchObject({ state: 'analysis', version: 3 });
      const assessed = await send(a.id, { type: 'ASSESS', ...SWOT }).expect(200);
      expect(assessed.body).toMatchObject({ state: 'assessed', version: 4, assessment: SWOT });
      const rec = await send(a.id, recommend('quick_exit'), 'leadA').expect(200);
      expect(rec.body.recommendation).toEqual({
        recommendation: 'quick_exit',
        measures: [{ title: 'Preise anheben', dueOn: null }],
        rationale: 'Die Nachfrage ist da.',
      });
      const decided = await send(a.id, {
        type: 'DECIDE',
        accepted: true,
        note: 'Mit Frau D. besprochen',
      }).expect(200);
      expect(decided.body).toMatchObject({
        state: 'decided',
        version: 6,
        caseId: null,
        decision: { accepted: true, note: 'Mit Frau D. besprochen' },
      });
      expect(decided.body.availableEvents.every((e: { allowed: boolean }) => !e.allowed)).toBe(
        true,
      );
      expect(
        (await send(a.id, { type: 'CANCEL', reason: 'x' }).expect(409)).body.allowedEvents,
      ).toEqual([]);

      const history = await http()
        .get(`/api/v1/reset-analyses/${a.id}/history`)
        .set(w.as('advisorA'))
        .expect(200);
      // Version 6, four history rows: the period was a change but not a lifecycle step.
      expect(history.body.version).toBe(6);
      expect(
        history.body.items.map(
          (h: { seq: number; event: string; fromState: string; toState: string }) => [
            h.seq,
            h.event,
            h.fromState,
            h.toState,
          ],
        ),
      ).toEqual([
        [1, 'START_ANALYSIS', 'intake', 'analysis'],
        [2, 'ASSESS', 'analysis', 'assessed'],
        [3, 'RECOMMEND', 'assessed', 'recommended'],
        [4, 'DECIDE', 'recommended', 'decided'],
      ]);
      expect(history.body.items[2].payload).toEqual({
        recommendation: 'quick_exit',
        measureCount: 1,
      });
      expect(history.body.items[3]).toMatchObject({
        payload: { accepted: true },
        texts: { note: 'Mit Frau D. besprochen' },
        actor: { type: 'user', id: w.users.advisorA.id },
      });
      const audited = await http()
        .get(`/api/v1/reset-analyses/${a.id}/history`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(audited.body.items[3].texts).toBeNull();
      expect(
        (await http().get(`/api/v1/reset-analyses/${a.id}`).set(w.as('auditorA')).expect(200)).body
          .decision,
      ).toEqual({ accepted: true, note: null });
      await http().get(`/api/v1/reset-analyses/${a.id}/history`).set(w.as('leadB')).expect(404);

      // A decided analysis is a closed record.
      expect(
        (
          await http()
            .patch(`/api/v1/reset-analyses/${a.id}`)
            .set(w.as('advisorA'))
            .send({ assessment: null })
            .expect(409)
        ).body.code,
      ).toBe('reset_analysis_closed');
      expect(
        (await putPeriod(a.id, '2025-07-01', halfYear(2025, 7, { A1: 1 }, {})).expect(409)).body
          .code,
      ).toBe('reset_analysis_closed');
      await expect(
        t.db.query(`UPDATE reset_history SET event = 'X' WHERE analysis_id = $1`, [a.id]),
      ).rejects.toThrow();
      await expect(
        t.db.query(`DELETE FROM reset_period_version WHERE analysis_id = $1`, [a.id]),
      ).rejects.toThrow();
    });

    it('cancels from any open state with the reason kept apart', async () => {
      const a = await create(await founder());
      const res = await send(a.id, { type: 'CANCEL', reason: 'Umzug nach Hamburg' }).expect(200);
      expect(res.body).toMatchObject({
        state: 'cancelled',
        version: 2,
        cancellation: { fromState: 'intake', reason: 'Umzug nach Hamburg' },
      });
      const [row] = await t.db.query(
        `SELECT h.payload, t.texts FROM reset_history h JOIN reset_history_text t USING (analysis_id, seq) WHERE h.analysis_id = $1`,
        [a.id],
      );
      expect(row).toEqual({ payload: {}, texts: { reason: 'Umzug nach Hamburg' } });
    });

    it('answers a retry with the same Idempotency-Key from the first answer, writing once', async () => {
      const a = await create(await founder());
      await putPeriod(a.id, '2025-01-01', PERIOD).expect(201);
      const first = await send(a.id, { type: 'START_ANALYSIS' })
        .set('Idempotency-Key', 'reset-start-1')
        .expect(200);
      const retry = await send(a.id, { type: 'START_ANALYSIS' })
        .set('Idempotency-Key', 'reset-start-1')
        .expect(200);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.etag).toBe('"3"');
      expect(
        await t.db.query(`SELECT seq FROM reset_history WHERE analysis_id = $1`, [a.id]),
      ).toEqual([{ seq: 1 }]);
      const reused = await send(a.id, { type: 'CANCEL', reason: 'x' })
        .set('Idempotency-Key', 'reset-start-1')
        .expect(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
    });
  });

  describe('restart with coaching', () => {
    const decide = (id: string, persona: Persona = 'advisorA') =>
      send(id, { type: 'DECIDE', accepted: true }, persona);
    const caseHistory = (caseId: string) =>
      http().get(`/api/v1/cases/${caseId}/history`).set(w.as('advisorA')).expect(200);

    it('opens a new case at planning with coaching, version 2 and a RESTART row', async () => {
      const f = await founder();
      const id = await recommended(f, 'restart_with_coaching');
      const res = await decide(id).expect(200);
      expect(res.body).toMatchObject({ state: 'decided', caseId: expect.any(String) });
      const kase = await http()
        .get(`/api/v1/cases/${res.body.caseId}`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(kase.body).toMatchObject({
        founderId: f,
        officeId: w.officeA,
        phase: 'planning',
        status: 'active',
        coaching: true,
        version: 2,
        resetAnalysisId: id,
        businessIdea: BUSINESS.description,
        legalForm: BUSINESS.legalForm,
      });
      expect(kase.body.availableEvents.map((e: { type: string }) => e.type)).toContain('LAUNCH');
      const history = await caseHistory(res.body.caseId);
      expect(history.body.items).toEqual([
        expect.objectContaining({
          seq: 1,
          event: 'RESTART',
          // Created at the machine's initial state and moved by RESTART, as any event moves a case.
          fromPhase: 'access',
          toPhase: 'planning',
          fromStatus: 'active',
          toStatus: 'active',
          payload: { resetAnalysisId: id },
        }),
      ]);
      const [decided] = (
        await http().get(`/api/v1/reset-analyses/${id}/history`).set(w.as('advisorA'))
      ).body.items.slice(-1);
      expect(decided.payload).toEqual({
        accepted: true,
        caseId: res.body.caseId,
        caseAction: 'created',
      });
      // RESTART is a system event: no client can send it.
      expect(
        (
          await http()
            .post(`/api/v1/cases/${res.body.caseId}/events`)
            .set(w.as('leadA'))
            .send({ type: 'RESTART' })
            .expect(400)
        ).body.code,
      ).toBe('invalid_event');
    });

    it('refuses while the founder has an open case, then reopens their closed case', async () => {
      const f = await founder();
      const opened = await http()
        .post('/api/v1/cases')
        .set(w.as('advisorA'))
        .send({ founderId: f })
        .expect(201);
      const id = await recommended(f, 'restart_with_coaching');
      const counts = async () => [
        await count('founder_case'),
        await count('case_history'),
        await count('reset_history'),
      ];
      const before = await counts();

      const refused = await decide(id).expect(409);
      expect(refused.body).toMatchObject({ code: 'founder_has_open_case', caseId: opened.body.id });
      expect(await counts()).toEqual(before);
      const still = await http()
        .get(`/api/v1/reset-analyses/${id}`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(still.body).toMatchObject({ state: 'recommended', version: 5, caseId: null });
      expect(
        (await http().get(`/api/v1/cases/${opened.body.id}`).set(w.as('advisorA'))).body,
      ).toMatchObject({ version: 1, status: 'active', resetAnalysisId: null });

      await http()
        .post(`/api/v1/cases/${opened.body.id}/events`)
        .set(w.as('advisorA'))
        .send({ type: 'DROP_OUT', reasonCode: 'employment' })
        .expect(200);
      // Reopening a closed case is a reopening: leads only, and the refusal writes nothing.
      const midway = await counts();
      const advisor = await decide(id).expect(403);
      expect(advisor.body).toMatchObject({ code: 'forbidden', caseId: opened.body.id });
      expect(await counts()).toEqual(midway);
      const res = await decide(id, 'leadA').expect(200);
      expect(res.body.caseId).toBe(opened.body.id);
      const kase = await http()
        .get(`/api/v1/cases/${opened.body.id}`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(kase.body).toMatchObject({
        phase: 'planning',
        status: 'active',
        version: 3,
        coaching: true,
        resetAnalysisId: id,
        outcome: null,
      });
      const history = await caseHistory(opened.body.id);
      expect(
        history.body.items.map((h: { seq: number; event: string }) => [h.seq, h.event]),
      ).toEqual([
        [1, 'DROP_OUT'],
        [2, 'RESTART'],
      ]);
      expect(history.body.items[1]).toMatchObject({
        fromPhase: 'access',
        fromStatus: 'closed',
        toPhase: 'planning',
        toStatus: 'active',
        payload: { resetAnalysisId: id },
      });
      expect(await count('founder_case')).toBe(before[0]);
    });

    it('restarts nothing for a rejected or other recommendation', async () => {
      const rejected = await recommended(await founder(), 'restart_with_coaching');
      expect(
        (await send(rejected, { type: 'DECIDE', accepted: false }).expect(200)).body.caseId,
      ).toBeNull();
      const giveUp = await recommended(await founder(), 'give_up');
      expect((await decide(giveUp).expect(200)).body.caseId).toBeNull();
    });
  });

  describe('list and access log', () => {
    it('pages newest change first within the caller\u2019s offices, with filters', async () => {
      const f = await founder();
      const older = await create(f);
      const newer = await create(f);
      await putPeriod(
        older.id,
        '2025-07-01',
        halfYear(2025, 7, { A1: 1 }, {}, { finalDeclarationDueOn: '2026-01-31' }),
      ).expect(201);
      const page1 = await http()
        .get(`/api/v1/reset-analyses?founderId=${f}&limit=1`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(page1.body.items.map((i: { id: string }) => i.id)).toEqual([older.id]);
      expect(page1.body.items[0]).toMatchObject({
        state: 'intake',
        nextFinalDeclarationDueOn: '2026-01-31',
        founderId: f,
      });
      const page2 = await http()
        .get(`/api/v1/reset-analyses?founderId=${f}&limit=1&cursor=${page1.body.nextCursor}`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(page2.body).toEqual({
        items: [expect.objectContaining({ id: newer.id })],
        nextCursor: null,
      });

      const due = await http()
        .get(`/api/v1/reset-analyses?founderId=${f}&finalDeclarationDueBefore=2026-02-01`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(due.body.items.map((i: { id: string }) => i.id)).toEqual([older.id]);
      const notYet = await http()
        .get(`/api/v1/reset-analyses?founderId=${f}&finalDeclarationDueBefore=2026-01-31`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(notYet.body.items).toEqual([]);
      await send(newer.id, { type: 'CANCEL', reason: 'x' }).expect(200);
      const cancelled = await http()
        .get(`/api/v1/reset-analyses?state=cancelled&founderId=${f}`)
        .set(w.as('leadA'))
        .expect(200);
      expect(cancelled.body.items.map((i: { id: string }) => i.id)).toEqual([newer.id]);
      expect(
        (await http().get(`/api/v1/reset-analyses?founderId=${f}`).set(w.as('leadB')).expect(200))
          .body.items,
      ).toEqual([]);
      await http().get('/api/v1/reset-analyses?state=open').set(w.as('leadA')).expect(400);
      await http().get('/api/v1/reset-analyses').set(w.as('admin')).expect(403);
    });

    it('records every read, list and change', async () => {
      const a = await create(await founder());
      await http().get(`/api/v1/reset-analyses/${a.id}`).set(w.as('auditorA')).expect(200);
      await putPeriod(a.id, '2025-01-01', PERIOD).expect(201);
      await http().get(`/api/v1/reset-analyses/${a.id}/periods`).set(w.as('advisorA')).expect(200);
      await send(a.id, { type: 'START_ANALYSIS' }).expect(200);
      await http().get(`/api/v1/reset-analyses/${a.id}/history`).set(w.as('advisorA')).expect(200);
      const rows = await t.db.query(
        `SELECT resource_type, action, actor_id FROM access_log WHERE resource_id = $1 OR details->>'analysisId' = $1 ORDER BY id`,
        [a.id],
      );
      expect(
        rows.map(
          (r: { resource_type: string; action: string }) => `${r.resource_type}:${r.action}`,
        ),
      ).toEqual([
        'reset_analysis:create',
        'reset_analysis:read',
        'reset_period:create',
        'reset_period:list',
        'reset_analysis:transition',
        'reset_history:read',
      ]);
      expect(rows[1].actor_id).toBe(w.users.auditorA.id);
      await http().get('/api/v1/reset-analyses').set(w.as('advisorA')).expect(200);
      const [list] = await t.db.query(
        `SELECT action FROM access_log WHERE resource_type = 'reset_analysis' AND action = 'list' ORDER BY id DESC LIMIT 1`,
      );
      expect(list.action).toBe('list');
    });
  });
});

describe('hash-chained RE_SET history', () => {
  it('chains every lifecycle row and reports the chain state', async () => {
    const t = await startTestApp();
    try {
      const w = await seedWorld(t);
      const [f] = await t.db.query(
        `INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'Mehmet', 'Kaya') RETURNING id`,
        [w.officeA],
      );
      const created = await t
        .http()
        .post('/api/v1/reset-analyses')
        .set(w.as('advisorA'))
        .send({
          founderId: f.id,
          business: {
            description: 'Kurierdienst',
            sector: 'transport_logistics',
            legalForm: 'sole_proprietorship',
            startedOn: '2024-03-01',
            mainOccupation: true,
            hoursPerWeek: 40,
            clientCount: 3,
            largestClientShare: 0.7,
            premises: 'none',
            vatSmallBusiness: true,
            benefitsSinceOn: '2024-03-01',
          },
          household: {
            members: [{ role: 'self', standardRateLevel: 1 }],
            extraNeedsMonthly: 0,
            housingCostsMonthly: 450,
            otherIncomeMonthly: 0,
          },
        })
        .expect(201);
      const id = created.body.id;
      await t
        .http()
        .post(`/api/v1/reset-analyses/${id}/events`)
        .set(w.as('advisorA'))
        .send({ type: 'CANCEL', reason: 'Umzug nach Dresden' })
        .expect(200);
      const res = await t
        .http()
        .get(`/api/v1/reset-analyses/${id}/history?verify=true`)
        .set(w.as('auditorA'))
        .expect(200);
      expect(res.body.chain).toEqual({
        valid: true,
        length: 1,
        head: res.body.items[0].hash,
        firstBroken: null,
      });
      expect(res.body.items[0].prevHash).toBe('0'.repeat(64));
      await t.db.query(
        `UPDATE reset_history_text SET texts = '{"reason":"anders"}' WHERE analysis_id = $1`,
        [id],
      );
      const broken = await t
        .http()
        .get(`/api/v1/reset-analyses/${id}/history?verify=true`)
        .set(w.as('advisorA'))
        .expect(200);
      expect(broken.body.chain.firstBroken).toEqual({ seq: 1, reason: 'text_mismatch' });
    } finally {
      await t.close();
    }
  });
});
