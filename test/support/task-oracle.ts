import { todayInBerlin } from '../../src/common/time/calendar-date';

/**
 * The desk's rules once more, written independently of the SQL (src/tasks/task-branches.ts):
 * plain loops over the same facts, for the property test to compare against. Dates are
 * YYYY-MM-DD strings, compared as strings.
 */

export interface OracleSettings {
  officeId: string;
  eksFinalOffsetMonths: number;
  fundingLeadDays: number;
  einstiegsgeldWarningDays: number;
  staleDays: Record<string, number>;
  currentConsentVersion: string | null;
  consentVersionSince: string | null;
}

export interface OracleFounder {
  id: string;
  officeId: string;
  benefitStatus: string | null;
  consentVersion: string | null;
  followUpConsentOn: string | null;
  erased: boolean;
}

export interface OracleCase {
  id: string;
  officeId: string;
  founderId: string;
  advisorId: string | null;
  phase: string;
  status: 'active' | 'paused' | 'closed';
  firstCounsellingScheduledOn: string | null;
  fundingRoute: string | null;
  plannedStartOn: string | null;
  fundingAppliedOn: string | null;
  businessStartedOn: string | null;
  fundingStartsOn: string | null;
  fundingEndsOn: string | null;
  benefitPeriodEndsOn: string | null;
  finalIncomeDeclaredOn: string | null;
  exitedOn: string | null;
  updatedAt: Date;
}

export interface OracleFacts {
  settings: OracleSettings[];
  founders: OracleFounder[];
  cases: OracleCase[];
  contacts: { caseId: string; kind: string }[];
  followUps: { caseId: string; on: string }[];
  manualTasks: {
    id: string;
    caseId: string;
    dueOn: string;
    assigneeId: string | null;
    title: string;
    done: boolean;
  }[];
  analyses: {
    id: string;
    officeId: string;
    founderId: string;
    caseId: string | null;
    cancelled: boolean;
  }[];
  periods: {
    analysisId: string;
    periodStart: string;
    version: number;
    periodEnd: string;
    kind: 'provisional' | 'final';
    finalDeclarationDueOn: string | null;
  }[];
}

export interface OracleTask {
  id: string;
  kind: string;
  officeId: string;
  caseId: string | null;
  analysisId: string | null;
  dueOn: string;
  horizonOn: string | null;
  assigneeId: string | null;
  title: string | null;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** date + n months as PostgreSQL adds them: the day kept, or the month's last day if shorter. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

export function oracleTasks(facts: OracleFacts, today: string): OracleTask[] {
  const settings = new Map(facts.settings.map((s) => [s.officeId, s]));
  const founders = new Map(facts.founders.map((f) => [f.id, f]));
  const cases = new Map(facts.cases.map((c) => [c.id, c]));
  const out: OracleTask[] = [];
  const task = (t: Omit<OracleTask, 'title' | 'horizonOn' | 'analysisId'> & Partial<OracleTask>) =>
    out.push({ title: null, horizonOn: null, analysisId: null, ...t });

  for (const c of facts.cases) {
    const f = founders.get(c.founderId)!;
    const s = settings.get(c.officeId);
    if (!s || f.erased) continue;
    const base = { officeId: c.officeId, caseId: c.id, assigneeId: c.advisorId };

    const end = c.benefitPeriodEndsOn;
    if (
      f.benefitStatus === 'sgb2' &&
      end !== null &&
      c.finalIncomeDeclaredOn === null &&
      end < today &&
      today <= addMonths(end, 12)
    )
      task({
        ...base,
        id: `eks_final_declaration:${c.id}:${end}`,
        kind: 'eks_final_declaration',
        dueOn: addMonths(end, s.eksFinalOffsetMonths),
        horizonOn: addMonths(end, 12),
      });

    if (
      c.status === 'active' &&
      c.phase === 'access' &&
      c.firstCounsellingScheduledOn !== null &&
      c.firstCounsellingScheduledOn < today &&
      !facts.contacts.some((k) => k.caseId === c.id && k.kind === 'first_counselling')
    )
      task({
        ...base,
        id: `first_counselling_overdue:${c.id}`,
        kind: 'first_counselling_overdue',
        dueOn: c.firstCounsellingScheduledOn,
      });

    if (
      c.status === 'closed' &&
      c.exitedOn !== null &&
      f.followUpConsentOn !== null &&
      !facts.followUps.some((u) => u.caseId === c.id && u.on >= c.exitedOn!)
    )
      task({
        ...base,
        id: `follow_up_6_months:${c.id}:${c.exitedOn}`,
        kind: 'follow_up_6_months',
        dueOn: addMonths(c.exitedOn, 6),
      });

    if (
      c.status === 'active' &&
      ['einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c'].includes(c.fundingRoute ?? '') &&
      c.plannedStartOn !== null &&
      c.fundingAppliedOn === null &&
      c.businessStartedOn === null &&
      today >= addDays(c.plannedStartOn, -s.fundingLeadDays)
    )
      task({
        ...base,
        id: `funding_application_before_start:${c.id}`,
        kind: 'funding_application_before_start',
        dueOn: addDays(c.plannedStartOn, -1),
      });

    if (c.status === 'active' && c.fundingRoute === 'einstiegsgeld') {
      const ends = c.fundingEndsOn ?? (c.fundingStartsOn ? addMonths(c.fundingStartsOn, 24) : null);
      if (ends && addDays(ends, -s.einstiegsgeldWarningDays) <= today && today <= ends)
        task({
          ...base,
          id: `einstiegsgeld_ends:${c.id}`,
          kind: 'einstiegsgeld_ends',
          dueOn: ends,
        });
    }

    if (c.status === 'active') {
      const due = addDays(todayInBerlin(c.updatedAt), s.staleDays[c.phase] + 1);
      if (due <= today) task({ ...base, id: `stale_case:${c.id}`, kind: 'stale_case', dueOn: due });
    }

    if (
      s.currentConsentVersion !== null &&
      (c.status === 'active' || c.status === 'paused') &&
      f.consentVersion !== null &&
      f.consentVersion !== s.currentConsentVersion
    )
      task({
        ...base,
        id: `consent_review:${c.id}`,
        kind: 'consent_review',
        dueOn: s.consentVersionSince ?? today,
      });
  }

  for (const a of facts.analyses) {
    const f = founders.get(a.founderId)!;
    const s = settings.get(a.officeId);
    if (!s || f.erased || a.cancelled) continue;
    const latest = new Map<string, OracleFacts['periods'][number]>();
    for (const p of facts.periods) {
      if (p.analysisId !== a.id) continue;
      const seen = latest.get(p.periodStart);
      if (!seen || p.version > seen.version) latest.set(p.periodStart, p);
    }
    for (const p of latest.values()) {
      if (p.kind !== 'provisional') continue;
      if (!(p.periodEnd < today && today <= addMonths(p.periodEnd, 12))) continue;
      task({
        id: `eks_final_declaration:${a.id}:${p.periodStart}`,
        kind: 'eks_final_declaration',
        officeId: a.officeId,
        caseId: a.caseId,
        analysisId: a.id,
        dueOn: p.finalDeclarationDueOn ?? addMonths(p.periodEnd, s.eksFinalOffsetMonths),
        horizonOn: addMonths(p.periodEnd, 12),
        assigneeId: a.caseId ? (cases.get(a.caseId)?.advisorId ?? null) : null,
      });
    }
  }

  for (const m of facts.manualTasks) {
    const c = cases.get(m.caseId)!;
    if (m.done || founders.get(c.founderId)!.erased || !settings.has(c.officeId)) continue;
    task({
      id: `manual:${m.id}`,
      kind: 'manual',
      officeId: c.officeId,
      caseId: c.id,
      dueOn: m.dueOn,
      assigneeId: m.assigneeId ?? c.advisorId,
      title: m.title,
    });
  }

  return out.sort((x, y) =>
    x.dueOn !== y.dueOn ? (x.dueOn < y.dueOn ? -1 : 1) : x.id < y.id ? -1 : x.id > y.id ? 1 : 0,
  );
}
