import { ApiPropertyOptional, ApiSchema, type ApiPropertyOptions } from '@nestjs/swagger';
import { DEDUCTION_LINES, EXPENSE_LINES, RECEIPT_LINES, type EksLine } from '../rules';
import { EURO_INPUT_SCHEMA } from './schema-parts';

/**
 * The three tables of an EKS month (A receipts, B expenses, C deductions) as schemas with one
 * optional property per line code of the form (rules/eks-lines.ts), so a generated client knows
 * the codes; an unknown code is refused (400). Each table comes three times: euros in a request
 * (number or decimal string), euros in an answer (number) and cents in an answer (integer).
 */

type LineTable = new () => object;

function lineTable(
  name: string,
  lines: readonly EksLine[],
  value: ApiPropertyOptions,
  description: string,
): LineTable {
  const table = { [name]: class {} }[name];
  for (const { code, label } of lines) {
    ApiPropertyOptional({ ...value, description: `${code}: ${label}` })(table.prototype, code);
  }
  ApiSchema({ name, description })(table);
  return table;
}

const INPUT = { type: Object, oneOf: EURO_INPUT_SCHEMA.oneOf } as const;
const EUROS = { type: 'number' } as const;
const CENTS = { type: 'integer', minimum: 0 } as const;

const tables = (name: string, title: string, lines: readonly EksLine[]) => ({
  input: lineTable(
    `${name}Input`,
    lines,
    INPUT,
    `${title}: line code → euros (a number or a decimal string, at most two decimals, never negative); a missing line is 0`,
  ),
  euros: lineTable(
    name,
    lines,
    EUROS,
    `${title}: line code → euros, as recorded (missing lines were not given)`,
  ),
  cents: lineTable(
    `${name}Cents`,
    lines,
    CENTS,
    `${title}: line code → integer cents, as recorded`,
  ),
});

export const RECEIPT_TABLES = tables(
  'EksReceipts',
  'Table A, receipts (Betriebseinnahmen)',
  RECEIPT_LINES,
);
export const EXPENSE_TABLES = tables(
  'EksExpenses',
  'Table B, expenses (Betriebsausgaben)',
  EXPENSE_LINES,
);
export const DEDUCTION_TABLES = tables(
  'EksDeductions',
  'Table C, deductions from the profit (Absetzbeträge, §11b SGB II)',
  DEDUCTION_LINES,
);

/** The API type of a table: line code → amount (only the codes of the form, see above). */
export type LineAmounts<T = number> = Record<string, T>;
