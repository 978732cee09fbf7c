import {
  CONTRIBUTION_MARGIN_LINES,
  DEDUCTION_CODES,
  EXPENSE_CODES,
  RECEIPT_CODES,
} from '../rules/eks-lines';
import { isIsoDate } from '../rules/rule-set';
import { EksMonth, EksPeriod } from './types';

export interface FieldError {
  field: string;
  message: string;
}

export class InvalidEksPeriodError extends Error {
  readonly code = 'invalid_eks_period' as const;

  constructor(readonly errors: FieldError[]) {
    super(`invalid EKS period: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'InvalidEksPeriodError';
  }
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const TABLES = [
  ['receipts', RECEIPT_CODES],
  ['expenses', EXPENSE_CODES],
  ['deductions', DEDUCTION_CODES],
] as const;

/** Structural checks the arithmetic relies on; the API layer should reject these earlier. */
export function validateEksPeriod(period: EksPeriod): FieldError[] {
  const errors: FieldError[] = [];
  const { periodStart, periodEnd } = period;
  if (!isIsoDate(periodStart)) errors.push({ field: 'periodStart', message: 'invalid date' });
  if (!isIsoDate(periodEnd)) errors.push({ field: 'periodEnd', message: 'invalid date' });
  if (periodEnd < periodStart) {
    errors.push({ field: 'periodEnd', message: 'must not be before periodStart' });
  }
  if (period.months.length === 0) errors.push({ field: 'months', message: 'must not be empty' });
  const seen = new Set<string>();
  period.months.forEach((m, i) => {
    const at = `months[${i}]`;
    if (!MONTH.test(m.month)) errors.push({ field: `${at}.month`, message: 'must be YYYY-MM' });
    else if (seen.has(m.month)) errors.push({ field: `${at}.month`, message: 'duplicate month' });
    else if (m.month < periodStart.slice(0, 7) || m.month > periodEnd.slice(0, 7)) {
      errors.push({ field: `${at}.month`, message: 'outside the period' });
    }
    seen.add(m.month);
    for (const [table, codes] of TABLES) {
      for (const [code, cents] of Object.entries(m[table])) {
        if (!codes.has(code))
          errors.push({ field: `${at}.${table}.${code}`, message: 'unknown line' });
        else if (!Number.isSafeInteger(cents) || cents < 0) {
          errors.push({ field: `${at}.${table}.${code}`, message: 'must be non-negative cents' });
        }
      }
    }
  });
  return errors;
}

function sum(values: Record<string, number>, codes?: readonly string[]): number {
  return Object.entries(values)
    .filter(([code]) => !codes || codes.includes(code))
    .reduce((total, [, cents]) => total + cents, 0);
}

export interface MonthTotals {
  month: string;
  receiptsCents: number;
  expensesCents: number;
  deductionsCents: number;
  marginReceiptsCents: number;
  variableCostsCents: number;
}

export function monthTotals(m: EksMonth): MonthTotals {
  return {
    month: m.month,
    receiptsCents: sum(m.receipts),
    expensesCents: sum(m.expenses),
    deductionsCents: sum(m.deductions),
    marginReceiptsCents: sum(m.receipts, CONTRIBUTION_MARGIN_LINES.receipts),
    variableCostsCents: sum(m.expenses, CONTRIBUTION_MARGIN_LINES.variableCosts),
  };
}

/** Months are ordered chronologically so that trends never depend on input order. */
export function sortedMonths(period: EksPeriod): EksMonth[] {
  return [...period.months].sort((a, b) => a.month.localeCompare(b.month));
}
