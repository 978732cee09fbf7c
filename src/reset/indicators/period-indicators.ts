import { RATES, RateTable } from '../rules/rates.data';
import { RuleSet, ruleSetFor } from '../rules/rule-set';
import { computeAllowance, profitNeededCents } from './allowance';
import { InvalidEksPeriodError, monthTotals, validateEksPeriod } from './eks-period';
import { periodFlags } from './flags';
import { divideToCents, roundRatio } from './money';
import { Business, EksPeriod, Household, PeriodIndicators } from './types';

/** Average weeks per month (52 / 12 ≈ 4.33), as the Jobcenters use it; kept as 433/100. */
const WEEKS_PER_MONTH_TIMES_100 = 433;

/** Σ standard rates of the members + extra needs + housing and heating. */
export function householdNeedMonthlyCents(household: Household, rules: RuleSet): number {
  const rates = household.members.reduce((total, member) => {
    const rate = rules.standardRatesCents[member.standardRateLevel];
    if (rate === undefined) throw new RangeError(`unknown level ${member.standardRateLevel}`);
    return total + rate;
  }, 0);
  return rates + household.extraNeedsMonthlyCents + household.housingCostsMonthlyCents;
}

/**
 * Indicators of one EKS period. All dated figures come from the rule set in force on the first
 * day of the period, even if the period runs into a year with new rates: the Jobcenter assesses
 * a Bewilligungszeitraum by the rules at its start, and one period then has one rule set.
 */
export function computePeriodIndicators(
  period: EksPeriod,
  business: Business,
  household: Household,
  today: string,
  rates: RateTable = RATES,
): PeriodIndicators {
  const errors = validateEksPeriod(period);
  if (errors.length > 0) throw new InvalidEksPeriodError(errors);
  const rules = ruleSetFor(period.periodStart, rates);

  const totals = period.months.map(monthTotals);
  const months = totals.length;
  const add = (pick: (t: (typeof totals)[number]) => number) =>
    totals.reduce((sum, t) => sum + pick(t), 0);
  const receipts = add((t) => t.receiptsCents);
  const expenses = add((t) => t.expensesCents);
  const marginReceipts = add((t) => t.marginReceiptsCents);
  const margin = marginReceipts - add((t) => t.variableCostsCents);
  const profit = receipts - expenses;
  const monthlyProfit = divideToCents(profit, months);
  const deductions = divideToCents(
    add((t) => t.deductionsCents),
    months,
  );

  const hours = business.hoursPerWeek;
  // monthly profit / (hours × 4.33) = monthly profit × 100 / (hours × 433), without 4.33 in binary
  const hourly =
    hours > 0 ? divideToCents(monthlyProfit * 100, hours * WEEKS_PER_MONTH_TIMES_100) : null;

  const withChild = household.members.some((m) => m.role === 'child');
  const allowance = computeAllowance(monthlyProfit, deductions, rules.allowance, withChild);
  const need = householdNeedMonthlyCents(household, rules);
  const other = household.otherIncomeMonthlyCents;
  const needed = profitNeededCents(need - other, deductions, rules.allowance, withChild);

  const figures = {
    monthlyProfitCents: monthlyProfit,
    hourlyEarningsCents: hourly,
    minimumWageCents: rules.minimumWageCents,
  };
  return {
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    kind: period.kind,
    ruleSetId: rules.id,
    months,
    receiptsTotalCents: receipts,
    expensesTotalCents: expenses,
    profitTotalCents: profit,
    costRatio: receipts === 0 ? null : roundRatio(expenses / receipts),
    contributionMarginCents: margin,
    contributionMarginRate: marginReceipts === 0 ? null : roundRatio(margin / marginReceipts),
    ...figures,
    minimumWageRatio: hourly === null ? null : roundRatio(hourly / rules.minimumWageCents),
    deductionsMonthlyCents: deductions,
    baseDeductionMonthlyCents: allowance.baseDeductionCents,
    earnedIncomeAllowanceMonthlyCents: allowance.earnedIncomeAllowanceCents,
    allowanceMonthlyCents: allowance.allowanceCents,
    countedIncomeMonthlyCents: allowance.countedIncomeCents,
    householdNeedMonthlyCents: need,
    coverageRatio: need === 0 ? null : roundRatio((allowance.countedIncomeCents + other) / need),
    profitNeededMonthlyCents: needed,
    profitGapMonthlyCents: Math.max(0, needed - monthlyProfit),
    flags: periodFlags(figures, period, today),
  };
}
