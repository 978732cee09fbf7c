import type { ReportCell, ReportColumn } from '../report';

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * A cell of a number column as a number: builders may pass PostgreSQL's numeric and bigint as
 * text ('12.50', '3'), which a file must still carry as a number. Anything else is null.
 */
export function numberCell(value: ReportCell): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && NUMBER_TEXT.test(value)) return Number(value);
  return null;
}

export const isNumberColumn = (c: ReportColumn): boolean => c.type === 'integer' || c.type === 'number';

/** The period of a report as in titles: 2026-01-01 – 2026-12-31. */
export const periodText = (from: string, to: string): string => `${from} \u2013 ${to}`;
