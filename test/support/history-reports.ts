import { randomUUID } from 'node:crypto';
import { transition } from 'xstate';
import { todayInBerlin } from '../../src/common/time/iso-date';
import {
  CASE_EVENT_TYPES,
  CASE_MACHINE_VERSION,
  DROP_OUT_REASONS,
  COMPLETION_OUTCOMES,
  initialCaseState,
  machinesByVersion,
  PHASES,
  RESTART_EVENT,
  restoreCaseSnapshot,
  type Phase,
} from '../../src/phase-model';
import type { TestApp } from './test-app';

/**
 * Cases and histories written with SQL for the history reports' tests (funnel, time-in-phase,
 * cohorts), through the real tables so that the triggers keep report_day_count, and a brute-force
 * reference of each report computed from the same data in TypeScript (never from the counts).
 */

export interface HRow {
  event: string;
  at: Date;
  fromPhase: Phase;
  toPhase: Phase;
  fromStatus: string;
  toStatus: string;
  payload: Record<string, string>;
  /** The office that wrote the row (written_office_id). */
  office: string;
}

export interface HCase {
  id: string;
  /** The office holding the case now (office_id). */
  office: string;
  createdOffice: string;
  createdAt: Date;
  rows: HRow[];
  businessPlanCompletedOn: string | null;
  viabilityIssuedOn: string | null;
  fundingAppliedOn: string | null;
  fundingApprovedOn: string | null;
  businessStartedOn: string | null;
  mainOccupation: boolean | null;
}

const MACHINE = machinesByVersion[CASE_MACHINE_VERSION];
const MACHINE_EVENTS = [...CASE_EVENT_TYPES, RESTART_EVENT] as const;

type Snapshot = ReturnType<typeof restoreCaseSnapshot>;
const statusOf = (s: Snapshot) =>
  s.matches('paused') ? 'paused' : s.matches('closed') ? 'closed' : 'active';

/**
 * A random walk through the real machine: at each step the events it accepts from the current
 * state, one picked by `pick`; `gapMinutes` after the previous row.
 */
export function walk(
  createdAt: Date,
  office: string,
  steps: readonly { pick: number; gapMinutes: number; detail: number }[],
): HRow[] {
  let snapshot = restoreCaseSnapshot(MACHINE, initialCaseState().state);
  let at = createdAt.getTime();
  const rows: HRow[] = [];
  for (const step of steps) {
    const accepted = MACHINE_EVENTS.filter((type) => snapshot.can({ type }));
    if (!accepted.length) break;
    const type = accepted[step.pick % accepted.length];
    const next = transition(MACHINE, snapshot, { type })[0];
    at += step.gapMinutes * 60_000;
    const payload: Record<string, string> =
      type === 'DROP_OUT'
        ? { reasonCode: DROP_OUT_REASONS[step.detail % DROP_OUT_REASONS.length] }
        : type === 'COMPLETE'
          ? { outcome: COMPLETION_OUTCOMES[step.detail % COMPLETION_OUTCOMES.length] }
          : {};
    rows.push({
      event: type,
      at: new Date(at),
      fromPhase: snapshot.context.phase,
      toPhase: next.context.phase,
      fromStatus: statusOf(snapshot),
      toStatus: statusOf(next),
      payload,
      office,
    });
    snapshot = next;
  }
  return rows;
}

/** Writes cases (one founder per office) and their histories with SQL, in three statements. */
export async function writeCases(t: TestApp, cases: readonly HCase[]): Promise<void> {
  if (!cases.length) return;
  const founders = new Map<string, string>();
  for (const office of new Set(cases.map((c) => c.createdOffice))) {
    const [f] = await t.db.query(
      `INSERT INTO founder (office_id, first_name, last_name, consent_given_on, consent_version)
       VALUES ($1, 'Report', 'Case', '2024-01-01', 'v1') RETURNING id`,
      [office],
    );
    founders.set(office, f.id);
  }
  const state = JSON.stringify(initialCaseState().state);
  await t.db.query(
    `INSERT INTO founder_case (id, office_id, founder_id, phase, status, machine_version, state, created_at,
            business_plan_completed_on, viability_statement, funding_applied_on, funding_approved_on,
            business_started_on, main_occupation)
     SELECT id, "office", "founder", 'access', 'active', 1, $2::jsonb, "createdAt",
            "businessPlanCompletedOn", CASE WHEN "viabilityIssuedOn" IS NULL THEN NULL
                                            ELSE jsonb_build_object('issuedBy', 'HWK', 'issuedOn', "viabilityIssuedOn") END,
            "fundingAppliedOn", "fundingApprovedOn", "businessStartedOn", "mainOccupation"
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "office" uuid, "founder" uuid, "createdAt" timestamptz,
            "businessPlanCompletedOn" date, "viabilityIssuedOn" text, "fundingAppliedOn" date,
            "fundingApprovedOn" date, "businessStartedOn" date, "mainOccupation" boolean)`,
    [
      JSON.stringify(
        cases.map((c) => ({
          ...c,
          office: c.createdOffice,
          founder: founders.get(c.createdOffice),
        })),
      ),
      state,
    ],
  );
  const rows = cases.flatMap((c) =>
    c.rows.map((r, i) => ({ ...r, caseId: c.id, seq: i + 1, caseOffice: c.createdOffice })),
  );
  if (!rows.length) return;
  // Hash columns: any text does for the reports (the chain has its own tests).
  await t.db.query(
    `INSERT INTO case_history (case_id, seq, at, actor_type, event, from_phase, to_phase, from_status, to_status,
            payload, machine_version, case_ref, prev_hash, hash, chain_format, office_id, written_office_id)
     SELECT "caseId", seq, at, 'system', event, "fromPhase", "toPhase", "fromStatus", "toStatus", payload, 1,
            'c_report', repeat('0', 64), repeat('1', 64), 1, "caseOffice", office
       FROM jsonb_to_recordset($1::jsonb) AS x("caseId" uuid, seq int, at timestamptz, event text, "fromPhase" text,
            "toPhase" text, "fromStatus" text, "toStatus" text, payload jsonb, "caseOffice" uuid, office uuid)
      ORDER BY "caseId", seq`,
    [JSON.stringify(rows)],
  );
}

/**
 * Writes a case's milestone dates and office again, as PATCH and a hand-over do (a hand-over moves
 * the history rows' office_id too; written_office_id stays).
 */
export async function editCase(t: TestApp, c: HCase): Promise<void> {
  await t.db.query(
    `UPDATE founder_case
        SET business_plan_completed_on = $2, funding_applied_on = $3, funding_approved_on = $4,
            business_started_on = $5, main_occupation = $6, office_id = $7,
            viability_statement = CASE WHEN $8::text IS NULL THEN NULL
                                       ELSE jsonb_build_object('issuedBy', 'HWK', 'issuedOn', $8::text) END
      WHERE id = $1`,
    [
      c.id,
      c.businessPlanCompletedOn,
      c.fundingAppliedOn,
      c.fundingApprovedOn,
      c.businessStartedOn,
      c.mainOccupation,
      c.office,
      c.viabilityIssuedOn,
    ],
  );
  await t.db.query(`UPDATE case_history SET office_id = $2 WHERE case_id = $1`, [c.id, c.office]);
}

export const newCase = (office: string, createdAt: Date, rows: HRow[] = []): HCase => ({
  id: randomUUID(),
  office,
  createdOffice: office,
  createdAt,
  rows,
  businessPlanCompletedOn: null,
  viabilityIssuedOn: null,
  fundingAppliedOn: null,
  fundingApprovedOn: null,
  businessStartedOn: null,
  mainOccupation: null,
});

// ---------------------------------------------------------------------------------------------
// The reference: each report recomputed from the generated cases
// ---------------------------------------------------------------------------------------------

export type GroupBy = 'month' | 'quarter' | 'year';
export interface Query {
  offices: string[];
  from: string;
  to: string;
  groupBy: GroupBy;
  today: string;
}
type Row = Record<string, string | number | null>;

export const berlinDay = (d: Date) => todayInBerlin(d);

export function periodOf(day: string, g: GroupBy): string {
  const [y, m] = day.split('-').map(Number);
  if (g === 'year') return `${y}-01-01`;
  const month = g === 'quarter' ? Math.floor((m - 1) / 3) * 3 + 1 : m;
  return `${y}-${String(month).padStart(2, '0')}-01`;
}

export function periods(q: Query): string[] {
  const out: string[] = [];
  const step = q.groupBy === 'year' ? 12 : q.groupBy === 'quarter' ? 3 : 1;
  let [y, m] = periodOf(q.from, q.groupBy).split('-').map(Number);
  const last = periodOf(q.to, q.groupBy);
  for (;;) {
    const p = `${y}-${String(m).padStart(2, '0')}-01`;
    if (p > last) return out;
    out.push(p);
    m += step;
    if (m > 12) [y, m] = [y + 1, m - 12];
  }
}

const within = (day: string | null, q: Query) => day !== null && day >= q.from && day <= q.to;
const sortedOffices = (q: Query) => [...q.offices].sort();

const FORWARD: Record<string, Phase> = {
  START_COUNSELLING: 'first_counselling',
  START_PLANNING: 'planning',
  LAUNCH: 'launch',
  START_CONSOLIDATION: 'consolidation',
};

export function funnelReference(cases: readonly HCase[], q: Query): Row[] {
  const out: Row[] = [];
  for (const office of sortedOffices(q))
    for (const period of periods(q)) {
      const inPeriod = (day: string | null) =>
        within(day, q) && periodOf(day!, q.groupBy) === period;
      const rows = cases.flatMap((c) =>
        c.rows.map((r, i) => ({
          ...r,
          first: !c.rows.slice(0, i).some((e) => e.event === r.event),
        })),
      );
      const mine = rows.filter((r) => r.office === office && inPeriod(berlinDay(r.at)));
      const firsts = (phase: Phase) =>
        mine.filter((r) => r.first && FORWARD[r.event] === phase).length;
      const held = cases.filter((c) => c.office === office);
      const milestone = (
        f: (c: HCase) => string | null,
        when: (c: HCase) => boolean = () => true,
      ) => held.filter((c) => inPeriod(f(c)) && when(c)).length;
      const dropOuts = mine.filter((r) => r.event === 'DROP_OUT');
      out.push({
        officeId: office,
        periodStart: period,
        accessContacts: cases.filter(
          (c) => c.createdOffice === office && inPeriod(berlinDay(c.createdAt)),
        ).length,
        firstCounsellings: firsts('first_counselling'),
        planningEntries: firsts('planning'),
        launchEntries: firsts('launch'),
        consolidationEntries: firsts('consolidation'),
        businessPlansCompleted: milestone((c) => c.businessPlanCompletedOn),
        viabilityStatementsIssued: milestone((c) => c.viabilityIssuedOn),
        fundingApplied: milestone((c) => c.fundingAppliedOn),
        fundingApproved: milestone((c) => c.fundingApprovedOn),
        foundingsMain: milestone(
          (c) => c.businessStartedOn,
          (c) => c.mainOccupation === true,
        ),
        foundingsSide: milestone(
          (c) => c.businessStartedOn,
          (c) => c.mainOccupation === false,
        ),
        foundingsOccupationUnknown: milestone(
          (c) => c.businessStartedOn,
          (c) => c.mainOccupation === null,
        ),
        dropOuts: dropOuts.length,
        ...Object.fromEntries(
          DROP_OUT_REASONS.map((reason) => [
            `dropOuts_${reason}`,
            dropOuts.filter((r) => (r.payload.reasonCode ?? 'other') === reason).length,
          ]),
        ),
        stepBacks: mine.filter((r) => r.event === 'STEP_BACK').length,
        pauses: mine.filter((r) => r.event === 'PAUSE').length,
      });
    }
  return out;
}

interface Stay {
  office: string;
  phase: Phase;
  start: string;
  end: string | null;
}

/** The phase stays of a case by walking its history (rows after `to` are not known yet). */
export function staysOf(c: HCase, to: string): Stay[] {
  const stays: Stay[] = [];
  let open: Stay | null = null;
  const created = berlinDay(c.createdAt);
  if (created > to) return stays;
  open = { office: c.office, phase: 'access', start: created, end: null };
  for (const r of c.rows) {
    const day = berlinDay(r.at);
    if (day > to) break;
    const changes = r.toPhase !== r.fromPhase;
    const closes = r.toStatus === 'closed' && r.fromStatus !== 'closed';
    const reopens = r.fromStatus === 'closed' && r.toStatus !== 'closed';
    if (open && (changes || closes)) {
      open.end = day;
      stays.push(open);
      open = null;
    }
    if ((changes || reopens) && r.toStatus !== 'closed')
      open = { office: c.office, phase: r.toPhase, start: day, end: null };
  }
  if (open) stays.push(open);
  return stays;
}

const disc = (sorted: number[], p: number) => sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];

function figures(days: number[]) {
  const s = [...days].sort((a, b) => a - b);
  return {
    stays: s.length,
    medianDays: s.length ? disc(s, 0.5) : null,
    p75Days: s.length ? disc(s, 0.75) : null,
    p90Days: s.length ? disc(s, 0.9) : null,
    days0to30: s.filter((d) => d <= 30).length,
    days31to90: s.filter((d) => d >= 31 && d <= 90).length,
    days91to180: s.filter((d) => d >= 91 && d <= 180).length,
    daysOver180: s.filter((d) => d > 180).length,
  };
}

const dayNo = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

export function timeInPhaseReference(cases: readonly HCase[], q: Query): Row[] {
  const asOf = q.to < q.today ? q.to : q.today;
  const stays = cases.flatMap((c) => staysOf(c, q.to));
  const out: Row[] = [];
  for (const office of sortedOffices(q)) {
    const ps = periods(q);
    for (const period of ps) {
      for (const phase of PHASES) {
        const days = stays
          .filter(
            (s) =>
              s.office === office &&
              s.phase === phase &&
              within(s.end, q) &&
              periodOf(s.end!, q.groupBy) === period,
          )
          .map((s) => dayNo(s.end!) - dayNo(s.start));
        out.push({
          officeId: office,
          periodStart: period,
          phase,
          stay: 'completed',
          ...figures(days),
        });
      }
      if (period !== ps[ps.length - 1]) continue;
      for (const phase of PHASES) {
        const days = stays
          .filter(
            (s) =>
              s.office === office &&
              s.phase === phase &&
              s.start <= asOf &&
              (s.end === null || s.end > asOf),
          )
          .map((s) => dayNo(asOf) - dayNo(s.start));
        out.push({ officeId: office, periodStart: period, phase, stay: 'open', ...figures(days) });
      }
    }
  }
  return out;
}

export function cohortsReference(cases: readonly HCase[], q: Query): Row[] {
  const share = (n: number, size: number) => (size ? Math.round((n * 10000) / size) / 10000 : null);
  const out: Row[] = [];
  for (const office of sortedOffices(q))
    for (const period of periods(q)) {
      const cohort = cases.filter((c) => {
        const day = berlinDay(c.createdAt);
        return c.office === office && within(day, q) && periodOf(day, q.groupBy) === period;
      });
      const reached = (phase: Phase) =>
        cohort.filter((c) =>
          c.rows.some((r) => FORWARD[r.event] === phase && berlinDay(r.at) <= q.to),
        ).length;
      const founded = cohort.filter(
        (c) => c.businessStartedOn !== null && c.businessStartedOn <= q.to,
      ).length;
      const row: Row = { officeId: office, periodStart: period, cohortSize: cohort.length };
      for (const [key, phase] of [
        ['FirstCounselling', 'first_counselling'],
        ['Planning', 'planning'],
        ['Launch', 'launch'],
        ['Consolidation', 'consolidation'],
      ] as const) {
        row[`reached${key}`] = reached(phase);
        row[`share${key}`] = share(reached(phase), cohort.length);
      }
      row.founded = founded;
      row.shareFounded = share(founded, cohort.length);
      out.push(row);
    }
  return out;
}

/** The report's rows cut to the reference's keys (the service adds office names and labels). */
export function pickKeys(rows: Row[], like: Row[]): Row[] {
  const keys = like.length ? Object.keys(like[0]) : [];
  return rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
}
