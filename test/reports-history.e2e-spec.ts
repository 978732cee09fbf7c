import fc from 'fast-check';
import { TokenService } from '../src/auth/token.service';
import { todayInBerlin } from '../src/common/time/iso-date';
import { fuzzOptions } from './support/fuzz';
import {
  cohortsReference,
  editCase,
  funnelReference,
  newCase,
  pickKeys,
  timeInPhaseReference,
  walk,
  writeCases,
  type GroupBy,
  type HCase,
  type HRow,
  type Query,
} from './support/history-reports';
import type { TestApp } from './support/test-app';
import { useSeededApp, type World } from './support/world';

/**
 * The funnel, time-in-phase and cohorts reports against a brute-force recomputation from the
 * cases and their histories (support/history-reports.ts), never from report_day_count: random
 * walks of many cases through the real machine with random dates, written with SQL through the
 * real tables (so the triggers keep the daily counts), then each report over HTTP under random
 * offices, periods and grouping. Plus hand-made histories for every figure, office isolation, a
 * hand-over and the bucket edges.
 */

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const row = (
  event: string,
  when: string,
  office: string,
  from: [string, string],
  to: [string, string],
  payload: Record<string, string> = {},
): HRow => ({
  event,
  at: at(when),
  fromPhase: from[0] as HRow['fromPhase'],
  fromStatus: from[1],
  toPhase: to[0] as HRow['toPhase'],
  toStatus: to[1],
  payload,
  office,
});

describe('reports from the history: funnel, time-in-phase, cohorts', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const get = (name: string, auth: { Authorization: string }, query: Record<string, string>) =>
    t.http().get(`/api/v1/reports/${name}`).query(query).set(auth);

  /** A lead of two fresh offices per property run: each run's data stands alone. */
  async function freshOffices(
    n: number,
  ): Promise<{ offices: string[]; auth: { Authorization: string } }> {
    const offices: string[] = [];
    for (let i = 0; i < n; i++) {
      const [o] = await t.db.query(
        `INSERT INTO office (code, name, region) VALUES ('P-' || substr(md5(random()::text), 1, 8), 'Property office', 'Test') RETURNING id`,
      );
      offices.push(o.id);
    }
    const [u] = await t.db.query(
      `INSERT INTO app_user (email, name, password_hash) VALUES ('p-' || gen_random_uuid() || '@lotse.test', 'lead', 'x') RETURNING id`,
    );
    for (const o of offices)
      await t.db.query(
        `INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'lead')`,
        [u.id, o],
      );
    const token = await t.app.get(TokenService).issue(u.id);
    return { offices, auth: { Authorization: `Bearer ${token}` } };
  }

  it('equals the brute-force recomputation from the history for random walks, periods and offices', async () => {
    const base = Date.parse('2024-01-01T00:00:00Z');
    const span = Date.parse('2026-06-30T00:00:00Z') - base;
    const date = fc
      .integer({ min: 0, max: Math.floor(span / DAY) })
      .map((d) => new Date(base + d * DAY).toISOString().slice(0, 10));
    const maybeDate = fc.option(date, { nil: null, freq: 2 });
    const kase = fc.record({
      office: fc.integer({ min: 0, max: 1 }),
      created: fc.integer({ min: 0, max: span / 60_000 }),
      steps: fc.array(
        fc.record({
          pick: fc.nat(20),
          // Same-day moves, moves within weeks, and stays of months.
          gapMinutes: fc.oneof(
            fc.integer({ min: 1, max: 600 }),
            fc.integer({ min: 600, max: 60 * 24 * 60 }),
            fc.integer({ min: 0, max: 60 * 24 * 250 }),
          ),
          detail: fc.nat(20),
        }),
        { maxLength: 12 },
      ),
      businessPlanCompletedOn: maybeDate,
      viabilityIssuedOn: maybeDate,
      fundingAppliedOn: maybeDate,
      fundingApprovedOn: maybeDate,
      businessStartedOn: maybeDate,
      mainOccupation: fc.constantFrom(true, false, null),
      // A later edit of the case (the milestone counts follow an UPDATE) and maybe a hand-over.
      edit: fc.option(
        fc.record({
          businessPlanCompletedOn: maybeDate,
          viabilityIssuedOn: maybeDate,
          fundingAppliedOn: maybeDate,
          fundingApprovedOn: maybeDate,
          businessStartedOn: maybeDate,
          mainOccupation: fc.constantFrom(true, false, null),
          handOver: fc.boolean(),
        }),
        { nil: null, freq: 3 },
      ),
    });
    const query = fc.record({
      from: date,
      days: fc.integer({ min: 0, max: 800 }),
      groupBy: fc.constantFrom<GroupBy>('month', 'quarter', 'year'),
      which: fc.constantFrom('both', 'first', 'second'),
    });
    let nonZero = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(kase, { minLength: 1, maxLength: 25 }),
        query,
        async (specs, qs) => {
          const { offices, auth } = await freshOffices(2);
          const cases: HCase[] = specs.map((s) => {
            const office = offices[s.office];
            const createdAt = new Date(base + s.created * 60_000);
            return {
              ...newCase(office, createdAt, walk(createdAt, office, s.steps)),
              businessPlanCompletedOn: s.businessPlanCompletedOn,
              viabilityIssuedOn: s.viabilityIssuedOn,
              fundingAppliedOn: s.fundingAppliedOn,
              fundingApprovedOn: s.fundingApprovedOn,
              businessStartedOn: s.businessStartedOn,
              mainOccupation: s.mainOccupation,
            };
          });
          await writeCases(t, cases);
          for (const [i, s] of specs.entries()) {
            if (!s.edit) continue;
            const { handOver, ...dates } = s.edit;
            const c = Object.assign(cases[i], dates);
            if (handOver) c.office = offices[1 - s.office];
            await editCase(t, c);
          }
          const to = new Date(Date.parse(`${qs.from}T00:00:00Z`) + qs.days * DAY)
            .toISOString()
            .slice(0, 10);
          const asked =
            qs.which === 'both' ? offices : qs.which === 'first' ? [offices[0]] : [offices[1]];
          const q: Query = {
            offices: asked,
            from: qs.from,
            to,
            groupBy: qs.groupBy,
            today: todayInBerlin(),
          };
          const params = { officeId: asked.join(','), from: q.from, to: q.to, groupBy: q.groupBy };
          for (const [name, reference] of [
            ['funnel', funnelReference],
            ['time-in-phase', timeInPhaseReference],
            ['cohorts', cohortsReference],
          ] as const) {
            const res = await get(name, auth, params);
            expect(res.status).toBe(200);
            const expected = reference(cases, q);
            expect({ name, rows: pickKeys(res.body.rows, expected) }).toEqual({
              name,
              rows: expected,
            });
            if (expected.some((r) => Object.values(r).some((v) => typeof v === 'number' && v > 0)))
              nonZero++;
          }
        },
      ),
      fuzzOptions(50, 50_000),
    );
    // The generator reaches figures, not only empty periods.
    expect(nonZero).toBeGreaterThan(30);
  }, 90_000);

  describe('a small hand-made history', () => {
    // Office A, 2025. Case 1: opened 3 Jan, first counselling 10 Jan, planning 1 Feb, step back
    // 15 Feb, planning again 1 Mar (not a second entry), paused 5 Mar, resumed, launch 1 Apr,
    // consolidation 1 Jun. Case 2: opened 20 Jan, dropped out (moved) 25 Feb, reopened 1 Mar by a
    // lead, dropped out (illness) 10 Mar. Case 3 (office B): opened and counselled in January.
    const A = () => w.officeA;
    let cases: HCase[];
    beforeAll(async () => {
      const a = A();
      const one = newCase(a, at('2025-01-03T09:00:00Z'), [
        row(
          'START_COUNSELLING',
          '2025-01-10T09:00:00Z',
          a,
          ['access', 'active'],
          ['first_counselling', 'active'],
        ),
        row(
          'START_PLANNING',
          '2025-02-01T09:00:00Z',
          a,
          ['first_counselling', 'active'],
          ['planning', 'active'],
        ),
        row(
          'STEP_BACK',
          '2025-02-15T09:00:00Z',
          a,
          ['planning', 'active'],
          ['first_counselling', 'active'],
        ),
        row(
          'START_PLANNING',
          '2025-03-01T09:00:00Z',
          a,
          ['first_counselling', 'active'],
          ['planning', 'active'],
        ),
        row('PAUSE', '2025-03-05T09:00:00Z', a, ['planning', 'active'], ['planning', 'paused']),
        row('RESUME', '2025-03-06T09:00:00Z', a, ['planning', 'paused'], ['planning', 'active']),
        row('LAUNCH', '2025-04-01T09:00:00Z', a, ['planning', 'active'], ['launch', 'active']),
        row(
          'START_CONSOLIDATION',
          '2025-06-01T09:00:00Z',
          a,
          ['launch', 'active'],
          ['consolidation', 'active'],
        ),
      ]);
      Object.assign(one, {
        businessPlanCompletedOn: '2025-03-20',
        viabilityIssuedOn: '2025-03-25',
        fundingAppliedOn: '2025-03-26',
        fundingApprovedOn: '2025-04-15',
        businessStartedOn: '2025-05-01',
        mainOccupation: true,
      });
      const two = newCase(a, at('2025-01-20T09:00:00Z'), [
        row('DROP_OUT', '2025-02-25T09:00:00Z', a, ['access', 'active'], ['access', 'closed'], {
          reasonCode: 'moved',
        }),
        row('REOPEN', '2025-03-01T09:00:00Z', a, ['access', 'closed'], ['access', 'active']),
        row('DROP_OUT', '2025-03-10T09:00:00Z', a, ['access', 'active'], ['access', 'closed'], {
          reasonCode: 'illness',
        }),
      ]);
      const b = w.officeB;
      const three = newCase(b, at('2025-01-05T09:00:00Z'), [
        row(
          'START_COUNSELLING',
          '2025-01-06T09:00:00Z',
          b,
          ['access', 'active'],
          ['first_counselling', 'active'],
        ),
      ]);
      cases = [one, two, three];
      await writeCases(t, cases);
    });
    const Q = { from: '2025-01-01', to: '2025-06-30', groupBy: 'quarter' };

    it('gives every funnel figure', async () => {
      const res = await get('funnel', w.as('leadA'), Q).expect(200);
      const zero = Object.fromEntries(
        res.body.columns
          .filter((c: { role: string }) => c.role === 'measure')
          .map((c: { key: string }) => [c.key, 0]),
      );
      expect(res.body.rows).toEqual([
        {
          ...zero,
          officeId: A(),
          officeCode: 'RUN-MZ',
          officeName: 'RUN Mainz',
          period: '2025-Q1',
          periodStart: '2025-01-01',
          accessContacts: 2,
          firstCounsellings: 1,
          planningEntries: 1,
          businessPlansCompleted: 1,
          viabilityStatementsIssued: 1,
          fundingApplied: 1,
          dropOuts: 2,
          dropOuts_moved: 1,
          dropOuts_illness: 1,
          stepBacks: 1,
          pauses: 1,
        },
        {
          ...zero,
          officeId: A(),
          officeCode: 'RUN-MZ',
          officeName: 'RUN Mainz',
          period: '2025-Q2',
          periodStart: '2025-04-01',
          launchEntries: 1,
          consolidationEntries: 1,
          fundingApproved: 1,
          foundingsMain: 1,
        },
      ]);
      // Each measure column is named, labelled and defined.
      for (const c of res.body.columns) expect(c.definition.length).toBeGreaterThan(10);
    });

    it('gives the phase stays, completed by the period they ended in and open as of to', async () => {
      const res = await get('time-in-phase', w.as('leadA'), Q).expect(200);
      const pick = (period: string, phase: string, stay: string) => {
        const r = res.body.rows.find(
          (x: Record<string, unknown>) =>
            x.periodStart === period && x.phase === phase && x.stay === stay,
        );
        return [
          r.stays,
          r.medianDays,
          r.p75Days,
          r.p90Days,
          r.days0to30,
          r.days31to90,
          r.days91to180,
          r.daysOver180,
        ];
      };
      expect(res.body.rows).toHaveLength(2 * 5 + 5);
      // access: case 1 3 Jan-10 Jan (7), case 2 20 Jan-25 Feb (36) and 1 Mar-10 Mar (9).
      expect(pick('2025-01-01', 'access', 'completed')).toEqual([3, 9, 36, 36, 2, 1, 0, 0]);
      // first_counselling: 10 Jan-1 Feb (22), 15 Feb-1 Mar (14); planning: 1-15 Feb (14),
      // 1 Mar-1 Apr (31, the pause does not end it: it ends in Q2).
      expect(pick('2025-01-01', 'first_counselling', 'completed')).toEqual([
        2, 14, 22, 22, 2, 0, 0, 0,
      ]);
      expect(pick('2025-01-01', 'planning', 'completed')).toEqual([1, 14, 14, 14, 1, 0, 0, 0]);
      expect(pick('2025-04-01', 'planning', 'completed')).toEqual([1, 31, 31, 31, 0, 1, 0, 0]);
      expect(pick('2025-04-01', 'launch', 'completed')).toEqual([1, 61, 61, 61, 0, 1, 0, 0]);
      // consolidation since 1 Jun, open as of 30 Jun: 29 days.
      expect(pick('2025-04-01', 'consolidation', 'open')).toEqual([1, 29, 29, 29, 1, 0, 0, 0]);
      expect(pick('2025-04-01', 'access', 'open')).toEqual([0, null, null, null, 0, 0, 0, 0]);
      // As of 15 Feb: case 2's first access stay and case 1's planning stay are open.
      const feb = await get('time-in-phase', w.as('leadA'), {
        from: '2025-01-01',
        to: '2025-02-14',
        groupBy: 'year',
      }).expect(200);
      const open = feb.body.rows.filter(
        (r: { stay: string; stays: number }) => r.stay === 'open' && r.stays > 0,
      );
      expect(open.map((r: Record<string, unknown>) => [r.phase, r.stays, r.medianDays])).toEqual([
        ['access', 1, 25],
        ['planning', 1, 13],
      ]);
    });

    it('gives the cohorts and their shares', async () => {
      const res = await get('cohorts', w.as('leadA'), { ...Q, groupBy: 'month' }).expect(200);
      expect(res.body.rows).toHaveLength(6);
      expect(res.body.rows[0]).toMatchObject({
        periodStart: '2025-01-01',
        cohortSize: 2,
        reachedFirstCounselling: 1,
        shareFirstCounselling: 0.5,
        reachedPlanning: 1,
        reachedLaunch: 1,
        reachedConsolidation: 1,
        shareConsolidation: 0.5,
        founded: 1,
        shareFounded: 0.5,
      });
      expect(res.body.rows[1]).toMatchObject({
        cohortSize: 0,
        reachedPlanning: 0,
        sharePlanning: null,
      });
      // By the end of March the first case had not launched nor founded.
      const march = await get('cohorts', w.as('leadA'), {
        from: '2025-01-01',
        to: '2025-03-31',
        groupBy: 'year',
      }).expect(200);
      expect(march.body.rows).toEqual([
        expect.objectContaining({
          cohortSize: 2,
          reachedPlanning: 1,
          reachedLaunch: 0,
          founded: 0,
          shareFounded: 0,
        }),
      ]);
      // Three cases of three: a share of 1/3 has four decimals.
      const c3 = [0, 1, 2].map((i) =>
        newCase(
          w.officeA,
          at(`2019-05-0${i + 1}T10:00:00Z`),
          i
            ? []
            : [
                row(
                  'START_COUNSELLING',
                  '2019-05-09T10:00:00Z',
                  w.officeA,
                  ['access', 'active'],
                  ['first_counselling', 'active'],
                ),
              ],
        ),
      );
      await writeCases(t, c3);
      const third = await get('cohorts', w.as('leadA'), {
        from: '2019-05-01',
        to: '2019-05-31',
      }).expect(200);
      expect(third.body.rows[0]).toMatchObject({
        cohortSize: 3,
        shareFirstCounselling: 0.3333,
        founded: 0,
      });
    });

    it('keeps each office to its own figures: leadA never sees B\u2019s counts', async () => {
      const a = await get('funnel', w.as('leadA'), { from: '2025-01-01', to: '2025-01-31' }).expect(
        200,
      );
      expect(a.body.rows.map((r: { officeId: string }) => r.officeId)).toEqual([w.officeA]);
      expect(a.body.rows[0]).toMatchObject({ accessContacts: 2, firstCounsellings: 1 });
      const b = await get('funnel', w.as('leadB'), { from: '2025-01-01', to: '2025-01-31' }).expect(
        200,
      );
      expect(b.body.rows).toEqual([
        expect.objectContaining({ officeId: w.officeB, accessContacts: 1, firstCounsellings: 1 }),
      ]);
      for (const name of ['funnel', 'time-in-phase', 'cohorts'])
        await get(name, w.as('leadA'), { officeId: w.officeB }).expect(403);
      const c = await get('cohorts', w.as('leadB'), {
        from: '2025-01-01',
        to: '2025-01-31',
      }).expect(200);
      expect(c.body.rows).toEqual([
        expect.objectContaining({ officeId: w.officeB, cohortSize: 1, reachedFirstCounselling: 1 }),
      ]);
    });
  });

  it('counts a handed-over case\u2019s events for the office that wrote them, its milestones for the holder', async () => {
    // Opened and counselled in A in 2023, handed over to B, planned there.
    const [a, b] = [w.officeA, w.officeB];
    const c = newCase(a, at('2023-02-01T10:00:00Z'), [
      row(
        'START_COUNSELLING',
        '2023-02-02T10:00:00Z',
        a,
        ['access', 'active'],
        ['first_counselling', 'active'],
      ),
    ]);
    c.businessPlanCompletedOn = '2023-02-20';
    await writeCases(t, [c]);
    const q = { from: '2023-02-01', to: '2023-02-28' };
    const stays = async () =>
      ((await get('time-in-phase', w.as('leadA'), q).expect(200)).body.rows as { stays: number }[])
        .map((r) => r.stays)
        .reduce((x, y) => x + y, 0);
    const cohortA = async () =>
      (await get('cohorts', w.as('leadA'), q).expect(200)).body.rows[0].cohortSize as number;
    const [staysBefore, cohortBefore] = [await stays(), await cohortA()];
    // The hand-over as src/transfers does it: the case and its rows move, written_office_id stays.
    await t.db.query(`UPDATE founder_case SET office_id = $2 WHERE id = $1`, [c.id, b]);
    await t.db.query(`UPDATE case_history SET office_id = $2 WHERE case_id = $1`, [c.id, b]);
    await t.db.query(
      `INSERT INTO case_history (case_id, seq, at, actor_type, event, from_phase, to_phase, from_status, to_status,
              payload, machine_version, case_ref, prev_hash, hash, chain_format, office_id, written_office_id)
       VALUES ($1, 2, '2023-02-10T10:00:00Z', 'system', 'TRANSFER', 'first_counselling', 'first_counselling', 'active', 'active', '{}', 1, 'c', 'x', 'y', 1, $3, $2),
              ($1, 3, '2023-02-15T10:00:00Z', 'system', 'START_PLANNING', 'first_counselling', 'planning', 'active', 'active', '{}', 1, 'c', 'x', 'y', 1, $3, $3)`,
      [c.id, a, b],
    );
    const fa = await get('funnel', w.as('leadA'), q).expect(200);
    const fb = await get('funnel', w.as('leadB'), q).expect(200);
    expect(fa.body.rows[0]).toMatchObject({
      accessContacts: 1,
      firstCounsellings: 1,
      planningEntries: 0,
      businessPlansCompleted: 0,
    });
    expect(fb.body.rows[0]).toMatchObject({
      accessContacts: 0,
      firstCounsellings: 0,
      planningEntries: 1,
      businessPlansCompleted: 1,
    });
    // Stays and cohorts count for the office holding the case now (it reads the whole history).
    const tb = await get('time-in-phase', w.as('leadB'), q).expect(200);
    expect(
      tb.body.rows.find(
        (r: Record<string, unknown>) => r.phase === 'planning' && r.stay === 'open',
      ),
    ).toMatchObject({ stays: 1, medianDays: 13 });
    expect(
      tb.body.rows.find(
        (r: Record<string, unknown>) => r.phase === 'first_counselling' && r.stay === 'completed',
      ),
    ).toMatchObject({ stays: 1, medianDays: 13 });
    // A held an access stay (completed) and a first-counselling stay (open): both left with the case.
    expect(await stays()).toBe(staysBefore - 2);
    expect(await cohortA()).toBe(cohortBefore - 1);
    const cb = await get('cohorts', w.as('leadB'), q).expect(200);
    expect(cb.body.rows[0]).toMatchObject({ reachedPlanning: expect.any(Number) });
    expect(cb.body.rows[0].cohortSize).toBeGreaterThanOrEqual(1);
  });

  it('puts the stays at the bucket edges into the right buckets: 30/31, 90/91, 180/181 days', async () => {
    // Office B, which has no stays open in 2021.
    const a = w.officeB;
    // Each case opens on 1 Jan 2021 (Berlin) and is counselled n days later; the access stays end in 2021.
    const lengths = [0, 30, 31, 90, 91, 180, 181, 200];
    const cases = lengths.map((n) => {
      const start = Date.parse('2021-01-01T08:00:00Z');
      return newCase(a, new Date(start), [
        row(
          'START_COUNSELLING',
          new Date(start + n * DAY).toISOString(),
          a,
          ['access', 'active'],
          ['first_counselling', 'active'],
        ),
      ]);
    });
    await writeCases(t, cases);
    const res = await get('time-in-phase', w.as('leadB'), {
      from: '2021-01-01',
      to: '2021-12-31',
      groupBy: 'year',
    }).expect(200);
    expect(
      res.body.rows.find(
        (r: Record<string, unknown>) => r.phase === 'access' && r.stay === 'completed',
      ),
    ).toMatchObject({
      stays: 8,
      days0to30: 2,
      days31to90: 2,
      days91to180: 2,
      daysOver180: 2,
      medianDays: 90,
      p75Days: 180,
      p90Days: 200,
    });
    // As of 31 Jan the six stays not ended yet are 30 days old (first bucket); as of 1 Feb the
    // five still open are 31 days old (second bucket).
    for (const [to, expected] of [
      ['2021-01-31', { stays: 6, days0to30: 6, days31to90: 0, medianDays: 30 }],
      ['2021-02-01', { stays: 5, days0to30: 0, days31to90: 5, medianDays: 31 }],
    ] as const) {
      const open = await get('time-in-phase', w.as('leadB'), {
        from: '2021-01-01',
        to,
        groupBy: 'year',
      }).expect(200);
      const r = open.body.rows.find(
        (x: Record<string, unknown>) => x.phase === 'access' && x.stay === 'open',
      );
      expect(r).toMatchObject(expected);
    }
  });
});
