import { isCalendarDate } from '../../common/time/iso-date';
import { AllowanceRule, DatedRate, RATES, RateTable, StandardRatesCents } from './rates.data';

/** The figures in force on one date, combined from the per-kind histories. */
export interface RuleSet {
  /** Lists the entry used for each kind, e.g. `rb-2024-01+mw-2025-01+fb-2023-07`. */
  id: string;
  /** The latest `validFrom` among the entries used: the day this combination took effect. */
  validFrom: string;
  standardRatesCents: StandardRatesCents;
  minimumWageCents: number;
  allowance: AllowanceRule;
}

export type RatesUnavailableReason = 'invalid_date' | 'before_earliest_rate' | 'ambiguous_rate';

export class RatesUnavailableError extends Error {
  readonly code = 'rates_unavailable' as const;

  constructor(
    readonly reason: RatesUnavailableReason,
    readonly date: string,
    readonly kind: keyof RateTable | null,
  ) {
    super(
      reason === 'invalid_date'
        ? `"${date}" is not a valid YYYY-MM-DD date`
        : reason === 'ambiguous_rate'
          ? `more than one ${kind} entry starts on the same day as the one in force on ${date}`
          : `no ${kind} entry is valid on ${date}`,
    );
    this.name = 'RatesUnavailableError';
  }
}

/** True for a real calendar date written as YYYY-MM-DD (rejects 2025-02-30). */
export function isIsoDate(value: string): boolean {
  return isCalendarDate(value);
}

// ISO dates compare correctly as strings, so no Date arithmetic is needed to pick an entry.
function pick<T>(entries: DatedRate<T>[], date: string, kind: keyof RateTable): DatedRate<T> {
  const valid = entries.filter((e) => e.validFrom <= date);
  if (valid.length === 0) throw new RatesUnavailableError('before_earliest_rate', date, kind);
  const latest = valid.reduce((a, b) => (b.validFrom > a.validFrom ? b : a));
  if (valid.filter((e) => e.validFrom === latest.validFrom).length > 1) {
    throw new RatesUnavailableError('ambiguous_rate', date, kind);
  }
  return latest;
}

/** The rule set in force on `dateISO`; `table` is injectable so tests can add future entries. */
export function ruleSetFor(dateISO: string, table: RateTable = RATES): RuleSet {
  if (!isIsoDate(dateISO)) throw new RatesUnavailableError('invalid_date', dateISO, null);
  const standard = pick(table.standardRates, dateISO, 'standardRates');
  const wage = pick(table.minimumWage, dateISO, 'minimumWage');
  const allowance = pick(table.allowance, dateISO, 'allowance');
  const used = [standard, wage, allowance];
  return {
    id: used.map((e) => e.id).join('+'),
    validFrom: used.map((e) => e.validFrom).reduce((a, b) => (b > a ? b : a)),
    standardRatesCents: { ...standard.value },
    minimumWageCents: wage.value.hourlyCents,
    allowance: structuredClone(allowance.value),
  };
}
