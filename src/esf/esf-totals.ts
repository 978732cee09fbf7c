import type { GroupBy, ReportParams, ReportRow } from '../reports/report';
import {
  activeIn,
  addDays,
  addMonths,
  type EsfGender,
  isShortContact,
  type ParticipationFacts,
  participantRow,
} from './esf-indicators';

/** The lines of the totals, in order: every indicator code, the EECR05 states, short contacts. */
export const TOTAL_LINES = [
  'EECO01',
  'EECO02',
  'EECO03',
  'EECO04',
  'EECO05',
  'EECO06',
  'EECO07',
  'EECO08',
  'EECO09',
  'EECO10',
  'EECO11',
  'EECO12',
  'EECO13',
  'EECO14',
  'EECO15',
  'EECO16',
  'EECR01',
  'EECR02',
  'EECR03',
  'EECR04',
  'EECR05',
  'EECR05_NO_CONSENT',
  'EECR05_NOT_DUE',
  'EECR05_MISSING',
  'SHORT_CONTACTS',
] as const;
export type TotalLine = (typeof TOTAL_LINES)[number];

const MONTHS: Record<GroupBy, number> = { month: 1, quarter: 3, year: 12 };

/** The first day of the period a day falls in (as PostgreSQL's date_trunc). */
export function periodStartOf(day: string, groupBy: GroupBy): string {
  const [y, m] = day.split('-').map(Number);
  const first =
    groupBy === 'year' ? 1 : groupBy === 'quarter' ? Math.floor((m - 1) / 3) * 3 + 1 : m;
  return `${String(y).padStart(4, '0')}-${String(first).padStart(2, '0')}-01`;
}

/** Each period of [from, to] as its start and the days of it inside [from, to]. */
export function periodsOf(
  from: string,
  to: string,
  groupBy: GroupBy,
): { start: string; first: string; last: string }[] {
  const out: { start: string; first: string; last: string }[] = [];
  for (
    let start = periodStartOf(from, groupBy);
    start <= to;
    start = addMonths(start, MONTHS[groupBy])
  ) {
    const end = addDays(addMonths(start, MONTHS[groupBy]), -1);
    out.push({ start, first: start < from ? from : start, last: end > to ? to : end });
  }
  return out;
}

/** The lines one participation counts in (a short contact counts only as SHORT_CONTACTS). */
export function linesOf(f: ParticipationFacts, today: string): TotalLine[] {
  if (isShortContact(f)) return ['SHORT_CONTACTS'];
  const row = participantRow(f, '', '', today);
  const lines: TotalLine[] = [];
  for (const line of TOTAL_LINES) {
    if (line.startsWith('EECO') || /^EECR0[1-4]$/.test(line)) {
      const v = (row as unknown as Record<string, unknown>)[line];
      if (v === 1) lines.push(line);
    }
  }
  // Annex I point 1: the voluntary answers, counted only when the answer is yes.
  if (f.voluntary?.disability === 'yes') lines.push('EECO12');
  if (f.voluntary?.minority === 'yes') lines.push('EECO15');
  if (f.voluntary?.homeless === 'yes') lines.push('EECO16');
  if (row.EECR05 === 1) lines.push('EECR05');
  if (row.EECR05 === 'no_consent') lines.push('EECR05_NO_CONSENT');
  if (row.EECR05 === 'not_due') lines.push('EECR05_NOT_DUE');
  if (row.EECR05 === 'missing') lines.push('EECR05_MISSING');
  return lines;
}

const GENDER_KEY: Record<EsfGender, 'female' | 'male' | 'nonBinary'> = {
  female: 'female',
  male: 'male',
  non_binary: 'nonBinary',
};

/** The rows of the esf-totals report: every office, period and line, zeros included. */
export function esfTotals(
  facts: readonly ParticipationFacts[],
  params: Pick<ReportParams, 'officeIds' | 'from' | 'to' | 'groupBy' | 'today'>,
): ReportRow[] {
  const periods = periodsOf(params.from, params.to, params.groupBy);
  const counts = new Map<string, { female: number; male: number; nonBinary: number }>();
  const keyOf = (office: string, period: string, line: string) => `${office} ${period} ${line}`;
  for (const f of facts) {
    const lines = linesOf(f, params.today);
    for (const p of periods) {
      if (!activeIn(f, p.first, p.last)) continue;
      for (const line of lines) {
        const key = keyOf(f.officeId, p.start, line);
        const c = counts.get(key) ?? { female: 0, male: 0, nonBinary: 0 };
        c[GENDER_KEY[f.gender]]++;
        counts.set(key, c);
      }
    }
  }
  const rows: ReportRow[] = [];
  for (const officeId of params.officeIds)
    for (const p of periods)
      for (const line of TOTAL_LINES) {
        const c = counts.get(keyOf(officeId, p.start, line)) ?? {
          female: 0,
          male: 0,
          nonBinary: 0,
        };
        rows.push({
          officeId,
          periodStart: p.start,
          indicator: line,
          ...c,
          total: c.female + c.male + c.nonBinary,
        });
      }
  return rows;
}
