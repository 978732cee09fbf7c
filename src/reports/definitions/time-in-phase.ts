import { PHASES } from '../../phase-model/phase-model.types';
import type { ReportColumn } from '../report';
import type { ReportBuilder } from '../report-builder';
import { berlinDaySql, periodSeriesSql, periodStartSql } from '../report-periods';
import { label } from '../report-columns';

/**
 * Time in phase, from the history alone.
 *
 * A phase stay starts when the case is opened (in access; founder_case.created_at), at a history row that changes the phase (to_phase <> from_phase) and leaves
 * the case not closed, or at a row that reopens a closed case (from_status = 'closed', to_status
 * <> 'closed'; REOPEN, RESTART). Stays count for the office holding the case now (office_id,
 * which can read the case's whole history; a handed-over case's stays move with it). It
 * ends at the case's next row that changes the phase or closes the case (to_status = 'closed',
 * from_status <> 'closed'). Pauses do not end a stay: a paused case is still in its phase.
 * Days = Europe/Berlin day of the end minus Berlin day of the start (whole days; 0 on the same day).
 *
 * Rows: every office x period x phase with stay = 'completed' (the stays that ended on a Berlin day
 * of that period within [from, to]), then per office and phase one row stay = 'open' in the period
 * of `to`: the stays started on or before the as-of day (the earlier of `to` and today) and not
 * ended by its end, measured as of that day.
 */

const STAY_SET =
  "Stays: in a row with stay = 'completed', the phase stays (see the report) of this phase whose end falls on a Europe/Berlin day in the period (and in [from, to]), for the office holding the case now; in a row with stay = 'open' (one per office and phase, in the period of `to`), the stays of this phase started on or before the as-of day (the earlier of `to` and today) and not ended by it, measured as of that day.";

const days = (key: string, de: string, en: string, definition: string): ReportColumn => ({
  key,
  type: 'integer',
  role: 'measure',
  label: label(de, en),
  definition,
});

export const TIME_IN_PHASE_COLUMNS: readonly ReportColumn[] = [
  {
    key: 'phase',
    type: 'string',
    role: 'dimension',
    label: label('Phase', 'Phase'),
    definition: `The phase of the stays: ${PHASES.join(', ')}.`,
  },
  {
    key: 'stay',
    type: 'string',
    role: 'dimension',
    label: label('Aufenthalt', 'Stay'),
    definition: `completed (ended in the period) or open (not ended by the as-of day, measured as of it). ${STAY_SET}`,
  },
  days('stays', 'Aufenthalte', 'Stays', 'The number of the row\u2019s stays.'),
  days(
    'medianDays',
    'Median (Tage)',
    'Median days',
    'percentile_disc(0.5) of the stays\u2019 days (Berlin day of the end, or the as-of day for open stays, minus Berlin day of the start): the first value in ascending order at or past half of the stays; null without stays.',
  ),
  days('p75Days', '75. Perzentil (Tage)', '75th percentile days', 'percentile_disc(0.75) of the stays\u2019 days, as medianDays; null without stays.'),
  days('p90Days', '90. Perzentil (Tage)', '90th percentile days', 'percentile_disc(0.9) of the stays\u2019 days, as medianDays; null without stays.'),
  days('days0to30', '≤ 30 Tage', '≤ 30 days', 'Stays of at most 30 days.'),
  days('days31to90', '31–90 Tage', '31–90 days', 'Stays of 31 to 90 days.'),
  days('days91to180', '91–180 Tage', '91–180 days', 'Stays of 91 to 180 days.'),
  days('daysOver180', '> 180 Tage', '> 180 days', 'Stays of more than 180 days.'),
];

const PHASE_ORDER = `array_position(ARRAY[${PHASES.map((p) => `'${p}'`).join(', ')}]::text[], ph.phase)`;

export const TIME_IN_PHASE: ReportBuilder = {
  definition: {
    name: 'time-in-phase',
    title: { de: 'Verweildauer je Phase', en: 'Time in phase' },
    description:
      'Per office, period and phase: the days cases spent in the phase (median, 75th and 90th percentile, and the counts of 0\u201330, 31\u201390, 91\u2013180 and over 180 days), for completed stays by the period they ended in and, apart, for the stays still open as of `to` (or today, if earlier). Stays count for the office holding the case now, which reads its whole history: a handed-over case\u2019s stays move with it (the funnel keeps counting events for the office that wrote them).',
    periodic: true,
    columns: TIME_IN_PHASE_COLUMNS,
    chart: {
      kind: 'box',
      x: 'phase',
      series: 'stay',
      measures: ['medianDays', 'p75Days', 'p90Days'],
      yTitle: { de: 'Tage', en: 'Days' },
    },
  },
  async build(tx, params) {
    const g = params.groupBy;
    const asOf = params.to < params.today ? params.to : params.today;
    // Rows after the end of `to` cannot end a stay in the report: they are left out, so a stay
    // without a next boundary row is open as of `to`.
    return tx.manager.query(
      `WITH offices AS (SELECT unnest($1::uuid[]) AS office_id),
            periods AS (SELECT period_ts::date AS period_start FROM ${periodSeriesSql(g, '$2', '$3')}),
            phases AS (SELECT unnest(ARRAY[${PHASES.map((p) => `'${p}'`).join(', ')}]::text[]) AS phase),
            boundary AS (
              SELECT c.id AS case_id, 0 AS seq, ${berlinDaySql('c.created_at')} AS day, 'access'::text AS phase,
                     c.office_id, true AS starts
                FROM founder_case c
               WHERE c.office_id = ANY($1::uuid[]) AND ${berlinDaySql('c.created_at')} <= $3::date
              UNION ALL
              SELECT h.case_id, h.seq, ${berlinDaySql('h.at')}, h.to_phase, h.office_id,
                     h.to_status <> 'closed'
                FROM case_history h
               WHERE h.office_id = ANY($1::uuid[])
                 AND ${berlinDaySql('h.at')} <= $3::date
                 AND (h.to_phase IS DISTINCT FROM h.from_phase
                      OR (h.to_status = 'closed' AND h.from_status IS DISTINCT FROM 'closed')
                      OR (h.from_status = 'closed' AND h.to_status <> 'closed'))),
            stays AS (
              SELECT office_id, phase, day AS start_day,
                     lead(day) OVER (PARTITION BY case_id ORDER BY seq) AS end_day, starts
                FROM boundary),
            measured AS (
              SELECT office_id, phase, 'completed' AS stay, ${periodStartSql('end_day', g)} AS period_start,
                     end_day - start_day AS days
                FROM stays
               WHERE starts AND end_day BETWEEN $2::date AND $3::date
              UNION ALL
              SELECT office_id, phase, 'open', ${periodStartSql('$3::date', g)}, $4::date - start_day
                FROM stays
               WHERE starts AND start_day <= $4::date AND (end_day IS NULL OR end_day > $4::date)),
            figures AS (
              SELECT office_id, phase, stay, period_start, count(*)::int AS stays,
                     percentile_disc(0.5) WITHIN GROUP (ORDER BY days) AS median,
                     percentile_disc(0.75) WITHIN GROUP (ORDER BY days) AS p75,
                     percentile_disc(0.9) WITHIN GROUP (ORDER BY days) AS p90,
                     count(*) FILTER (WHERE days <= 30)::int AS b30,
                     count(*) FILTER (WHERE days BETWEEN 31 AND 90)::int AS b90,
                     count(*) FILTER (WHERE days BETWEEN 91 AND 180)::int AS b180,
                     count(*) FILTER (WHERE days > 180)::int AS bmore
                FROM measured
               WHERE office_id = ANY($1::uuid[])
               GROUP BY 1, 2, 3, 4),
            grid AS (
              SELECT o.office_id, p.period_start, ph.phase, 'completed' AS stay, ${PHASE_ORDER} AS phase_no, 0 AS stay_no
                FROM offices o CROSS JOIN periods p CROSS JOIN phases ph
              UNION ALL
              SELECT o.office_id, ${periodStartSql('$3::date', g)}, ph.phase, 'open', ${PHASE_ORDER}, 1
                FROM offices o CROSS JOIN phases ph)
       SELECT gr.office_id AS "officeId", to_char(gr.period_start, 'YYYY-MM-DD') AS "periodStart",
              gr.phase, gr.stay, COALESCE(f.stays, 0) AS stays,
              f.median AS "medianDays", f.p75 AS "p75Days", f.p90 AS "p90Days",
              COALESCE(f.b30, 0) AS "days0to30", COALESCE(f.b90, 0) AS "days31to90",
              COALESCE(f.b180, 0) AS "days91to180", COALESCE(f.bmore, 0) AS "daysOver180"
         FROM grid gr
         LEFT JOIN figures f ON f.office_id = gr.office_id AND f.period_start = gr.period_start
                            AND f.phase = gr.phase AND f.stay = gr.stay
        ORDER BY gr.office_id, gr.period_start, gr.stay_no, gr.phase_no`,
      [tx.officeIds, params.from, params.to, asOf],
    );
  },
};
