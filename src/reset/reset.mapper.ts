import { computeAnalysisIndicators, EksPeriod, Household } from './indicators';
import { resetAvailableEvents, type ResetActorRole } from './lifecycle';
import type { AnalysisListRow, AnalysisRow, PeriodVersion, ResetHistoryRow } from './reset.row';

/**
 * Money in responses: every amount is given in euros as a JSON number (exact to the cent, since
 * it is cents / 100) under its plain name, and as integer cents under the same name + `Cents`.
 */
export const euros = (cents: number): number => cents / 100;

const CENTS_KEY = /^(.+)Cents(PerMonth)?$/;

/**
 * Adds the euro twin of each `…Cents` / `…CentsPerMonth` field of the pure indicators (which
 * compute in cents only), e.g. monthlyProfitCents → monthlyProfit, and leaves the rest as is.
 */
export function withEuros<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withEuros) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const m = CENTS_KEY.exec(key);
    if (m && (typeof v === 'number' || v === null)) {
      out[`${m[1]}${m[2] ?? ''}`] = v === null ? null : euros(v);
    }
    out[key] = withEuros(v);
  }
  return out as T;
}

const eurosOf = (lines: Record<string, number>) =>
  Object.fromEntries(Object.entries(lines).map(([code, cents]) => [code, euros(cents)]));

export function toPeriodDto(p: PeriodVersion) {
  return {
    analysisId: p.analysisId,
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    version: p.version,
    kind: p.kind,
    finalDeclarationDueOn: p.finalDeclarationDueOn,
    months: p.months.map((m) => ({
      month: m.month,
      receipts: eurosOf(m.receipts),
      receiptsCents: m.receipts,
      expenses: eurosOf(m.expenses),
      expensesCents: m.expenses,
      deductions: eurosOf(m.deductions),
      deductionsCents: m.deductions,
    })),
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
  };
}

export function toEksPeriod(p: PeriodVersion): EksPeriod {
  return {
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    kind: p.kind,
    finalDeclarationDueOn: p.finalDeclarationDueOn,
    months: p.months,
  };
}

function householdOf(row: AnalysisRow): Household {
  return {
    members: row.household_members,
    extraNeedsMonthlyCents: row.extra_needs_monthly_cents,
    housingCostsMonthlyCents: row.housing_costs_monthly_cents,
    otherIncomeMonthlyCents: row.other_income_monthly_cents,
  };
}

/**
 * The API shape of an analysis with its indicators (from the latest version of each period) and
 * the events the lifecycle accepts now, with every text: readers who may not see free texts get
 * it through privacy/reader-view.ts.
 */
export function toAnalysisDto(
  row: AnalysisRow,
  periods: PeriodVersion[],
  // role: the caller's in the analysis's office; availableEvents mark what it may send.
  opts: { today: string; role: ResetActorRole | null; acceptReopensClosedCase?: boolean },
) {
  const { context } = row.snapshot;
  const b = row.business;
  const household = householdOf(row);
  const indicators = computeAnalysisIndicators({
    business: {
      hoursPerWeek: b.hoursPerWeek,
      largestClientShare: b.largestClientShare,
      mainOccupation: b.mainOccupation,
      benefitsSinceOn: b.benefitsSinceOn,
      startedOn: b.startedOn,
    },
    household,
    periods: periods.map(toEksPeriod),
    today: opts.today,
  });
  return {
    id: row.id,
    officeId: row.office_id,
    founderId: row.founder_id,
    state: row.state,
    version: row.version,
    machineVersion: row.machine_version,
    // jsonb does not keep key order; answer in the order of the API.
    business: {
      description: b.description,
      sector: b.sector,
      wzCode: b.wzCode,
      legalForm: b.legalForm,
      startedOn: b.startedOn,
      mainOccupation: b.mainOccupation,
      hoursPerWeek: b.hoursPerWeek,
      clientCount: b.clientCount,
      largestClientShare: b.largestClientShare,
      premises: b.premises,
      vatSmallBusiness: b.vatSmallBusiness,
      benefitsSinceOn: b.benefitsSinceOn,
    },
    household: {
      members: row.household_members,
      extraNeedsMonthly: euros(household.extraNeedsMonthlyCents),
      extraNeedsMonthlyCents: household.extraNeedsMonthlyCents,
      housingCostsMonthly: euros(household.housingCostsMonthlyCents),
      housingCostsMonthlyCents: household.housingCostsMonthlyCents,
      otherIncomeMonthly: euros(household.otherIncomeMonthlyCents),
      otherIncomeMonthlyCents: household.otherIncomeMonthlyCents,
    },
    assessment: row.assessment,
    recommendation: context.recommendation,
    decision: context.decision && { accepted: context.decision.accepted, note: context.decision.note },
    cancellation: context.cancellation && {
      fromState: context.cancellation.fromState,
      reason: context.cancellation.reason,
    },
    caseId: row.case_id,
    periodStarts: periods.map((p) => p.periodStart),
    indicators: withEuros(indicators),
    availableEvents: resetAvailableEvents({
      machineVersion: row.machine_version,
      state: row.snapshot,
      facts: { periodCount: periods.length, acceptReopensClosedCase: opts.acceptReopensClosedCase },
      role: opts.role,
    }),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export type ResetAnalysisDto = ReturnType<typeof toAnalysisDto>;

export function toListItem(r: AnalysisListRow) {
  return {
    id: r.id,
    officeId: r.office_id,
    founderId: r.founder_id,
    state: r.state,
    version: r.version,
    recommendation: r.recommendation,
    caseId: r.case_id,
    nextFinalDeclarationDueOn: r.next_final_declaration_due_on,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toResetHistoryDto(row: ResetHistoryRow) {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actor: { type: row.actor_type, id: row.actor_id },
    event: row.event,
    fromState: row.from_state,
    toState: row.to_state,
    payload: row.payload,
    texts: row.texts,
    machineVersion: row.machine_version,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
