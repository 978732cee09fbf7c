/**
 * Dated SGB II figures. Each rate kind has its own history because the law changes them on
 * different dates (standard rates each 1 January, the minimum wage by ordinance, the §11b
 * allowance by statute). Adding next year's figures is a new entry here and nothing else.
 */

/** Regelbedarfsstufen 1–6 in cents per month. */
export type StandardRatesCents = Record<1 | 2 | 3 | 4 | 5 | 6, number>;

export interface AllowanceBracket {
  fromCents: number;
  /** Exclusive of the part above; `null` marks the bracket whose end is the upper limit. */
  toCents: number | null;
  /** Share of the gross income inside the bracket that stays free, e.g. 0.2. */
  rate: number;
}

export interface AllowanceRule {
  /** §11b Abs. 2: flat base allowance. */
  baseCents: number;
  /** Up to this gross income the flat base replaces the actual table C deductions. */
  baseReplacesDeductionsUpToCents: number;
  /** §11b Abs. 3 brackets; the last one ends at the applicable upper limit. */
  brackets: AllowanceBracket[];
  upperLimitCents: number;
  upperLimitWithChildCents: number;
}

export interface DatedRate<T> {
  /** Short, stable id that ends up in the rule-set id, e.g. `rb-2024-01`. */
  id: string;
  validFrom: string;
  value: T;
  source: string;
}

export interface RateTable {
  standardRates: DatedRate<StandardRatesCents>[];
  minimumWage: DatedRate<{ hourlyCents: number }>[];
  allowance: DatedRate<AllowanceRule>[];
}

export const RATES: RateTable = {
  standardRates: [
    {
      // Kept unchanged for 2025 and 2026 (Nullrunde), so this entry is still in force.
      id: 'rb-2024-01',
      validFrom: '2024-01-01',
      value: { 1: 56300, 2: 50600, 3: 45100, 4: 47100, 5: 39000, 6: 35700 },
      source: 'Regelbedarfsstufen-Fortschreibungsverordnung 2024, §20 SGB II',
    },
  ],
  minimumWage: [
    {
      id: 'mw-2024-01',
      validFrom: '2024-01-01',
      value: { hourlyCents: 1241 },
      source: 'Vierte Mindestlohnanpassungsverordnung',
    },
    {
      id: 'mw-2025-01',
      validFrom: '2025-01-01',
      value: { hourlyCents: 1282 },
      source: 'Vierte Mindestlohnanpassungsverordnung',
    },
    {
      id: 'mw-2026-01',
      validFrom: '2026-01-01',
      value: { hourlyCents: 1390 },
      source: 'Fünfte Mindestlohnanpassungsverordnung',
    },
  ],
  allowance: [
    {
      id: 'fb-2023-07',
      validFrom: '2023-07-01',
      value: {
        baseCents: 10000,
        baseReplacesDeductionsUpToCents: 40000,
        brackets: [
          { fromCents: 10000, toCents: 52000, rate: 0.2 },
          { fromCents: 52000, toCents: 100000, rate: 0.3 },
          { fromCents: 100000, toCents: null, rate: 0.1 },
        ],
        upperLimitCents: 120000,
        upperLimitWithChildCents: 150000,
      },
      source: '§11b Abs. 2 und 3 SGB II (Bürgergeld-Gesetz, zweite Stufe)',
    },
  ],
};
