import { RATES, RateTable } from '../rules/rates.data';
import { monthTotals, sortedMonths } from './eks-period';
import { divideToCents } from './money';
import { computePeriodIndicators } from './period-indicators';
import { Business, EksPeriod, Household, Trend } from './types';

/**
 * Whole calendar months from `from` to `to` (both YYYY-MM-DD); 0 when `to` is earlier. As in
 * §188 Abs. 3 BGB, a month whose matching day does not exist is complete on its last day
 * (31 January → 28 February is one month).
 */
export function wholeMonthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  const lastDayOfToMonth = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  const incomplete = td < fd && td < lastDayOfToMonth;
  return Math.max(0, (ty - fy) * 12 + (tm - fm) - (incomplete ? 1 : 0));
}

function monthIndex(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return y * 12 + (m - 1);
}

/**
 * Least-squares slope Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², rounded to whole cents per month; null
 * when fewer than two distinct months. x is the calendar month, so a gap between periods
 * stretches the time axis instead of being silently closed.
 */
export function leastSquaresSlope(points: { x: number; y: number }[]): number | null {
  if (points.length < 2) return null;
  const meanX = points.reduce((s, p) => s + p.x, 0) / points.length;
  const meanY = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sxx = points.reduce((s, p) => s + (p.x - meanX) ** 2, 0);
  if (sxx === 0) return null;
  const sxy = points.reduce((s, p) => s + (p.x - meanX) * (p.y - meanY), 0);
  return divideToCents(sxy, sxx);
}

export function byPeriodStart(periods: EksPeriod[]): EksPeriod[] {
  return [...periods].sort((a, b) => a.periodStart.localeCompare(b.periodStart));
}

/** Revenue = Σ table A of a month; profit = Σ A − Σ B of that month. */
export function computeTrend(
  periods: EksPeriod[],
  business: Business,
  household: Household,
  today: string,
  rates: RateTable = RATES,
): Trend {
  const ordered = byPeriodStart(periods);
  const months = ordered.flatMap((p) => sortedMonths(p).map(monthTotals));
  const revenue = months.map((m) => ({ x: monthIndex(m.month), y: m.receiptsCents }));
  const profit = months.map((m) => ({
    x: monthIndex(m.month),
    y: m.receiptsCents - m.expensesCents,
  }));
  const latest = ordered.at(-1);
  return {
    revenueSlopeCentsPerMonth: leastSquaresSlope(revenue),
    profitSlopeCentsPerMonth: leastSquaresSlope(profit),
    monthsOnBenefits:
      business.benefitsSinceOn === null
        ? null
        : wholeMonthsBetween(business.benefitsSinceOn, today),
    monthsSinceStart:
      business.startedOn === null ? null : wholeMonthsBetween(business.startedOn, today),
    latest: latest ? computePeriodIndicators(latest, business, household, today, rates) : null,
  };
}
