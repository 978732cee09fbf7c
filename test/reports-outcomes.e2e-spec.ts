import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { TokenService } from '../src/auth/token.service';
import { todayInBerlin } from '../src/common/time/iso-date';
import { PHASES } from '../src/phase-model/phase-model.types';
import { GROUP_BY } from '../src/reports/report';
import { insertFounder, openCase } from './support/cases';
import { fuzzOptions } from './support/fuzz';
import {
  oracleCaseload,
  oracleOutcomes,
  oracleReset,
  type OracleAnalysis,
  type OracleCase,
  type OracleFacts,
  type OracleParams,
  type OracleUser,
} from './support/outcome-reports-oracle';
import { addDays, addMonths } from './support/task-oracle';
import type { TestApp } from './support/test-app';
import { useSeededApp, type World } from './support/world';

/**
 * The outcomes, reset and caseload reports (src/reports/definitions): each figure on hand-made
 * data over HTTP, the case field benefitsEndedOn, access (office isolation, the advisor's own
 * caseload, staleDays), and a property test comparing the three reports' JSON with a brute-force
 * evaluation of their definitions (support/outcome-reports-oracle.ts) over random facts.
 */
describe('reports: outcomes, reset, caseload', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  let serial = 0;
  /** A new office (so that no other test's rows count in it). */
  async function office(): Promise<string> {
    serial += 1;
    const code = `T${serial}-${randomUUID().slice(0, 6)}`;
    const [o] = await t.db.query(
      `INSERT INTO office (code, name, region) VALUES ($1, $2, 'Test') RETURNING id`,
      [code, `Office ${code}`],
    );
    return o.id as string;
  }

  /** A staff user with memberships and a bearer token. */
  async function staff(
    name: string,
    memberships: OracleUser['memberships'],
    active = true,
    id: string = randomUUID(),
  ): Promise<{ id: string; auth: { Authorization: string } }> {
    await t.db.query(
      `INSERT INTO app_user (id, email, name, password_hash, is_active) VALUES ($1, $2, $3, 'x', $4)`,
      [id, `${id}@lotse.test`, name, active],
    );
    for (const m of memberships)
      await t.db.query(`INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, $3)`, [
        id,
        m.officeId,
        m.role,
      ]);
    const token = active ? await t.app.get(TokenService).issue(id) : '';
    return { id, auth: { Authorization: `Bearer ${token}` } };
  }

  /** Writes the facts with SQL (users only when asked: the property test makes them itself). */
  async function write(f: Omit<OracleFacts, 'users'>): Promise<void> {
    const q = (sql: string, rows: unknown[]) =>
      rows.length ? t.db.query(sql, [JSON.stringify(rows)]) : Promise.resolve();
    const founders = [
      ...f.cases.map((c) => ({ id: c.founderId, officeId: c.officeId })),
      ...f.analyses.map((a) => ({ id: a.founderId, officeId: a.officeId })),
    ].filter((x, i, all) => all.findIndex((y) => y.id === x.id) === i);
    await q(
      `INSERT INTO founder (id, office_id, first_name, last_name)
       SELECT id, "officeId", 'A', 'B' FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "officeId" uuid)`,
      founders,
    );
    await q(
      `INSERT INTO founder_case (id, office_id, founder_id, advisor_id, phase, status, machine_version, state,
              business_started_on, benefits_ended_on, updated_at)
       SELECT id, "officeId", "founderId", "advisorId", phase, status, 1, '{}', "businessStartedOn", "benefitsEndedOn", "updatedAt"
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "officeId" uuid, "founderId" uuid, "advisorId" uuid, phase text,
              status text, "businessStartedOn" date, "benefitsEndedOn" date, "updatedAt" timestamptz)`,
      f.cases,
    );
    await q(
      `INSERT INTO case_history (case_id, seq, at, actor_type, event, from_phase, to_phase, from_status, to_status, payload,
              machine_version, case_ref, prev_hash, hash, chain_format, office_id, written_office_id)
       SELECT "caseId", seq, at, 'system', event, 'planning', 'planning', 'active',
              CASE WHEN event IN ('COMPLETE', 'DROP_OUT') THEN 'closed' ELSE 'active' END, payload,
              1, 'c_test', repeat('0', 64), repeat('1', 64), 1, c.office_id, "writtenOfficeId"
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, seq int, at timestamptz, event text, payload jsonb, "writtenOfficeId" uuid)
         JOIN founder_case c ON c.id = "caseId"`,
      f.cases.flatMap((c) => c.history.map((h) => ({ caseId: c.id, ...h }))),
    );
    await q(
      `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed)
       SELECT c.office_id, "caseId", seq, "on", 'employed', still
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, seq int, "on" date, still boolean)
         JOIN founder_case c ON c.id = "caseId"`,
      f.cases.flatMap((c) =>
        c.followUps.map((u) => ({
          caseId: c.id,
          seq: u.seq,
          on: u.on,
          still: u.stillSelfEmployed,
        })),
      ),
    );
    await q(
      `INSERT INTO reset_analysis (id, office_id, founder_id, state, machine_version, snapshot, business, household_members,
              extra_needs_monthly_cents, housing_costs_monthly_cents, other_income_monthly_cents)
       SELECT id, "officeId", "founderId", 'recommended', 1, '{}', '{}', '[]', 0, 0, 0
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "officeId" uuid, "founderId" uuid)`,
      f.analyses,
    );
    await q(
      `INSERT INTO reset_history (analysis_id, seq, at, actor_type, event, from_state, to_state, payload, machine_version,
              analysis_ref, prev_hash, hash, chain_format, office_id)
       SELECT "analysisId", seq, at, 'system', event, "fromState", "toState", payload, 1,
              'a_test', repeat('0', 64), repeat('1', 64), 1, a.office_id
         FROM jsonb_to_recordset($1::jsonb) AS x("analysisId" uuid, seq int, at timestamptz, event text, "fromState" text,
              "toState" text, payload jsonb)
         JOIN reset_analysis a ON a.id = "analysisId"`,
      f.analyses.flatMap((a) => a.history.map((h) => ({ analysisId: a.id, ...h }))),
    );
  }

  const report = (name: string, auth: { Authorization: string }, query: object) =>
    t.http().get(`/api/v1/reports/${name}`).query(query).set(auth);

  /** A case for the hand-made examples: open, in planning, unassigned, unless told. */
  const kase = (officeId: string, fields: Partial<OracleCase> = {}): OracleCase => ({
    id: randomUUID(),
    officeId,
    founderId: randomUUID(),
    advisorId: null,
    phase: 'planning',
    status: 'active',
    updatedAt: new Date().toISOString(),
    businessStartedOn: null,
    benefitsEndedOn: null,
    history: [],
    followUps: [],
    ...fields,
  });
  const ended = (
    seq: number,
    at: string,
    event: 'COMPLETE' | 'DROP_OUT',
    writtenOfficeId: string,
    payload: Record<string, string> = {},
  ) => ({ seq, at, event, payload, writtenOfficeId });
  const follow = (seq: number, on: string, stillSelfEmployed: boolean) => ({
    seq,
    on,
    stillSelfEmployed,
  });

  describe('outcomes', () => {
    let mine: string;
    let other: string;
    let lead: { Authorization: string };

    beforeAll(async () => {
      [mine, other] = [await office(), await office()];
      lead = (await staff('Lead', [{ officeId: mine, role: 'lead' }])).auth;
      await write({
        offices: [mine, other],
        analyses: [],
        cases: [
          // A: the first follow-up on or after the 6-month mark (07-15) counts, not an earlier one.
          kase(mine, {
            businessStartedOn: '2024-01-15',
            benefitsEndedOn: '2024-03-05',
            followUps: [
              follow(1, '2024-07-10', false),
              follow(2, '2024-07-20', true),
              follow(3, '2024-08-01', false),
              follow(4, '2025-02-01', false),
            ],
            // 22:30 UTC on 31 March is 00:30 on 1 April in Berlin (CEST): the second quarter.
            history: [
              ended(10, '2024-03-31T22:30:00Z', 'COMPLETE', mine, { outcome: 'founded_main' }),
            ],
          }),
          // B: two follow-ups on the mark's day: the lower history_seq counts.
          kase(mine, {
            businessStartedOn: '2024-02-29',
            followUps: [follow(7, '2024-08-29', true), follow(5, '2024-08-29', false)],
            history: [ended(10, '2024-01-10T10:00:00Z', 'COMPLETE', mine)],
          }),
          // C: 31 March + 6 months is 30 September (month end clamped).
          kase(mine, {
            businessStartedOn: '2024-03-31',
            followUps: [follow(1, '2024-09-30', true)],
            history: [ended(10, '2024-12-31T23:30:00Z', 'DROP_OUT', mine, { reasonCode: 'moved' })],
          }),
          // D: no follow-up although the mark (11-10) is before `to`.
          kase(mine, {
            businessStartedOn: '2024-05-10',
            benefitsEndedOn: '2024-12-31',
            history: [ended(10, '2024-07-01T08:00:00Z', 'DROP_OUT', mine, { reasonCode: 'other' })],
          }),
          // E: the follow-up after `to` is not known as of `to`.
          kase(mine, {
            businessStartedOn: '2024-06-15',
            followUps: [follow(1, '2025-01-05', true)],
            // Written by the other office (before a hand-over): counts there, not here.
            history: [
              ended(10, '2024-02-01T10:00:00Z', 'COMPLETE', other, { outcome: 'founded_side' }),
            ],
          }),
          // F: the 6-month mark (2025-02-01) is after `to`.
          kase(mine, { businessStartedOn: '2024-08-01' }),
          // G: started before the period; its exit from benefits after it.
          kase(mine, { businessStartedOn: '2023-12-31', benefitsEndedOn: '2025-01-01' }),
          // Another office's founding.
          kase(other, { businessStartedOn: '2024-01-20', benefitsEndedOn: '2024-01-20' }),
        ],
      });
    });

    it('counts foundings by the quarter of the business start and judges each mark as of `to`', async () => {
      const res = await report('outcomes', lead, {
        from: '2024-01-01',
        to: '2024-12-31',
        groupBy: 'quarter',
      })
        .set('Accept-Language', 'en')
        .expect(200);
      expect(res.body.officeIds).toEqual([mine]);
      const rows = res.body.rows;
      expect(rows.map((r: { period: string }) => r.period)).toEqual([
        '2024-Q1',
        '2024-Q2',
        '2024-Q3',
        '2024-Q4',
      ]);
      const zeros6 = {
        activeAfter6Months: 0,
        inactiveAfter6Months: 0,
        unknownAfter6Months: 0,
        notDueAfter6Months: 0,
      };
      expect(rows[0]).toMatchObject({
        officeId: mine,
        periodStart: '2024-01-01',
        foundings: 3,
        ...zeros6,
        activeAfter6Months: 2,
        inactiveAfter6Months: 1,
        notDueAfter12Months: 3,
        activeAfter12Months: 0,
        unknownAfter12Months: 0,
        notDueAfter24Months: 3,
        exitsFromBenefits: 1,
        completed: 1,
        completedOther: 1,
        completedFoundedMain: 0,
        completedFoundedSide: 0,
        droppedOut: 0,
      });
      expect(rows[1]).toMatchObject({
        foundings: 2,
        ...zeros6,
        unknownAfter6Months: 2,
        completed: 1,
        completedFoundedMain: 1,
        exitsFromBenefits: 0,
      });
      expect(rows[2]).toMatchObject({
        foundings: 1,
        ...zeros6,
        notDueAfter6Months: 1,
        droppedOut: 1,
      });
      // C's drop-out at 23:30 UTC on 31 December is 1 January in Berlin: after the period.
      expect(rows[3]).toMatchObject({
        foundings: 0,
        ...zeros6,
        droppedOut: 0,
        exitsFromBenefits: 1,
      });
      const columns = res.body.columns.map((c: { key: string }) => c.key);
      expect(columns).toEqual(expect.arrayContaining(['activeAfter24Months', 'exitsFromBenefits']));
      expect(
        res.body.columns.find((c: { key: string }) => c.key === 'foundings').definition,
      ).toMatch(/business_started_on/);
    });

    it('reads later follow-ups when `to` is later, and the other office only for its own reader', async () => {
      const res = await report('outcomes', lead, {
        from: '2024-01-01',
        to: '2025-06-30',
        groupBy: 'year',
      }).expect(200);
      expect(res.body.rows).toHaveLength(2);
      expect(res.body.rows[0]).toMatchObject({
        period: '2024',
        foundings: 6,
        activeAfter6Months: 3,
        inactiveAfter6Months: 1,
        unknownAfter6Months: 2,
        notDueAfter6Months: 0,
        activeAfter12Months: 0,
        inactiveAfter12Months: 1,
        unknownAfter12Months: 4,
        notDueAfter12Months: 1,
        notDueAfter24Months: 6,
        exitsFromBenefits: 2,
      });
      expect(res.body.rows[1]).toMatchObject({
        period: '2025',
        foundings: 0,
        exitsFromBenefits: 1,
      });
      await report('outcomes', lead, { officeId: other }).expect(403);
      const otherLead = (await staff('Other lead', [{ officeId: other, role: 'lead' }])).auth;
      const theirs = await report('outcomes', otherLead, {
        from: '2024-01-01',
        to: '2024-12-31',
        groupBy: 'year',
      }).expect(200);
      expect(theirs.body.rows[0]).toMatchObject({
        foundings: 1,
        exitsFromBenefits: 1,
        completed: 1,
        completedFoundedSide: 1,
      });
    });

    it('keeps benefitsEndedOn on the case: PATCH sets and clears it, a bad date is a 400', async () => {
      const founderId = await insertFounder(t, w.officeA);
      const c = await openCase(t, w, 'advisorA', founderId);
      expect(c).toMatchObject({ benefitsEndedOn: null });
      const patch = (body: object) =>
        t.http().patch(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).send(body);
      expect((await patch({ benefitsEndedOn: '2026-05-31' }).expect(200)).body).toMatchObject({
        benefitsEndedOn: '2026-05-31',
      });
      const [row] = await t.db.query(`SELECT benefits_ended_on FROM founder_case WHERE id = $1`, [
        c.id,
      ]);
      expect(row.benefits_ended_on).toBe('2026-05-31');
      for (const bad of ['2026-02-30', '31.05.2026', 5]) {
        const res = await patch({ benefitsEndedOn: bad });
        expect({ bad, status: res.status, code: res.body.code }).toEqual({
          bad,
          status: 400,
          code: 'validation_failed',
        });
      }
      expect((await patch({ benefitsEndedOn: null }).expect(200)).body.benefitsEndedOn).toBeNull();
    });
  });

  describe('reset', () => {
    let mine: string;
    let other: string;
    let lead: { Authorization: string };
    const analysis = (
      officeId: string,
      recommended: { at: string; recommendation: string } | null,
      left?: { at: string; event: 'DECIDE' | 'CANCEL'; accepted?: boolean },
    ): OracleAnalysis => ({
      id: randomUUID(),
      officeId,
      founderId: randomUUID(),
      history: recommended
        ? [
            {
              seq: 1,
              at: '2023-06-01T10:00:00Z',
              event: 'START_ANALYSIS',
              fromState: 'intake',
              toState: 'analysis',
              payload: {},
            },
            {
              seq: 2,
              at: '2023-06-02T10:00:00Z',
              event: 'ASSESS',
              fromState: 'analysis',
              toState: 'assessed',
              payload: {},
            },
            {
              seq: 3,
              at: recommended.at,
              event: 'RECOMMEND',
              fromState: 'assessed',
              toState: 'recommended',
              payload: { recommendation: recommended.recommendation },
            },
            ...(left
              ? [
                  {
                    seq: 4,
                    at: left.at,
                    event: left.event,
                    fromState: 'recommended',
                    toState: left.event === 'DECIDE' ? 'decided' : 'cancelled',
                    payload: left.event === 'DECIDE' ? { accepted: left.accepted ?? true } : {},
                  },
                ]
              : []),
          ]
        : [
            {
              seq: 1,
              at: '2024-02-01T10:00:00Z',
              event: 'CANCEL',
              fromState: 'intake',
              toState: 'cancelled',
              payload: {},
            },
          ],
    });
    /** The case a restart_with_coaching DECIDE restarted (its RESTART history row at the same time). */
    const restartedCase = (a: OracleAnalysis, at: string, businessStartedOn: string | null) =>
      kase(a.officeId, {
        founderId: a.founderId,
        businessStartedOn,
        history: [
          {
            seq: 5,
            at,
            event: 'RESTART',
            payload: { resetAnalysisId: a.id },
            writtenOfficeId: a.officeId,
          },
        ],
      });

    beforeAll(async () => {
      [mine, other] = [await office(), await office()];
      lead = (await staff('Lead', [{ officeId: mine, role: 'lead' }])).auth;
      const r3 = analysis(
        mine,
        { at: '2024-03-31T22:30:00Z', recommendation: 'restart_with_coaching' },
        { at: '2024-04-10T09:00:00Z', event: 'DECIDE' },
      );
      const r4 = analysis(
        mine,
        { at: '2024-04-05T10:00:00Z', recommendation: 'restart_with_coaching' },
        { at: '2024-05-01T09:00:00Z', event: 'DECIDE' },
      );
      const r5 = analysis(
        mine,
        { at: '2024-05-05T10:00:00Z', recommendation: 'restart_with_coaching' },
        { at: '2024-07-02T09:00:00Z', event: 'DECIDE' },
      );
      const analyses = [
        analysis(
          mine,
          { at: '2024-01-10T10:00:00Z', recommendation: 'give_up' },
          { at: '2024-02-01T10:00:00Z', event: 'DECIDE', accepted: true },
        ),
        analysis(
          mine,
          { at: '2024-02-10T10:00:00Z', recommendation: 'quick_exit' },
          { at: '2024-03-01T10:00:00Z', event: 'DECIDE', accepted: false },
        ),
        r3,
        r4,
        r5,
        analysis(
          mine,
          { at: '2024-06-01T10:00:00Z', recommendation: 'give_up' },
          { at: '2024-06-10T10:00:00Z', event: 'CANCEL' },
        ),
        analysis(mine, null),
        analysis(mine, { at: '2023-12-31T12:00:00Z', recommendation: 'give_up' }),
        analysis(other, { at: '2024-01-10T10:00:00Z', recommendation: 'quick_exit' }),
      ];
      await write({
        offices: [mine, other],
        analyses,
        cases: [
          // A business started on the day of the restart counts as founded after it.
          restartedCase(r3, '2024-04-10T09:00:00Z', '2024-04-10'),
          // A business start the day before the restart (a reopened case keeps its first
          // founding's) is not after it.
          restartedCase(r4, '2024-05-01T09:00:00Z', '2024-04-30'),
          restartedCase(r5, '2024-07-02T09:00:00Z', '2024-07-15'),
        ],
      });
    });

    it('counts the recommendations of each quarter and what became of each as of `to`', async () => {
      const res = await report('reset', lead, {
        from: '2024-01-01',
        to: '2024-06-30',
        groupBy: 'quarter',
      }).expect(200);
      expect(res.body.rows).toHaveLength(2);
      expect(res.body.rows[0]).toEqual(
        expect.objectContaining({
          officeId: mine,
          period: '2024-Q1',
          recommended: 2,
          recommendedGiveUp: 1,
          recommendedQuickExit: 1,
          recommendedRestartWithCoaching: 0,
          accepted: 1,
          declined: 1,
          cancelled: 0,
          stillOpen: 0,
          restarted: 0,
          foundedAfterRestart: 0,
          gaveUp: 1,
        }),
      );
      expect(res.body.rows[1]).toEqual(
        expect.objectContaining({
          period: '2024-Q2',
          recommended: 4,
          recommendedGiveUp: 1,
          recommendedQuickExit: 0,
          recommendedRestartWithCoaching: 3,
          accepted: 2,
          declined: 0,
          cancelled: 1,
          stillOpen: 1,
          restarted: 2,
          foundedAfterRestart: 1,
          gaveUp: 0,
        }),
      );
    });

    it('moves a decision after `to` from still open to accepted and restarted when `to` is later', async () => {
      const res = await report('reset', lead, {
        from: '2024-04-01',
        to: '2024-12-31',
        groupBy: 'year',
      }).expect(200);
      expect(res.body.rows).toEqual([
        expect.objectContaining({
          period: '2024',
          recommended: 4,
          accepted: 3,
          stillOpen: 0,
          restarted: 3,
          foundedAfterRestart: 2,
        }),
      ]);
    });
  });

  describe('caseload', () => {
    let mine: string;
    let lead: { Authorization: string };
    let anna: { id: string; auth: { Authorization: string } };
    let bert: string;
    let carla: string;
    const berlinNoon = (daysAgo: number) => `${addDays(todayInBerlin(), -daysAgo)}T12:00:00+01:00`;

    beforeAll(async () => {
      mine = await office();
      const l = await staff('Carla Lead', [{ officeId: mine, role: 'lead' }]);
      [lead, carla] = [l.auth, l.id];
      anna = await staff('Anna Advisor', [{ officeId: mine, role: 'advisor' }]);
      bert = (await staff('Bert Inactive', [{ officeId: mine, role: 'advisor' }], false)).id;
      await staff('Dora Auditor', [{ officeId: mine, role: 'auditor' }]);
      const other = await office();
      await write({
        offices: [mine, other],
        analyses: [],
        cases: [
          kase(mine, { advisorId: anna.id, phase: 'access', updatedAt: berlinNoon(0) }),
          kase(mine, {
            advisorId: anna.id,
            phase: 'access',
            status: 'paused',
            updatedAt: berlinNoon(100),
          }),
          kase(mine, { advisorId: anna.id, phase: 'planning', updatedAt: berlinNoon(61) }),
          kase(mine, { advisorId: anna.id, phase: 'planning', updatedAt: berlinNoon(60) }),
          kase(mine, {
            advisorId: anna.id,
            phase: 'planning',
            status: 'closed',
            updatedAt: berlinNoon(200),
          }),
          kase(mine, { advisorId: bert, phase: 'launch', updatedAt: berlinNoon(5) }),
          kase(mine, { phase: 'consolidation', updatedAt: berlinNoon(90) }),
          kase(other, { advisorId: anna.id, phase: 'access' }),
        ],
      });
    });

    const cells = (rows: Record<string, unknown>[]) =>
      rows.map((r) => [r.advisorName, r.phase, r.openCases, r.pausedCases, r.untouchedCases]);

    it('lists every active advisor and lead, anyone with open cases, and the unassigned, per phase', async () => {
      const res = await report('caseload', lead, {}).expect(200);
      const rows = res.body.rows;
      expect(rows).toHaveLength(4 * PHASES.length);
      expect([...new Set(rows.map((r: { advisorName: string }) => r.advisorName))]).toEqual([
        'Anna Advisor',
        'Bert Inactive',
        'Carla Lead',
        null,
      ]);
      expect(
        rows
          .filter((r: { advisorId: string }) => r.advisorId === carla)
          .every((r: { openCases: number }) => r.openCases === 0),
      ).toBe(true);
      expect(cells(rows.filter((r: { advisorId: string }) => r.advisorId === anna.id))).toEqual([
        ['Anna Advisor', 'access', 2, 1, 1],
        ['Anna Advisor', 'first_counselling', 0, 0, 0],
        ['Anna Advisor', 'planning', 2, 0, 1],
        ['Anna Advisor', 'launch', 0, 0, 0],
        ['Anna Advisor', 'consolidation', 0, 0, 0],
      ]);
      expect(cells(rows.filter((r: { advisorId: string }) => r.advisorId === bert))).toContainEqual(
        ['Bert Inactive', 'launch', 1, 0, 0],
      );
      expect(cells(rows.filter((r: { advisorId: string }) => r.advisorId === null))).toContainEqual(
        [null, 'consolidation', 1, 0, 1],
      );
      const thirty = await report('caseload', lead, { staleDays: '30' }).expect(200);
      expect(
        cells(thirty.body.rows.filter((r: { advisorId: string }) => r.advisorId === anna.id))[2],
      ).toEqual(['Anna Advisor', 'planning', 2, 0, 2]);
    });

    it('shows an advisor only the rows of their own cases', async () => {
      const res = await report('caseload', anna.auth, {}).expect(200);
      expect(res.body.rows).toHaveLength(PHASES.length);
      expect(res.body.rows.every((r: { advisorId: string }) => r.advisorId === anna.id)).toBe(true);
      expect(res.body.rows[0]).toMatchObject({ officeId: mine, phase: 'access', openCases: 2 });
      await report('outcomes', anna.auth, {}).expect(403);
      await report('reset', anna.auth, {}).expect(403);
    });

    it('refuses another office and a bad staleDays with a 4xx problem', async () => {
      const res = await report('caseload', lead, { officeId: w.officeA });
      expect([res.status, res.body.code]).toEqual([403, 'forbidden']);
      for (const staleDays of ['0', '3651', 'abc', '1.5', '-1', '']) {
        const bad = await report('caseload', lead, { staleDays });
        expect({ staleDays, status: bad.status, code: bad.body.code }).toEqual({
          staleDays,
          status: 400,
          code: 'validation_failed',
        });
        expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      await report('caseload', lead, { staleDays: '3650' }).expect(200);
    });
  });

  it('renders the three reports as CSV, XLSX and an SVG chart', async () => {
    for (const name of ['outcomes', 'reset', 'caseload'])
      for (const format of ['csv', 'xlsx', 'svg']) {
        const res = await report(name, w.as('leadA'), { format, lang: 'en' })
          .buffer(true)
          .parse((r, done) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => done(null, Buffer.concat(chunks)));
          });
        expect({ name, format, status: res.status }).toEqual({ name, format, status: 200 });
        const body = res.body as Buffer;
        expect(body.length).toBeGreaterThan(100);
        if (format === 'svg') expect(body.toString('utf8')).toMatch(/<svg[\s\S]*<\/svg>/);
      }
  });

  describe('equal to a brute-force evaluation of the definitions over random facts', () => {
    const today = todayInBerlin();
    const day = fc.oneof(
      fc.integer({ min: -900, max: 40 }).map((n) => addDays(today, n)),
      fc
        .integer({ min: -30, max: 1 })
        .map((m) => addDays(addMonths(`${today.slice(0, 8)}01`, m), -1)),
    );
    const hours = fc.constantFrom('00:10', '11:00', '21:50', '22:30', '23:45');
    const instant = fc.tuple(day, hours).map(([d, h]) => `${d}T${h}:00Z`);
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 3 });

    const scenario = fc.record({
      users: fc.array(
        fc.record({
          active: fc.boolean(),
          roles: fc.tuple(
            fc.constantFrom(null, 'advisor', 'lead', 'auditor'),
            fc.constantFrom(null, 'advisor', 'lead', 'auditor'),
          ),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      cases: fc.array(
        fc.record({
          office: fc.integer({ min: 0, max: 1 }),
          advisor: fc.integer({ min: -1, max: 3 }),
          phase: fc.constantFrom(...PHASES),
          status: fc.constantFrom('active', 'paused', 'closed'),
          updatedAt: instant,
          businessStartedOn: maybe(day),
          anchored: maybe(
            fc.record({
              mark: fc.constantFrom(6, 12, 24),
              offset: fc.integer({ min: -1, max: 1 }),
            }),
          ),
          benefitsEndedOn: maybe(day),
          followUps: fc.array(
            fc.record({
              mark: fc.constantFrom(6, 12, 24),
              offset: fc.integer({ min: -3, max: 3 }),
              atEnd: fc.boolean(),
              still: fc.boolean(),
            }),
            { maxLength: 4 },
          ),
          history: fc.array(
            fc.record({
              at: instant,
              event: fc.constantFrom('COMPLETE', 'DROP_OUT', 'PAUSE'),
              outcome: fc.constantFrom(null, 'founded_main', 'founded_side', 'employment', 'other'),
              writtenBy: fc.integer({ min: 0, max: 1 }),
            }),
            { maxLength: 3 },
          ),
        }),
        { maxLength: 10 },
      ),
      analyses: fc.array(
        fc.record({
          office: fc.integer({ min: 0, max: 1 }),
          recommended: fc.constantFrom(true, true, false),
          at: instant,
          // Or a day within the report's period (at its hour), so that most analyses count.
          inPeriod: fc.option(fc.nat(), { nil: null, freq: 2 }),
          // Restarts are the longest path: drawn more often.
          recommendation: fc.constantFrom(
            'give_up',
            'quick_exit',
            'restart_with_coaching',
            'restart_with_coaching',
          ),
          left: fc.constantFrom(null, 'DECIDE', 'DECIDE', 'CANCEL'),
          accepted: fc.boolean(),
          afterDays: fc.integer({ min: 0, max: 120 }),
          startedAfterDays: maybe(
            fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -30, max: 90 })),
          ),
        }),
        { maxLength: 6 },
      ),
      query: fc.record({
        offices: fc.constantFrom([0], [1], [0, 1]),
        from: day,
        days: fc.integer({ min: 0, max: 800 }),
        groupBy: fc.constantFrom(...GROUP_BY),
        staleDays: fc.integer({ min: 1, max: 120 }),
      }),
    });

    it('answers outcomes, reset and caseload as the reference does', async () => {
      let run = 0;
      const seen = { foundings: 0, active: 0, recommended: 0, restarted: 0, untouched: 0, own: 0 };
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          run += 1;
          const offices = [await office(), await office()];
          const readerOf = offices.map((officeId) => ({ officeId, role: 'lead' as const }));
          const reader = await staff(`U${run}-r`, readerOf);
          // The reader is a lead of both offices, so the caseload lists them too.
          const users: OracleUser[] = [
            { id: reader.id, name: `U${run}-r`, active: true, memberships: readerOf },
          ];
          const auths = new Map<string, { Authorization: string }>();
          for (const [i, u] of s.users.entries()) {
            const memberships = u.roles.flatMap((role, k) =>
              role ? [{ officeId: offices[k], role: role }] : [],
            );
            const made = await staff(`U${run}-${i}`, memberships, u.active);
            users.push({ id: made.id, name: `U${run}-${i}`, active: u.active, memberships });
            auths.set(made.id, made.auth);
          }
          const officeIds = s.query.offices.map((i) => offices[i]);
          const params: OracleParams = {
            officeIds,
            from: s.query.from,
            to: addDays(s.query.from, s.query.days),
            groupBy: s.query.groupBy,
            today,
            staleDays: s.query.staleDays,
            advisorId: null,
          };
          const asOf = params.to < today ? params.to : today;
          const cases: OracleCase[] = s.cases.map((c) => {
            const id = randomUUID();
            // Some business starts lie N months (give or take a day) before the end of the
            // report (min(to, today)), so that marks fall on and around its last day.
            const started = c.anchored
              ? addDays(addMonths(asOf, -c.anchored.mark), c.anchored.offset)
              : c.businessStartedOn;
            return {
              id,
              officeId: offices[c.office],
              founderId: randomUUID(),
              advisorId: c.advisor >= 0 && c.advisor < users.length ? users[c.advisor].id : null,
              phase: c.phase,
              status: c.status,
              updatedAt: c.updatedAt,
              businessStartedOn: started,
              benefitsEndedOn: c.benefitsEndedOn,
              followUps: started
                ? c.followUps.map((u, i) => ({
                    seq: i + 1,
                    on: addDays(u.atEnd ? asOf : addMonths(started, u.mark), u.offset),
                    stillSelfEmployed: u.still,
                  }))
                : [],
              history: c.history.map((h, i): OracleCase['history'][number] => ({
                seq: i + 1,
                at: h.at,
                event: h.event,
                payload:
                  h.event === 'COMPLETE' && h.outcome
                    ? { outcome: h.outcome }
                    : h.event === 'DROP_OUT'
                      ? { reasonCode: 'moved' }
                      : {},
                writtenOfficeId: offices[h.writtenBy],
              })),
            };
          });
          const analyses: OracleAnalysis[] = s.analyses.map((a) => {
            const officeId = offices[a.office];
            const founderId = randomUUID();
            const id = randomUUID();
            const at =
              a.inPeriod === null
                ? a.at
                : `${addDays(params.from, a.inPeriod % (s.query.days + 1))}${a.at.slice(10)}`;
            const leftAt = new Date(Date.parse(at) + a.afterDays * 86_400_000).toISOString();
            const history: OracleAnalysis['history'] = a.recommended
              ? [
                  {
                    seq: 1,
                    at,
                    event: 'RECOMMEND',
                    fromState: 'assessed',
                    toState: 'recommended',
                    payload: { recommendation: a.recommendation },
                  },
                  ...(a.left
                    ? [
                        {
                          seq: 2,
                          at: leftAt,
                          event: a.left,
                          fromState: 'recommended',
                          toState: a.left === 'DECIDE' ? 'decided' : 'cancelled',
                          payload: a.left === 'DECIDE' ? { accepted: a.accepted } : {},
                        },
                      ]
                    : []),
                ]
              : [
                  {
                    seq: 1,
                    at: a.at,
                    event: 'CANCEL',
                    fromState: 'analysis',
                    toState: 'cancelled',
                    payload: {},
                  },
                ];
            if (
              a.recommended &&
              a.left === 'DECIDE' &&
              a.accepted &&
              a.recommendation === 'restart_with_coaching'
            )
              cases.push({
                id: randomUUID(),
                officeId,
                founderId,
                advisorId: null,
                phase: 'planning',
                status: 'active',
                updatedAt: leftAt,
                businessStartedOn:
                  a.startedAfterDays === null
                    ? null
                    : addDays(leftAt.slice(0, 10), a.startedAfterDays),
                benefitsEndedOn: null,
                followUps: [],
                history: [
                  {
                    seq: 1,
                    at: leftAt,
                    event: 'RESTART',
                    payload: { resetAnalysisId: id },
                    writtenOfficeId: officeId,
                  },
                ],
              });
            return { id, officeId, founderId, history };
          });
          const facts: OracleFacts = { offices, users, cases, analyses };
          await write(facts);

          const query = {
            officeId: officeIds.join(','),
            from: params.from,
            to: params.to,
            groupBy: params.groupBy,
            staleDays: String(params.staleDays),
          };
          const answer = async (
            name: string,
            expected: Record<string, unknown>[],
            auth = reader.auth,
            q: object = query,
          ) => {
            const res = await report(name, auth, q);
            expect(res.status).toBe(200);
            const got = (res.body.rows as Record<string, unknown>[]).map((row, i) =>
              Object.fromEntries(Object.keys(expected[i] ?? row).map((k) => [k, row[k]])),
            );
            expect({ name, params, rows: got }).toEqual({ name, params, rows: expected });
            return res.body.rows as Record<string, number>[];
          };
          const outcomes = await answer('outcomes', oracleOutcomes(facts, params));
          const reset = await answer('reset', oracleReset(facts, params));
          const caseload = await answer('caseload', oracleCaseload(facts, params));
          seen.foundings += outcomes.reduce((n, r) => n + r.foundings, 0);
          seen.active += outcomes.reduce(
            (n, r) => n + r.activeAfter6Months + r.inactiveAfter12Months,
            0,
          );
          seen.recommended += reset.reduce((n, r) => n + r.recommended, 0);
          seen.restarted += reset.reduce((n, r) => n + r.restarted, 0);
          seen.untouched += caseload.reduce((n, r) => n + r.untouchedCases, 0);

          // An advisor of the first office (no reports.read there) reads their own caseload.
          const own = users.find(
            (u) =>
              u.active &&
              u.memberships.some((m) => m.officeId === offices[0] && m.role === 'advisor'),
          );
          if (own) {
            seen.own += 1;
            await answer(
              'caseload',
              oracleCaseload(facts, { ...params, officeIds: [offices[0]], advisorId: own.id }),
              auths.get(own.id),
              { officeId: offices[0], staleDays: query.staleDays },
            );
          }
        }),
        fuzzOptions(60, 30_000),
      );
      // The random facts reached every kind of figure (else the property would prove little).
      for (const [k, n] of Object.entries(seen))
        expect({ k, reached: n > 0 }).toEqual({ k, reached: true });
    }, 60_000);
  });
});
