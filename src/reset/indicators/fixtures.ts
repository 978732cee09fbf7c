import { Business, EksMonth, EksPeriod, Household } from './types';

/** Test builders; amounts in cents. */
export function month(
  m: string,
  receipts: Record<string, number>,
  expenses: Record<string, number>,
  deductions: Record<string, number> = {},
): EksMonth {
  return { month: m, receipts, expenses, deductions };
}

/** `count` consecutive months starting at `first` (YYYY-MM), built by `build(month, index)`. */
export function months(first: string, count: number, build: (m: string, i: number) => EksMonth) {
  const [y, mo] = first.split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const index = y * 12 + mo - 1 + i;
    const label = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    return build(label, i);
  });
}

export function period(overrides: Partial<EksPeriod> & Pick<EksPeriod, 'months'>): EksPeriod {
  const sorted = overrides.months.map((m) => m.month).sort();
  return {
    periodStart: `${sorted[0]}-01`,
    periodEnd: lastDay(sorted[sorted.length - 1]),
    kind: 'final',
    finalDeclarationDueOn: null,
    ...overrides,
  };
}

function lastDay(m: string): string {
  const [y, mo] = m.split('-').map(Number);
  return new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10);
}

export const business = (overrides: Partial<Business> = {}): Business => ({
  hoursPerWeek: 40,
  largestClientShare: null,
  mainOccupation: true,
  benefitsSinceOn: null,
  startedOn: null,
  ...overrides,
});

export const single = (overrides: Partial<Household> = {}): Household => ({
  members: [{ role: 'self', standardRateLevel: 1 }],
  extraNeedsMonthlyCents: 0,
  housingCostsMonthlyCents: 45000,
  otherIncomeMonthlyCents: 0,
  ...overrides,
});
