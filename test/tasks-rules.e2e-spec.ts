import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { OfficeDb } from '../src/database/office-transaction';
import { OfficeSettingsRepository } from '../src/office-settings/office-settings.repository';
import { PHASES } from '../src/phase-model';
import { DUE_FILTERS, TASK_KINDS, type Task, type TaskKind } from '../src/tasks/task';
import type { TaskQuery } from '../src/tasks/tasks-query';
import { TasksRepository } from '../src/tasks/tasks.repository';
import { dueBounds } from '../src/tasks/tasks.service';
import { fuzzOptions } from './support/fuzz';
import {
  addDays,
  addMonths,
  oracleTasks,
  type OracleCase,
  type OracleFacts,
  type OracleSettings,
  type OracleTask,
} from './support/task-oracle';
import type { TestApp } from './support/test-app';
import { useSeededApp, type World } from './support/world';

/**
 * The desk's SQL against a brute-force evaluation of the same rules (support/task-oracle.ts):
 * random offices, settings, founders, cases, contacts, follow-ups, manual tasks, RE_SET periods
 * and a random today, written with SQL; the repository's list (whole, and walked in small pages
 * with the cursor, under a random filter) must be the oracle's.
 */

const lastOfMonth = (d: string) => addDays(addMonths(`${d.slice(0, 8)}01`, 1), -1);

/** Dates around today: near it (the rules' edges), far, and month ends (where months clamp). */
const dateAround = (today: string) =>
  fc.oneof(
    fc.integer({ min: -70, max: 70 }).map((n) => addDays(today, n)),
    fc.integer({ min: -800, max: 400 }).map((n) => addDays(today, n)),
    fc.integer({ min: -26, max: 12 }).map((m) => lastOfMonth(addMonths(today, m))),
    fc.integer({ min: -26, max: 12 }).map((m) => addDays(lastOfMonth(addMonths(today, m)), -2)),
    // A month's last days, shared by many facts: + n months lands several on one due date.
    fc.integer({ min: 0, max: 3 }).map((k) => addDays(lastOfMonth(addMonths(today, -5)), -k)),
  );
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 2 });

function scenario(users: string[]) {
  return fc
    .integer({ min: 0, max: 4 * 365 })
    .map((n) => addDays('2024-01-01', n))
    .chain((today) => {
      const date = dateAround(today);
      const settings = fc.record({
        stored: fc.boolean(),
        eksFinalOffsetMonths: fc.integer({ min: 0, max: 12 }),
        fundingLeadDays: fc.integer({ min: 1, max: 180 }),
        einstiegsgeldWarningDays: fc.integer({ min: 1, max: 365 }),
        staleDays: fc.dictionary(fc.constantFrom(...PHASES), fc.integer({ min: 0, max: 90 })),
        currentConsentVersion: maybe(fc.constantFrom('v1', 'v2')),
        consentVersionSince: maybe(date),
      });
      const kase = fc.record({
        office: fc.integer({ min: 0, max: 1 }),
        founder: fc.record({
          benefitStatus: fc.constantFrom('sgb2', 'sgb2', 'sgb3', null),
          consentVersion: fc.constantFrom('v1', 'v2', null),
          followUpConsentOn: maybe(date),
          erased: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        }),
        advisorId: maybe(fc.constantFrom(...users)),
        phase: fc.constantFrom(...PHASES),
        status: fc.constantFrom<OracleCase['status']>('active', 'active', 'paused', 'closed'),
        firstCounsellingScheduledOn: maybe(date),
        fundingRoute: fc.constantFrom(
          'einstiegsgeld',
          'einstiegsgeld',
          'einstiegsgeld',
          'gruendungszuschuss',
          'sgb2_16c',
          'none',
          null,
        ),
        plannedStartOn: maybe(date),
        fundingAppliedOn: fc.option(date, { nil: null, freq: 1 }),
        businessStartedOn: fc.option(date, { nil: null, freq: 1 }),
        funding: fc.tuple(maybe(date.map((d) => addMonths(d, -24))), maybe(date)),
        benefitPeriodEndsOn: maybe(date),
        finalIncomeDeclaredOn: fc.option(date, { nil: null, freq: 1 }),
        exitedOn: maybe(date),
        updatedMinutesAgo: fc.integer({ min: -60 * 24, max: 200 * 24 * 60 }),
        contacts: fc.array(fc.constantFrom('first_counselling', 'counselling'), { maxLength: 2 }),
        followUps: fc.array(date, { maxLength: 2 }),
        manual: fc.array(
          fc.record({
            dueOn: date,
            assigneeId: maybe(fc.constantFrom(...users)),
            done: fc.boolean(),
          }),
          { maxLength: 2 },
        ),
        analysis: fc.option(
          fc.record({
            linked: fc.boolean(),
            cancelled: fc.boolean(),
            periods: fc.uniqueArray(
              fc.record({
                start: date,
                versions: fc.array(
                  fc.record({
                    length: fc.integer({ min: 0, max: 200 }),
                    kind: fc.constantFrom<'provisional' | 'final'>(
                      'provisional',
                      'provisional',
                      'final',
                    ),
                    finalDeclarationDueOn: maybe(date),
                  }),
                  { minLength: 1, maxLength: 3 },
                ),
              }),
              { maxLength: 2, selector: (p) => p.start },
            ),
          }),
          { nil: null, freq: 2 },
        ),
      });
      const filter = fc.record({
        due: fc.constantFrom(...DUE_FILTERS),
        assigneeId: maybe(fc.constantFrom(...users)),
        kinds: fc.option(fc.subarray([...TASK_KINDS], { minLength: 1 }), { nil: null, freq: 2 }),
        pageSize: fc.integer({ min: 1, max: 4 }),
      });
      return fc.record({
        today: fc.constant(today),
        settings: fc.tuple(settings, settings),
        cases: fc.array(kase, { minLength: 10, maxLength: 40, size: 'max' }),
        filter,
      });
    });
}

type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer S> ? S : never;

const fields = (t: Task | OracleTask): OracleTask => ({
  id: t.id,
  kind: t.kind,
  officeId: t.officeId,
  caseId: t.caseId,
  analysisId: t.analysisId,
  dueOn: t.dueOn,
  horizonOn: t.horizonOn,
  assigneeId: t.assigneeId,
  title: t.title,
});

describe('the desk’s rules: the SQL equals a brute-force evaluation', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  /** Writes a scenario into two new offices; answers the facts as the oracle reads them. */
  async function write(s: Scenario, caseIds: string[] = []): Promise<OracleFacts> {
    const offices: string[] = [];
    for (let i = 0; i < 2; i++) {
      const [o] = await t.db.query(
        `INSERT INTO office (code, name, region) VALUES ($1, 'Desk', 'R') RETURNING id`,
        [`D-${randomUUID().slice(0, 8)}`],
      );
      offices.push(o.id as string);
    }
    const facts: OracleFacts = {
      settings: [],
      founders: [],
      cases: [],
      contacts: [],
      followUps: [],
      manualTasks: [],
      analyses: [],
      periods: [],
    };
    const storedSettings: unknown[] = [];
    s.settings.forEach((x, i) => {
      const staleDays = { ...Object.fromEntries(PHASES.map((p) => [p, 60])), ...x.staleDays };
      const stored: OracleSettings = {
        officeId: offices[i],
        eksFinalOffsetMonths: x.stored ? x.eksFinalOffsetMonths : 2,
        fundingLeadDays: x.stored ? x.fundingLeadDays : 14,
        einstiegsgeldWarningDays: x.stored ? x.einstiegsgeldWarningDays : 60,
        staleDays: x.stored ? staleDays : Object.fromEntries(PHASES.map((p) => [p, 60])),
        currentConsentVersion: x.stored ? x.currentConsentVersion : null,
        consentVersionSince: x.stored ? x.consentVersionSince : null,
      };
      facts.settings.push(stored);
      if (x.stored) storedSettings.push({ ...stored, staleDays: x.staleDays });
    });
    const noon = Date.parse(`${s.today}T12:00:00Z`);
    let seq = 0;
    for (const c of s.cases) {
      const officeId = offices[c.office];
      const founderId = randomUUID();
      const caseId = caseIds[facts.cases.length] ?? randomUUID();
      facts.founders.push({ id: founderId, officeId, ...c.founder });
      const [a, b] = c.funding;
      const [fundingStartsOn, fundingEndsOn] = a && b && b < a ? [b, a] : [a, b];
      facts.cases.push({
        id: caseId,
        officeId,
        founderId,
        advisorId: c.advisorId,
        phase: c.phase,
        status: c.status,
        firstCounsellingScheduledOn: c.firstCounsellingScheduledOn,
        fundingRoute: c.fundingRoute,
        plannedStartOn: c.plannedStartOn,
        fundingAppliedOn: c.fundingAppliedOn,
        businessStartedOn: c.businessStartedOn,
        fundingStartsOn,
        fundingEndsOn,
        benefitPeriodEndsOn: c.benefitPeriodEndsOn,
        finalIncomeDeclaredOn: c.finalIncomeDeclaredOn,
        exitedOn: c.exitedOn,
        updatedAt: new Date(noon - c.updatedMinutesAgo * 60_000 - (seq++ % 7) * 1000),
      });
      for (const kind of c.contacts) facts.contacts.push({ caseId, kind });
      for (const on of c.followUps) facts.followUps.push({ caseId, on });
      for (const m of c.manual)
        facts.manualTasks.push({ id: randomUUID(), caseId, title: 'Anruf', ...m });
      if (c.analysis) {
        const analysisId = randomUUID();
        facts.analyses.push({
          id: analysisId,
          officeId,
          founderId,
          caseId: c.analysis.linked ? caseId : null,
          cancelled: c.analysis.cancelled,
        });
        for (const p of c.analysis.periods)
          p.versions.forEach((v, i) =>
            facts.periods.push({
              analysisId,
              periodStart: p.start,
              version: i + 1,
              periodEnd: addDays(p.start, v.length),
              kind: v.kind,
              finalDeclarationDueOn: v.finalDeclarationDueOn,
            }),
          );
      }
    }

    const q = (sql: string, rows: unknown[]) =>
      rows.length ? t.db.query(sql, [JSON.stringify(rows)]) : Promise.resolve();
    await q(
      `INSERT INTO office_settings (office_id, eks_final_offset_months, funding_lead_days, einstiegsgeld_warning_days, stale_days, current_consent_version, consent_version_since)
       SELECT "officeId", "eksFinalOffsetMonths", "fundingLeadDays", "einstiegsgeldWarningDays", "staleDays", "currentConsentVersion", "consentVersionSince"
         FROM jsonb_to_recordset($1::jsonb) AS x("officeId" uuid, "eksFinalOffsetMonths" int, "fundingLeadDays" int, "einstiegsgeldWarningDays" int, "staleDays" jsonb, "currentConsentVersion" text, "consentVersionSince" date)`,
      storedSettings,
    );
    await q(
      `INSERT INTO founder (id, office_id, first_name, last_name, benefit_status, consent_given_on, consent_version, follow_up_consent_on, erased_at)
       SELECT id, "officeId", 'A', 'B', "benefitStatus", CASE WHEN "consentVersion" IS NOT NULL THEN date '2024-01-01' END,
              "consentVersion", "followUpConsentOn", CASE WHEN erased THEN now() END
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "officeId" uuid, "benefitStatus" text, "consentVersion" text, "followUpConsentOn" date, erased boolean)`,
      facts.founders,
    );
    await q(
      `INSERT INTO founder_case (id, office_id, founder_id, advisor_id, phase, status, machine_version, state,
              first_counselling_scheduled_on, funding_route, planned_start_on, funding_applied_on, business_started_on,
              funding_starts_on, funding_ends_on, benefit_period_ends_on, final_income_declared_on, exited_on, updated_at)
       SELECT id, "officeId", "founderId", "advisorId", phase, status, 1, '{}', "firstCounsellingScheduledOn", "fundingRoute",
              "plannedStartOn", "fundingAppliedOn", "businessStartedOn", "fundingStartsOn", "fundingEndsOn",
              "benefitPeriodEndsOn", "finalIncomeDeclaredOn", "exitedOn", "updatedAt"
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "officeId" uuid, "founderId" uuid, "advisorId" uuid, phase text,
              status text, "firstCounsellingScheduledOn" date, "fundingRoute" text, "plannedStartOn" date,
              "fundingAppliedOn" date, "businessStartedOn" date, "fundingStartsOn" date, "fundingEndsOn" date,
              "benefitPeriodEndsOn" date, "finalIncomeDeclaredOn" date, "exitedOn" date, "updatedAt" timestamptz)`,
      facts.cases,
    );
    await q(
      `INSERT INTO case_contact (case_id, office_id, "on", minutes, format, kind)
       SELECT "caseId", c.office_id, date '2024-01-01', 30, 'phone', kind
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, kind text) JOIN founder_case c ON c.id = "caseId"`,
      facts.contacts,
    );
    await q(
      `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed)
       SELECT c.office_id, "caseId", row_number() OVER (), "on", 'employed', false
         FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, "on" date) JOIN founder_case c ON c.id = "caseId"`,
      facts.followUps,
    );
    await q(
      `INSERT INTO case_task (id, office_id, case_id, title, due_on, assignee_id, done_at)
       SELECT x.id, c.office_id, "caseId", title, "dueOn", "assigneeId", CASE WHEN done THEN now() END
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "caseId" uuid, title text, "dueOn" date, "assigneeId" uuid, done boolean)
         JOIN founder_case c ON c.id = "caseId"`,
      facts.manualTasks,
    );
    await q(
      `INSERT INTO reset_analysis (id, office_id, founder_id, state, machine_version, snapshot, business, household_members,
              extra_needs_monthly_cents, housing_costs_monthly_cents, other_income_monthly_cents, case_id)
       SELECT id, "officeId", "founderId", CASE WHEN cancelled THEN 'cancelled' ELSE 'analysis' END, 1, '{}', '{}', '[]', 0, 0, 0, "caseId"
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "officeId" uuid, "founderId" uuid, "caseId" uuid, cancelled boolean)`,
      facts.analyses,
    );
    await q(
      `INSERT INTO reset_period_version (analysis_id, office_id, period_start, version, period_end, kind, final_declaration_due_on, months)
       SELECT "analysisId", a.office_id, "periodStart", x.version, "periodEnd", kind, "finalDeclarationDueOn", ARRAY[date_trunc('month', "periodStart")::date]
         FROM jsonb_to_recordset($1::jsonb) AS x("analysisId" uuid, "periodStart" date, version int, "periodEnd" date, kind text, "finalDeclarationDueOn" date)
         JOIN reset_analysis a ON a.id = "analysisId"`,
      facts.periods,
    );
    return facts;
  }

  async function read(officeIds: string[], q: TaskQuery): Promise<Task[]> {
    const db = t.app.get(OfficeDb);
    return db.run({ officeIds }, async (tx) =>
      t.app
        .get(TasksRepository)
        .open(tx, await t.app.get(OfficeSettingsRepository).forOffices(tx), q),
    );
  }

  it('lists exactly the open tasks the rules give, in (dueOn, id) order, whole and in pages', async () => {
    const users = [w.users.advisorA.id, w.users.leadA.id];
    const seen = new Map<string, number>();
    let walksWithPages = 0;
    await fc.assert(
      fc.asyncProperty(scenario(users), async (s) => {
        const facts = await write(s);
        const offices = facts.settings.map((x) => x.officeId);
        const everything = oracleTasks(facts, s.today);
        for (const x of everything) seen.set(x.kind, (seen.get(x.kind) ?? 0) + 1);

        const all: TaskQuery = {
          today: s.today,
          kinds: TASK_KINDS,
          minDue: null,
          maxDue: null,
          after: null,
          assigneeId: null,
          rows: 10_000,
        };
        expect((await read(offices, all)).map(fields)).toEqual(everything);

        const f = s.filter;
        const kinds: readonly TaskKind[] = f.kinds ?? TASK_KINDS;
        const bounds = dueBounds(f.due, s.today);
        const expected = everything.filter(
          (x) =>
            kinds.includes(x.kind as TaskKind) &&
            (f.assigneeId === null || x.assigneeId === f.assigneeId) &&
            (bounds.minDue === null || x.dueOn >= bounds.minDue) &&
            (bounds.maxDue === null || x.dueOn <= bounds.maxDue),
        );
        const walked: Task[] = [];
        let after: TaskQuery['after'] = null;
        for (;;) {
          const page = await read(offices, {
            ...all,
            ...bounds,
            kinds,
            assigneeId: f.assigneeId,
            after,
            rows: f.pageSize,
          });
          walked.push(...page);
          if (page.length < f.pageSize) break;
          const last = page[page.length - 1];
          after = [last.dueOn, last.id];
        }
        expect(walked.map(fields)).toEqual(expected);
        if (expected.length > f.pageSize) walksWithPages++;
      }),
      fuzzOptions(80, 25_000),
    );
    // The scenarios reach every rule, several times, and the pages cut the lists.
    const rare = TASK_KINDS.filter((kind) => (seen.get(kind) ?? 0) < 10);
    expect({ rare, seen }).toEqual({ rare: [], seen });
    expect(walksWithPages).toBeGreaterThan(20);
  }, 60_000);

  it('pages through tasks that months put on one due date, in id order (Jan 28–31 + 1 month)', async () => {
    const quiet = {
      stored: true,
      eksFinalOffsetMonths: 1,
      fundingLeadDays: 14,
      einstiegsgeldWarningDays: 60,
      staleDays: { access: 900 },
      currentConsentVersion: null,
      consentVersionSince: null,
    };
    const kase = (benefitPeriodEndsOn: string): Scenario['cases'][number] => ({
      office: 0,
      founder: {
        benefitStatus: 'sgb2',
        consentVersion: null,
        followUpConsentOn: null,
        erased: false,
      },
      advisorId: null,
      phase: 'access',
      status: 'active',
      firstCounsellingScheduledOn: null,
      fundingRoute: null,
      plannedStartOn: null,
      fundingAppliedOn: null,
      businessStartedOn: null,
      funding: [null, null],
      benefitPeriodEndsOn,
      finalIncomeDeclaredOn: null,
      exitedOn: null,
      updatedMinutesAgo: 0,
      contacts: [],
      followUps: [],
      manual: [],
      analysis: null,
    });
    const ends = ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'];
    // The later the period's end, the smaller the id: index order is the reverse of id order.
    const ids = ['4', '3', '2', '1'].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
    const facts = await write(
      {
        today: '2025-03-15',
        settings: [quiet, quiet],
        cases: ends.map(kase),
        filter: { due: 'all', assigneeId: null, kinds: null, pageSize: 1 },
      },
      ids,
    );
    const expected = oracleTasks(facts, '2025-03-15');
    expect(expected.map((x) => [x.dueOn, x.caseId])).toEqual(
      [...ids].reverse().map((id) => ['2025-02-28', id]),
    );
    const walked: Task[] = [];
    let after: TaskQuery['after'] = null;
    for (let page: Task[] = []; walked.length === 0 || page.length === 1; walked.push(...page)) {
      page = await read([facts.settings[0].officeId], {
        today: '2025-03-15',
        kinds: ['eks_final_declaration'],
        minDue: null,
        maxDue: null,
        after,
        assigneeId: null,
        rows: 1,
      });
      if (page.length === 1) after = [page[0].dueOn, page[0].id];
    }
    expect(walked.map(fields)).toEqual(expected);
  });

  it('the oracle knows PostgreSQL’s month arithmetic', async () => {
    const dates = ['2024-01-31', '2024-02-29', '2023-12-31', '2025-03-30', '2024-08-31'];
    for (const d of dates)
      for (const n of [-24, -13, -1, 0, 1, 2, 6, 12, 24]) {
        const [row] = await t.db.query(
          `SELECT ($1::date + make_interval(months => $2))::date::text AS d`,
          [d, n],
        );
        expect({ d, n, sum: addMonths(d, n) }).toEqual({ d, n, sum: row.d });
      }
  });
});
