import { COMPLETION_OUTCOMES, type CompletionOutcome } from '../../phase-model/phase-model.types';
import type { ReportColumn } from '../report';
import type { ReportBuilder } from '../report-builder';
import { periodSeriesSql, periodStartSql } from '../report-periods';
import { measure } from '../report-columns';

/**
 * The outcomes: per office and period (Europe/Berlin days), what became of the foundings and the
 * cases. Three sources, each figure naming its own:
 * - the foundings and their follow-ups: founder_case.business_started_on (the office holding the
 *   case now, founder_case.office_id) and case_follow_up (src/follow-ups). A founding is judged at
 *   each mark (business start + 6, 12, 24 calendar months, a month end clamped as PostgreSQL's
 *   `date + interval 'N months'` does) by the first follow-up dated on or after the mark and on or
 *   before min(to, today) (ties on a day: the lower history_seq), so a report over a past period
 *   reads what was known at its end. It is grouped by the period of the business start.
 * - founder_case.benefits_ended_on: the exits from benefits, by the period of that day.
 * - the daily counts (report_day_count, kept by triggers in the writing transaction,
 *   migrations/1764116700000-ReportCounts.ts): COMPLETE by outcome and DROP_OUT, counted for the
 *   office that wrote the history row (written_office_id).
 */

export const OUTCOME_MONTHS = [6, 12, 24] as const;

const FOUNDING = 'foundings of the period (see foundings)';
const FIRST_FOLLOW_UP = (n: number) =>
  `the first follow-up of the case (case_follow_up, ordered by "on", then history_seq) dated on or after business_started_on + ${n} months and on or before min(to, today)`;

const markColumns = (n: number): ReportColumn[] => [
  measure(
    `activeAfter${n}Months`,
    `Aktiv nach ${n} Monaten`,
    `Active after ${n} months`,
    `Of the ${FOUNDING}: those where ${FIRST_FOLLOW_UP(n)} has still_self_employed = true.`,
  ),
  measure(
    `inactiveAfter${n}Months`,
    `Nicht mehr aktiv nach ${n} Monaten`,
    `Inactive after ${n} months`,
    `Of the ${FOUNDING}: those where ${FIRST_FOLLOW_UP(n)} has still_self_employed = false.`,
  ),
  measure(
    `unknownAfter${n}Months`,
    `Unbekannt nach ${n} Monaten`,
    `Unknown after ${n} months`,
    `Of the ${FOUNDING}: those whose mark (business_started_on + ${n} months) is on or before min(to, today) but without such a follow-up (none dated from the mark to min(to, today)).`,
  ),
  measure(
    `notDueAfter${n}Months`,
    `Noch nicht fällig (${n} Monate)`,
    `Not due yet (${n} months)`,
    `Of the ${FOUNDING}: those whose mark (business_started_on + ${n} months) falls after min(to, today). Active + inactive + unknown + not due = foundings.`,
  ),
];

const OUTCOME_LABELS: Record<CompletionOutcome, [string, string, string]> = {
  founded_main: ['completedFoundedMain', 'Abgeschlossen: Gründung Haupterwerb', 'Completed: founded (main occupation)'],
  founded_side: ['completedFoundedSide', 'Abgeschlossen: Gründung Nebenerwerb', 'Completed: founded (side occupation)'],
  employment: ['completedEmployment', 'Abgeschlossen: Beschäftigung', 'Completed: employment'],
  other: ['completedOther', 'Abgeschlossen: sonstiges', 'Completed: other'],
};

/** The daily-count columns: the SQL condition on (metric, key) of report_day_count each sums. */
const COUNT_KEYS: Record<string, string> = {
  completed: `metric = 'complete'`,
  ...Object.fromEntries(
    COMPLETION_OUTCOMES.map((o) => [OUTCOME_LABELS[o][0], `metric = 'complete' AND key = '${o}'`]),
  ),
  droppedOut: `metric = 'drop_out'`,
};

export const OUTCOMES_COLUMNS: readonly ReportColumn[] = [
  measure(
    'foundings',
    'Gründungen',
    'Foundings',
    'Cases of the office (founder_case.office_id: the office holding the case now) whose business_started_on falls in the period. The follow-up figures below are of these foundings, grouped by the period of their business start.',
  ),
  ...OUTCOME_MONTHS.flatMap(markColumns),
  measure(
    'exitsFromBenefits',
    'Austritte aus dem Leistungsbezug',
    'Exits from benefits',
    'Cases of the office (founder_case.office_id) whose benefits_ended_on (the day the Jobcenter\u2019s benefits ended because of the self-employment; PATCH /cases/:id benefitsEndedOn) falls in the period.',
  ),
  measure(
    'completed',
    'Abgeschlossen',
    'Completed',
    'COMPLETE history rows (any outcome) whose `at` falls on a Europe/Berlin day in the period, counted for the office that wrote the row (case_history.written_office_id). From report_day_count metric \u2018complete\u2019, every key.',
  ),
  ...COMPLETION_OUTCOMES.map((o) =>
    measure(
      OUTCOME_LABELS[o][0],
      OUTCOME_LABELS[o][1],
      OUTCOME_LABELS[o][2],
      `COMPLETE history rows with payload outcome \u2018${o}\u2019${o === 'other' ? ' (or none)' : ''} whose \`at\` falls on a Europe/Berlin day in the period, for the office that wrote the row (written_office_id). From report_day_count metric \u2018complete\u2019, key \u2018${o}\u2019.`,
    ),
  ),
  measure(
    'droppedOut',
    'Abgebrochen',
    'Dropped out',
    'DROP_OUT history rows (any reason code) whose `at` falls on a Europe/Berlin day in the period, for the office that wrote the row (written_office_id). From report_day_count metric \u2018drop_out\u2019, every key.',
  ),
];

/** One founding's state at mark N: the SQL of a lateral read of its first follow-up. */
const judged = (n: number) => `
  CASE WHEN (f.started + interval '${n} months')::date > a.as_of THEN 'not_due'
       ELSE COALESCE((SELECT CASE WHEN u.still_self_employed THEN 'active' ELSE 'inactive' END
                        FROM case_follow_up u
                       WHERE u.case_id = f.id AND u.office_id = ANY($1::uuid[])
                         AND u."on" BETWEEN (f.started + interval '${n} months')::date AND a.as_of
                       ORDER BY u."on", u.history_seq LIMIT 1), 'unknown') END AS m${n}`;

const STATES = ['active', 'inactive', 'unknown', 'notDue'] as const;
const STATE_VALUE: Record<(typeof STATES)[number], string> = {
  active: 'active',
  inactive: 'inactive',
  unknown: 'unknown',
  notDue: 'not_due',
};

export const OUTCOMES: ReportBuilder = {
  definition: {
    name: 'outcomes',
    title: { de: 'Ergebnisse', en: 'Outcomes' },
    description:
      'Per office and period: the foundings (business starts) and whether each was still self-employed 6, 12 and 24 months after its start, from the first follow-up on or after each mark (active, inactive, unknown, not due yet, grouped by the period of the business start); the exits from benefits; completed cases by outcome and drop-outs.',
    periodic: true,
    columns: OUTCOMES_COLUMNS,
    chart: {
      kind: 'bar',
      x: 'period',
      series: 'officeName',
      measures: ['foundings', 'activeAfter6Months', 'activeAfter12Months', 'activeAfter24Months', 'exitsFromBenefits'],
      yTitle: { de: 'Fälle', en: 'Cases' },
    },
  },
  async build(tx, params) {
    const g = params.groupBy;
    const markSums = OUTCOME_MONTHS.flatMap((n) =>
      STATES.map((s) => `count(*) FILTER (WHERE m${n} = '${STATE_VALUE[s]}')::int AS "${s}After${n}Months"`),
    ).join(',\n ');
    const countSums = Object.entries(COUNT_KEYS)
      .map(([key, cond]) => `COALESCE(sum(n) FILTER (WHERE ${cond}), 0)::int AS "${key}"`)
      .join(',\n ');
    const source = (key: string) =>
      key in COUNT_KEYS ? 'dc' : key === 'exitsFromBenefits' ? 'ex' : 'fo';
    const cells = OUTCOMES_COLUMNS.map(
      (c) => `COALESCE(${source(c.key)}."${c.key}", 0)::int AS "${c.key}"`,
    ).join(',\n ');
    return tx.manager.query(
      `WITH offices AS (SELECT unnest($1::uuid[]) AS office_id),
            periods AS (SELECT period_ts::date AS period_start FROM ${periodSeriesSql(g, '$2', '$3')}),
            a AS (SELECT LEAST($3::date, $4::date) AS as_of),
            f AS (
              SELECT c.id, c.office_id, c.business_started_on AS started
                FROM founder_case c
               WHERE c.office_id = ANY($1::uuid[]) AND c.business_started_on BETWEEN $2::date AND $3::date),
            fo AS (
              SELECT office_id, ${periodStartSql('started', g)} AS period_start, count(*)::int AS foundings, ${markSums}
                FROM (SELECT f.*, ${OUTCOME_MONTHS.map(judged).join(', ')} FROM f CROSS JOIN a) x
               GROUP BY 1, 2),
            ex AS (
              SELECT office_id, ${periodStartSql('benefits_ended_on', g)} AS period_start, count(*)::int AS "exitsFromBenefits"
                FROM founder_case
               WHERE office_id = ANY($1::uuid[]) AND benefits_ended_on BETWEEN $2::date AND $3::date
               GROUP BY 1, 2),
            dc AS (
              SELECT office_id, ${periodStartSql('day', g)} AS period_start, ${countSums}
                FROM report_day_count
               WHERE office_id = ANY($1::uuid[]) AND day BETWEEN $2::date AND $3::date
                 AND metric IN ('complete', 'drop_out')
               GROUP BY 1, 2)
       SELECT o.office_id AS "officeId", to_char(p.period_start, 'YYYY-MM-DD') AS "periodStart", ${cells}
         FROM offices o CROSS JOIN periods p
         LEFT JOIN fo ON fo.office_id = o.office_id AND fo.period_start = p.period_start
         LEFT JOIN ex ON ex.office_id = o.office_id AND ex.period_start = p.period_start
         LEFT JOIN dc ON dc.office_id = o.office_id AND dc.period_start = p.period_start
        ORDER BY o.office_id, p.period_start`,
      [tx.officeIds, params.from, params.to, params.today],
    );
  },
};
