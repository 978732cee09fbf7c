import { RATES } from '../rules/rates.data';
import { businessFlags, uniqueFlags } from './flags';
import { computePeriodIndicators } from './period-indicators';
import { byPeriodStart, computeTrend } from './trend';
import { AnalysisIndicators, AnalysisInput } from './types';

/** Everything an as-is analysis shows: per period (in date order), the trend and all flags. */
export function computeAnalysisIndicators(input: AnalysisInput): AnalysisIndicators {
  const { business, household, today, rates = RATES } = input;
  const periods = byPeriodStart(input.periods).map((p) =>
    computePeriodIndicators(p, business, household, today, rates),
  );
  const trend = computeTrend(input.periods, business, household, today, rates);
  const flags = uniqueFlags([
    ...periods.flatMap((p) => p.flags),
    ...businessFlags(business, trend.monthsOnBenefits),
  ]);
  return { periods, trend, flags };
}
