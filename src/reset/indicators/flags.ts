import { Business, EksPeriod, Flag, FlagCode } from './types';

/**
 * Above 5/6 of revenue from one client the pension insurance treats a self-employed person as
 * "arbeitnehmerähnlich" (§2 Satz 1 Nr. 9 SGB VI); it is also a warning sign of bogus
 * self-employment, which the domain brief asks us to surface.
 */
export const CLIENT_CONCENTRATION_SHARE = 5 / 6;
/** Einstiegsgeld ends after 24 months and §16c expects founders off benefits within ~24 months. */
export const LONG_BENEFIT_MONTHS = 24;
/** Below 15 h/week the work does not count as a main occupation (Einstiegsgeld practice). */
export const MAIN_OCCUPATION_MIN_HOURS = 15;

const euro = (cents: number) => `${(cents / 100).toFixed(2)} €`;

export interface PeriodFlagInput {
  monthlyProfitCents: number;
  hourlyEarningsCents: number | null;
  minimumWageCents: number;
}

export function periodFlags(ind: PeriodFlagInput, period: EksPeriod, today: string): Flag[] {
  const flags: Flag[] = [];
  const span = `${period.periodStart}–${period.periodEnd}`;
  if (ind.monthlyProfitCents < 0) {
    flags.push({
      code: 'negative_profit',
      message: `Monthly profit ${euro(ind.monthlyProfitCents)} is negative (${span}).`,
    });
  }
  if (ind.hourlyEarningsCents !== null && ind.hourlyEarningsCents < ind.minimumWageCents) {
    flags.push({
      code: 'below_minimum_wage',
      message:
        `Hourly earnings ${euro(ind.hourlyEarningsCents)} are below the minimum wage ` +
        `${euro(ind.minimumWageCents)} (${span}).`,
    });
  }
  if (
    period.kind === 'provisional' &&
    period.finalDeclarationDueOn !== null &&
    period.finalDeclarationDueOn < today
  ) {
    flags.push({
      code: 'final_declaration_overdue',
      message: `The final EKS for ${span} was due on ${period.finalDeclarationDueOn}.`,
    });
  }
  return flags;
}

export function businessFlags(business: Business, monthsOnBenefits: number | null): Flag[] {
  const flags: Flag[] = [];
  const share = business.largestClientShare;
  if (share !== null && share > CLIENT_CONCENTRATION_SHARE) {
    flags.push({
      code: 'client_concentration',
      message: `${Math.round(share * 100)} % of revenue comes from one client (more than 5/6).`,
    });
  }
  if (monthsOnBenefits !== null && monthsOnBenefits > LONG_BENEFIT_MONTHS) {
    flags.push({
      code: 'long_benefit_receipt',
      message: `On benefits for ${monthsOnBenefits} months (more than ${LONG_BENEFIT_MONTHS}).`,
    });
  }
  if (business.hoursPerWeek < MAIN_OCCUPATION_MIN_HOURS) {
    flags.push({
      code: 'side_occupation_hours',
      message: `${business.hoursPerWeek} h/week is below the ${MAIN_OCCUPATION_MIN_HOURS} h of a main occupation.`,
    });
  }
  return flags;
}

/** Keeps the first flag of each code, in order of appearance. */
export function uniqueFlags(flags: Flag[]): Flag[] {
  const seen = new Set<FlagCode>();
  return flags.filter((f) => (seen.has(f.code) ? false : (seen.add(f.code), true)));
}
