import type { ReportColumn } from '../report';
import type { ReportBuilder } from '../report-builder';
import { berlinDaySql, periodSeriesSql, periodStartSql } from '../report-periods';
import { label } from '../report-columns';

/**
 * Cohorts: the cases opened (entered access) in a period, and how far they got by the end of `to`.
 *
 * A cohort is the office's cases (founder_case.office_id: the office holding them now, which
 * can read their whole history; a handed-over case moves to its new office's cohort) whose created_at falls on a Europe/Berlin day of the period, within [from, to]. A case reached a
 * phase when its history holds the forward event into it (START_COUNSELLING, START_PLANNING, LAUNCH,
 * START_CONSOLIDATION: the report_day_count 'first_entry' of the case) on a Berlin day up to `to`;
 * it founded when business_started_on is set and not after `to`. Shares are reached / cohortSize,
 * rounded to 4 decimals, null for an empty cohort.
 */

const LATER_PHASES = [
  { phase: 'first_counselling', event: 'START_COUNSELLING', key: 'FirstCounselling', de: 'Erstberatung', en: 'first counselling' },
  { phase: 'planning', event: 'START_PLANNING', key: 'Planning', de: 'Planung', en: 'planning' },
  { phase: 'launch', event: 'LAUNCH', key: 'Launch', de: 'Unternehmensstart', en: 'launch' },
  { phase: 'consolidation', event: 'START_CONSOLIDATION', key: 'Consolidation', de: 'Konsolidierung', en: 'consolidation' },
] as const;

const share = (key: string, de: string, en: string, of: string): ReportColumn => ({
  key,
  type: 'number',
  role: 'measure',
  label: label(de, en),
  definition: `${of} divided by cohortSize, rounded to 4 decimals (0..1); null when the cohort is empty.`,
});

export const COHORT_COLUMNS: readonly ReportColumn[] = [
  {
    key: 'cohortSize',
    type: 'integer',
    role: 'measure',
    label: label('Kohortengröße', 'Cohort size'),
    definition:
      'Cases the office holds (founder_case.office_id; a handed-over case counts for its new office) opened (entered access) on a Europe/Berlin day (created_at) of the period, within [from, to].',
  },
  ...LATER_PHASES.flatMap((p): ReportColumn[] => [
    {
      key: `reached${p.key}`,
      type: 'integer',
      role: 'measure',
      label: label(`${p.de} erreicht`, `Reached ${p.en}`),
      definition: `Cases of the cohort with a ${p.event} history row (to_phase '${p.phase}') whose \`at\` is on a Europe/Berlin day up to \`to\`.`,
    },
    share(`share${p.key}`, `Anteil ${p.de}`, `Share reached ${p.en}`, `reached${p.key}`),
  ]),
  {
    key: 'founded',
    type: 'integer',
    role: 'measure',
    label: label('Gegründet', 'Founded'),
    definition: 'Cases of the cohort whose business_started_on is set and not after `to`.',
  },
  share('shareFounded', 'Anteil gegründet', 'Share founded', 'founded'),
];

export const COHORTS: ReportBuilder = {
  definition: {
    name: 'cohorts',
    title: { de: 'Kohorten', en: 'Cohorts' },
    description:
      'Per office and cohort period (the period the cases were opened, i.e. entered access): the cohort\u2019s size and the number and share of it that reached each later phase, and that founded, by the end of `to`. A case counts in the cohorts of the office holding it now, which reads its whole history: a handed-over case moves to its new office\u2019s cohorts (the funnel\u2019s accessContacts keeps counting its opening for the office that opened it).',
    periodic: true,
    columns: COHORT_COLUMNS,
    chart: {
      kind: 'lines',
      x: 'period',
      series: 'officeName',
      measures: ['shareFirstCounselling', 'sharePlanning', 'shareLaunch', 'shareConsolidation', 'shareFounded'],
      yTitle: { de: 'Anteil der Kohorte', en: 'Share of the cohort' },
    },
  },
  async build(tx, params) {
    const g = params.groupBy;
    const reached = LATER_PHASES.map(
      (p) => `EXISTS (SELECT 1 FROM case_history h WHERE h.case_id = c.id AND h.event = '${p.event}'
                        AND ${berlinDaySql('h.at')} <= $3::date) AS "reached${p.key}"`,
    ).join(',\n ');
    const sums = [...LATER_PHASES.map((p) => `reached${p.key}`), 'founded']
      .map((k) => `count(*) FILTER (WHERE "${k}")::int AS "${k}"`)
      .join(', ');
    const cells = [...LATER_PHASES.map((p) => p.key), 'Founded']
      .map((k) => {
        const n = k === 'Founded' ? 'founded' : `reached${k}`;
        return `COALESCE(x."${n}", 0) AS "${n}",
                CASE WHEN COALESCE(x.size, 0) = 0 THEN NULL
                     ELSE round(x."${n}"::numeric / x.size, 4)::float8 END AS "share${k}"`;
      })
      .join(',\n ');
    return tx.manager.query(
      `WITH offices AS (SELECT unnest($1::uuid[]) AS office_id),
            periods AS (SELECT period_ts::date AS period_start FROM ${periodSeriesSql(g, '$2', '$3')}),
            cases AS (
              SELECT c.office_id, ${periodStartSql(berlinDaySql('c.created_at'), g)} AS period_start,
                     ${reached},
                     (c.business_started_on IS NOT NULL AND c.business_started_on <= $3::date) AS founded
                FROM founder_case c
               WHERE c.office_id = ANY($1::uuid[])
                 AND ${berlinDaySql('c.created_at')} BETWEEN $2::date AND $3::date),
            x AS (SELECT office_id, period_start, count(*)::int AS size, ${sums} FROM cases GROUP BY 1, 2)
       SELECT o.office_id AS "officeId", to_char(p.period_start, 'YYYY-MM-DD') AS "periodStart",
              COALESCE(x.size, 0) AS "cohortSize", ${cells}
         FROM offices o CROSS JOIN periods p
         LEFT JOIN x ON x.office_id = o.office_id AND x.period_start = p.period_start
        ORDER BY o.office_id, p.period_start`,
      [tx.officeIds, params.from, params.to],
    );
  },
};
