import type { EksPeriodDto } from './dto/eks-period.dto';
import type { IndicatorsDto, PeriodIndicatorsDto } from './dto/indicators.dto';
import type {
  ResetAnalysisDto,
  ResetAnalysisListItemDto,
  ResetHistoryEntryDto,
} from './dto/reset-analysis.dto';
import {
  computeAnalysisIndicators,
  type AnalysisIndicators,
  type EksPeriod,
  type Household,
  type PeriodIndicators,
} from './indicators';
import { resetAvailableEvents, type ResetActorRole } from './lifecycle';
import type { AnalysisListRow, AnalysisRow, PeriodVersion, ResetHistoryRow } from './reset.row';

export type { ResetAnalysisDto };

/**
 * Money in responses: every amount is given in euros as a JSON number (exact to the cent, since
 * it is cents / 100) under its plain name, and as integer cents under the same name + `Cents`.
 */
export const euros = (cents: number): number => cents / 100;

/**
 * The answer form of the indicators (which compute in cents only): each `…Cents` amount with its
 * euro twin under the plain name, e.g. monthlyProfitCents → monthlyProfit (slopes:
 * revenueSlopeCentsPerMonth → revenueSlopePerMonth).
 */
const orNull = (cents: number | null): number | null => (cents === null ? null : euros(cents));

export function toPeriodIndicatorsDto(p: PeriodIndicators): PeriodIndicatorsDto {
  return {
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    kind: p.kind,
    ruleSetId: p.ruleSetId,
    months: p.months,
    receiptsTotal: euros(p.receiptsTotalCents),
    receiptsTotalCents: p.receiptsTotalCents,
    expensesTotal: euros(p.expensesTotalCents),
    expensesTotalCents: p.expensesTotalCents,
    profitTotal: euros(p.profitTotalCents),
    profitTotalCents: p.profitTotalCents,
    monthlyProfit: euros(p.monthlyProfitCents),
    monthlyProfitCents: p.monthlyProfitCents,
    costRatio: p.costRatio,
    contributionMargin: euros(p.contributionMarginCents),
    contributionMarginCents: p.contributionMarginCents,
    contributionMarginRate: p.contributionMarginRate,
    hourlyEarnings: orNull(p.hourlyEarningsCents),
    hourlyEarningsCents: p.hourlyEarningsCents,
    minimumWage: euros(p.minimumWageCents),
    minimumWageCents: p.minimumWageCents,
    minimumWageRatio: p.minimumWageRatio,
    deductionsMonthly: euros(p.deductionsMonthlyCents),
    deductionsMonthlyCents: p.deductionsMonthlyCents,
    baseDeductionMonthly: euros(p.baseDeductionMonthlyCents),
    baseDeductionMonthlyCents: p.baseDeductionMonthlyCents,
    earnedIncomeAllowanceMonthly: euros(p.earnedIncomeAllowanceMonthlyCents),
    earnedIncomeAllowanceMonthlyCents: p.earnedIncomeAllowanceMonthlyCents,
    allowanceMonthly: euros(p.allowanceMonthlyCents),
    allowanceMonthlyCents: p.allowanceMonthlyCents,
    countedIncomeMonthly: euros(p.countedIncomeMonthlyCents),
    countedIncomeMonthlyCents: p.countedIncomeMonthlyCents,
    householdNeedMonthly: euros(p.householdNeedMonthlyCents),
    householdNeedMonthlyCents: p.householdNeedMonthlyCents,
    coverageRatio: p.coverageRatio,
    profitNeededMonthly: euros(p.profitNeededMonthlyCents),
    profitNeededMonthlyCents: p.profitNeededMonthlyCents,
    profitGapMonthly: euros(p.profitGapMonthlyCents),
    profitGapMonthlyCents: p.profitGapMonthlyCents,
    flags: p.flags.map((f) => ({ code: f.code, message: f.message })),
  };
}

export function toIndicatorsDto(i: AnalysisIndicators): IndicatorsDto {
  const { trend } = i;
  return {
    periods: i.periods.map(toPeriodIndicatorsDto),
    trend: {
      revenueSlopePerMonth: orNull(trend.revenueSlopeCentsPerMonth),
      revenueSlopeCentsPerMonth: trend.revenueSlopeCentsPerMonth,
      profitSlopePerMonth: orNull(trend.profitSlopeCentsPerMonth),
      profitSlopeCentsPerMonth: trend.profitSlopeCentsPerMonth,
      monthsOnBenefits: trend.monthsOnBenefits,
      monthsSinceStart: trend.monthsSinceStart,
      latest: trend.latest && toPeriodIndicatorsDto(trend.latest),
    },
    flags: i.flags.map((f) => ({ code: f.code, message: f.message })),
  };
}

const eurosOf = (lines: Record<string, number>) =>
  Object.fromEntries(Object.entries(lines).map(([code, cents]) => [code, euros(cents)]));

export function toPeriodDto(p: PeriodVersion): EksPeriodDto {
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
): ResetAnalysisDto {
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
    assessment: row.assessment && {
      strengths: row.assessment.strengths,
      weaknesses: row.assessment.weaknesses,
      opportunities: row.assessment.opportunities,
      risks: row.assessment.risks,
    },
    recommendation: context.recommendation && {
      recommendation: context.recommendation.recommendation,
      measures: context.recommendation.measures.map((m) => ({ title: m.title, dueOn: m.dueOn })),
      rationale: context.recommendation.rationale,
    },
    decision: context.decision && {
      accepted: context.decision.accepted,
      note: context.decision.note,
    },
    cancellation: context.cancellation && {
      fromState: context.cancellation.fromState,
      reason: context.cancellation.reason,
    },
    caseId: row.case_id,
    periodStarts: periods.map((p) => p.periodStart),
    indicators: toIndicatorsDto(indicators),
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

export function toListItem(r: AnalysisListRow): ResetAnalysisListItemDto {
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

export function toResetHistoryDto(row: ResetHistoryRow): ResetHistoryEntryDto {
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
