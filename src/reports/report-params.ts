import { AppError } from '../common/errors/app-error';
import { todayInBerlin } from '../common/time/calendar-date';
import type { ReportQueryDto } from './dto/report-query.dto';
import type { ReportParams } from './report';

/** The longest span a report covers: ten years of days (a guard against accidental scans). */
const MAX_YEARS = 10;

function invalid(field: string, message: string): never {
  throw new AppError('validation_failed', `${field} ${message}.`, {
    errors: [{ field, message }],
  });
}

function plusYears(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

/**
 * The period and options of a report from its query: `to` defaults to today, `from` to 1 January
 * of the year of `to`; `from` after `to`, or a span over ten years, is a 400.
 */
export function periodParams(
  q: ReportQueryDto,
  today = todayInBerlin(),
): Omit<ReportParams, 'officeIds' | 'advisorId'> {
  const to = q.to ?? today;
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) invalid('from', 'must not be after to');
  if (plusYears(from, MAX_YEARS) < to) invalid('to', `must be at most ${MAX_YEARS} years after from`);
  return { from, to, groupBy: q.groupBy ?? 'month', staleDays: q.staleDays ?? 60, today };
}
