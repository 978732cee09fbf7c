import { COMPLETION_OUTCOMES, PHASES } from '../../src/phase-model/phase-model.types';
import type { GroupBy } from '../../src/reports/report';
import { addMonths } from './task-oracle';

/**
 * A brute-force evaluation of the outcomes, reset and caseload reports over plain facts, written
 * from the definitions (src/reports/definitions/{outcomes,reset,caseload}.ts) without SQL: the
 * property test in test/reports-outcomes.e2e-spec.ts writes the same facts with SQL and compares.
 */

export interface OracleHistoryRow {
  seq: number;
  /** ISO instant */
  at: string;
  event: 'COMPLETE' | 'DROP_OUT' | 'RESTART' | 'PAUSE';
  payload: Record<string, string>;
  writtenOfficeId: string;
}

export interface OracleCase {
  id: string;
  officeId: string;
  founderId: string;
  advisorId: string | null;
  phase: (typeof PHASES)[number];
  status: 'active' | 'paused' | 'closed';
  /** ISO instant */
  updatedAt: string;
  businessStartedOn: string | null;
  benefitsEndedOn: string | null;
  history: OracleHistoryRow[];
  followUps: { seq: number; on: string; stillSelfEmployed: boolean }[];
}

export interface OracleResetRow {
  seq: number;
  at: string;
  event: 'START_ANALYSIS' | 'ASSESS' | 'RECOMMEND' | 'DECIDE' | 'CANCEL';
  fromState: string;
  toState: string;
  payload: Record<string, string | boolean>;
}

export interface OracleAnalysis {
  id: string;
  officeId: string;
  founderId: string;
  history: OracleResetRow[];
}

export interface OracleUser {
  id: string;
  name: string;
  active: boolean;
  memberships: { officeId: string; role: 'advisor' | 'lead' | 'auditor' }[];
}

export interface OracleFacts {
  offices: string[];
  users: OracleUser[];
  cases: OracleCase[];
  analyses: OracleAnalysis[];
}

export interface OracleParams {
  officeIds: string[];
  from: string;
  to: string;
  groupBy: GroupBy;
  today: string;
  staleDays: number;
  advisorId: string | null;
}

type Row = Record<string, string | number | null>;

const berlin = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** The Europe/Berlin calendar day of an instant. */
export const berlinDay = (iso: string): string => berlin.format(new Date(iso));

export function periodStartOf(date: string, g: GroupBy): string {
  const [y, m] = date.split('-').map(Number);
  if (g === 'year') return `${y}-01-01`;
  const month = g === 'quarter' ? Math.floor((m - 1) / 3) * 3 + 1 : m;
  return `${y}-${String(month).padStart(2, '0')}-01`;
}

export function periodsOf(from: string, to: string, g: GroupBy): string[] {
  const out: string[] = [];
  const step = g === 'year' ? 12 : g === 'quarter' ? 3 : 1;
  for (let p = periodStartOf(from, g); p <= to; p = addMonths(p, step)) out.push(p);
  return out;
}

const within = (d: string | null, p: OracleParams): d is string =>
  d !== null && d >= p.from && d <= p.to;

/** Every office of the query x period, zeros included, in (office, period) order. */
function grid(p: OracleParams, cell: (officeId: string, periodStart: string) => Row): Row[] {
  const rows: Row[] = [];
  for (const officeId of [...new Set(p.officeIds)].sort())
    for (const periodStart of periodsOf(p.from, p.to, p.groupBy))
      rows.push({ officeId, periodStart, ...cell(officeId, periodStart) });
  return rows;
}

const OUTCOME_KEY: Record<(typeof COMPLETION_OUTCOMES)[number], string> = {
  founded_main: 'completedFoundedMain',
  founded_side: 'completedFoundedSide',
  employment: 'completedEmployment',
  other: 'completedOther',
};

export function oracleOutcomes(f: OracleFacts, p: OracleParams): Row[] {
  const asOf = p.to < p.today ? p.to : p.today;
  return grid(p, (officeId, period) => {
    const row: Row = { foundings: 0 };
    for (const n of [6, 12, 24])
      for (const s of ['active', 'inactive', 'unknown', 'notDue']) row[`${s}After${n}Months`] = 0;
    const inc = (k: string) => (row[k] = Number(row[k] ?? 0) + 1);
    for (const c of f.cases) {
      if (c.officeId !== officeId) continue;
      if (
        within(c.businessStartedOn, p) &&
        periodStartOf(c.businessStartedOn, p.groupBy) === period
      ) {
        inc('foundings');
        for (const n of [6, 12, 24]) {
          const mark = addMonths(c.businessStartedOn, n);
          if (mark > asOf) {
            inc(`notDueAfter${n}Months`);
            continue;
          }
          const first = c.followUps
            .filter((u) => u.on >= mark && u.on <= asOf)
            .sort((a, b) => (a.on === b.on ? a.seq - b.seq : a.on < b.on ? -1 : 1))[0];
          inc(
            `${first ? (first.stillSelfEmployed ? 'active' : 'inactive') : 'unknown'}After${n}Months`,
          );
        }
      }
    }
    row.exitsFromBenefits = f.cases.filter(
      (c) =>
        c.officeId === officeId &&
        within(c.benefitsEndedOn, p) &&
        periodStartOf(c.benefitsEndedOn, p.groupBy) === period,
    ).length;
    row.completed = 0;
    for (const o of COMPLETION_OUTCOMES) row[OUTCOME_KEY[o]] = 0;
    row.droppedOut = 0;
    for (const c of f.cases)
      for (const h of c.history) {
        const day = berlinDay(h.at);
        if (h.writtenOfficeId !== officeId || !within(day, p)) continue;
        if (periodStartOf(day, p.groupBy) !== period) continue;
        if (h.event === 'COMPLETE') {
          inc('completed');
          inc(OUTCOME_KEY[(h.payload.outcome ?? 'other') as keyof typeof OUTCOME_KEY]);
        }
        if (h.event === 'DROP_OUT') inc('droppedOut');
      }
    return row;
  });
}

export function oracleReset(f: OracleFacts, p: OracleParams): Row[] {
  return grid(p, (officeId, period) => {
    const row: Row = {
      recommended: 0,
      recommendedGiveUp: 0,
      recommendedQuickExit: 0,
      recommendedRestartWithCoaching: 0,
      accepted: 0,
      declined: 0,
      cancelled: 0,
      stillOpen: 0,
      restarted: 0,
      foundedAfterRestart: 0,
      gaveUp: 0,
    };
    const inc = (k: string) => (row[k] = Number(row[k]) + 1);
    for (const a of f.analyses) {
      if (a.officeId !== officeId) continue;
      const rec = a.history.find((h) => h.event === 'RECOMMEND' && h.toState === 'recommended');
      if (!rec) continue;
      const day = berlinDay(rec.at);
      if (!within(day, p) || periodStartOf(day, p.groupBy) !== period) continue;
      inc('recommended');
      const recommendation = rec.payload.recommendation;
      if (recommendation === 'give_up') inc('recommendedGiveUp');
      if (recommendation === 'quick_exit') inc('recommendedQuickExit');
      if (recommendation === 'restart_with_coaching') inc('recommendedRestartWithCoaching');
      const left = a.history.find(
        (h) =>
          h.fromState === 'recommended' &&
          (h.event === 'DECIDE' || h.event === 'CANCEL') &&
          berlinDay(h.at) <= p.to,
      );
      if (!left) inc('stillOpen');
      else if (left.event === 'CANCEL') inc('cancelled');
      else if (left.payload.accepted === true) {
        inc('accepted');
        if (recommendation === 'give_up') inc('gaveUp');
      } else inc('declined');
      const restarts = f.cases
        .flatMap((c) => c.history.map((h) => ({ c, h })))
        .filter(
          ({ h }) =>
            h.event === 'RESTART' && h.payload.resetAnalysisId === a.id && berlinDay(h.at) <= p.to,
        )
        .sort((x, y) => (x.h.at < y.h.at ? -1 : 1));
      if (restarts.length) {
        inc('restarted');
        const { c, h } = restarts[0];
        const started = c.businessStartedOn;
        if (started !== null && started >= berlinDay(h.at) && started <= p.to)
          inc('foundedAfterRestart');
      }
    }
    return row;
  });
}

const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

export function oracleCaseload(f: OracleFacts, p: OracleParams): Row[] {
  const rows: Row[] = [];
  const users = new Map(f.users.map((u) => [u.id, u]));
  for (const officeId of [...new Set(p.officeIds)].sort()) {
    const open = f.cases.filter(
      (c) =>
        c.officeId === officeId &&
        c.status !== 'closed' &&
        (p.advisorId === null || c.advisorId === p.advisorId),
    );
    const advisors = new Set<string>();
    for (const u of f.users)
      if (
        u.active &&
        (p.advisorId === null || u.id === p.advisorId) &&
        u.memberships.some((m) => m.officeId === officeId && m.role !== 'auditor')
      )
        advisors.add(u.id);
    for (const c of open) if (c.advisorId) advisors.add(c.advisorId);
    const ordered: (string | null)[] = [...advisors].sort((a, b) => {
      const [x, y] = [users.get(a)!.name, users.get(b)!.name];
      return x === y ? (a < b ? -1 : 1) : x < y ? -1 : 1;
    });
    if (p.advisorId === null) ordered.push(null);
    for (const advisorId of ordered)
      for (const phase of PHASES) {
        const mine = open.filter((c) => c.advisorId === advisorId && c.phase === phase);
        rows.push({
          officeId,
          advisorId,
          advisorName: advisorId ? users.get(advisorId)!.name : null,
          phase,
          openCases: mine.length,
          pausedCases: mine.filter((c) => c.status === 'paused').length,
          untouchedCases: mine.filter(
            (c) => daysBetween(berlinDay(c.updatedAt), p.today) > p.staleDays,
          ).length,
        });
      }
  }
  return rows;
}
