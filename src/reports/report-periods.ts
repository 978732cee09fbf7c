import type { BilingualLabel } from '../phase-model/phase-model.types';
import type { GroupBy, ReportColumn } from './report';

/**
 * Periods of the reports: calendar months, quarters and years of Europe/Berlin days, named by their
 * first day (periodStart) and labelled 2026-03, 2026-Q1, 2026.
 */

/** The SQL of the first day of the period a date expression falls in (groupBy is an enum value). */
export function periodStartSql(dateExpr: string, groupBy: GroupBy): string {
  return `date_trunc('${groupBy}', ${dateExpr})::date`;
}

/** The SQL of a Berlin calendar day of a timestamptz expression. */
export function berlinDaySql(timestampExpr: string): string {
  return `(${timestampExpr} AT TIME ZONE 'Europe/Berlin')::date`;
}

/**
 * Every period from the one of `from` to the one of `to`, as a FROM item `periods(period_start)`:
 * reports list each office and period, zeros included. $fromParam/$toParam are placeholders.
 */
export function periodSeriesSql(groupBy: GroupBy, fromParam: string, toParam: string): string {
  // PostgreSQL has no interval '1 quarter'.
  const step = groupBy === 'quarter' ? '3 months' : `1 ${groupBy}`;
  return `generate_series(date_trunc('${groupBy}', ${fromParam}::date), date_trunc('${groupBy}', ${toParam}::date), interval '${step}') AS periods(period_ts)`;
}

/** The label of a period by its first day (YYYY-MM-DD). */
export function periodLabel(periodStart: string, groupBy: GroupBy): string {
  const [year, month] = periodStart.split('-');
  if (groupBy === 'year') return year;
  if (groupBy === 'quarter') return `${year}-Q${Math.floor((Number(month) - 1) / 3) + 1}`;
  return `${year}-${month}`;
}

const label = (de: string, en: string): BilingualLabel => ({ de, en });

/** The columns every report row starts with (the office), added by the service. */
export const OFFICE_COLUMNS: readonly ReportColumn[] = [
  {
    key: 'officeId',
    type: 'uuid',
    role: 'dimension',
    label: label('Stelle (ID)', 'Office (id)'),
    definition: 'The office the figures belong to: the office that held the case when it happened.',
  },
  {
    key: 'officeCode',
    type: 'string',
    role: 'dimension',
    label: label('Stelle (Kürzel)', 'Office code'),
    definition: 'The office\u2019s code.',
  },
  {
    key: 'officeName',
    type: 'string',
    role: 'dimension',
    label: label('Stelle', 'Office'),
    definition: 'The office\u2019s name.',
  },
];

/** The period columns of a periodic report (after the office's). */
export const PERIOD_COLUMNS: readonly ReportColumn[] = [
  {
    key: 'period',
    type: 'string',
    role: 'dimension',
    label: label('Zeitraum', 'Period'),
    definition: 'The calendar month (2026-03), quarter (2026-Q1) or year (2026) of Europe/Berlin days.',
  },
  {
    key: 'periodStart',
    type: 'date',
    role: 'dimension',
    label: label('Beginn des Zeitraums', 'Period start'),
    definition: 'The first day of the period.',
  },
];
