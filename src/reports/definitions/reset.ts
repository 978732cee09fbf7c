import type { ReportColumn } from '../report';
import type { ReportBuilder } from '../report-builder';
import { berlinDaySql, periodSeriesSql, periodStartSql } from '../report-periods';
import { measure } from '../report-columns';

/**
 * RE_SET: per office and period, the analyses recommended in the period and what became of each
 * as of `to`. From the lifecycle history (reset_history, src/reset/lifecycle): an analysis enters
 * 'recommended' once (RECOMMEND, from 'assessed'; no event leads back), and leaves it once, by
 * DECIDE (payload accepted true/false) or CANCEL. An accepted restart_with_coaching restarts a
 * case in the DECIDE's own transaction: the case's RESTART history row names the analysis
 * (case_history.payload resetAnalysisId), which stays even when founder_case.reset_analysis_id is
 * later overwritten by another restart.
 *
 * The office is the one holding the analysis (reset_history.office_id, the row-level-security
 * column, as reset_analysis.office_id). The issue's "further planning" is no recommendation of its
 * own in our model: the RE_SET outcome "further planning, coaching or qualification, ideally a
 * restart" is restart_with_coaching (src/reset/lifecycle/reset-event.schema.ts).
 */

const RECOMMENDED =
  'analyses recommended in the period (see recommended)';
const LEFT = (how: string) =>
  `Of the ${RECOMMENDED}: those that left 'recommended' by ${how} (the reset_history row from_state = 'recommended') on a Europe/Berlin day on or before \`to\`.`;

export const RESET_COLUMNS: readonly ReportColumn[] = [
  measure(
    'recommended',
    'Empfehlungen',
    'Recommendations',
    'RE_SET analyses whose RECOMMEND history row (reset_history.event = \u2018RECOMMEND\u2019, to_state = \u2018recommended\u2019; one per analysis) has its `at` on a Europe/Berlin day in the period, for the office holding the analysis (reset_history.office_id). The other figures are of these analyses.',
  ),
  measure(
    'recommendedGiveUp',
    'Empfehlung: aufgeben',
    'Recommended: give up',
    `Of the ${RECOMMENDED}: payload recommendation \u2018give_up\u2019.`,
  ),
  measure(
    'recommendedQuickExit',
    'Empfehlung: schneller Ausstieg',
    'Recommended: quick exit',
    `Of the ${RECOMMENDED}: payload recommendation \u2018quick_exit\u2019 (quick exit from benefits).`,
  ),
  measure(
    'recommendedRestartWithCoaching',
    'Empfehlung: Neustart mit Coaching',
    'Recommended: restart with coaching',
    `Of the ${RECOMMENDED}: payload recommendation \u2018restart_with_coaching\u2019 (further planning, coaching or qualification, ideally a restart; the model has no separate "further planning").`,
  ),
  measure('accepted', 'Angenommen', 'Accepted', LEFT('DECIDE with payload accepted = true')),
  measure('declined', 'Abgelehnt', 'Declined', LEFT('DECIDE with payload accepted = false')),
  measure('cancelled', 'Abgebrochen', 'Cancelled', LEFT('CANCEL')),
  measure(
    'stillOpen',
    'Noch offen',
    'Still open',
    `Of the ${RECOMMENDED}: those with no DECIDE or CANCEL history row on or before \`to\` (still recommended as of \`to\`). Accepted + declined + cancelled + still open = recommended.`,
  ),
  measure(
    'restarted',
    'Neustart',
    'Restarted',
    `Of the ${RECOMMENDED}: those a case was restarted from: a case_history row with event \u2018RESTART\u2019 and payload resetAnalysisId = the analysis, on a Europe/Berlin day on or before \`to\` (written with the accepted DECIDE of a restart_with_coaching).`,
  ),
  measure(
    'foundedAfterRestart',
    'Gründung nach Neustart',
    'Founded after restart',
    'Of the restarted: those whose restarted case (the RESTART row\u2019s case) has a business_started_on on or after the Europe/Berlin day of the RESTART row and on or before `to`.',
  ),
  measure(
    'gaveUp',
    'Aufgegeben',
    'Gave up',
    `Of the ${RECOMMENDED}: recommendation \u2018give_up\u2019 accepted (DECIDE with accepted = true on or before \`to\`). A cancelled analysis is not counted here (it is in cancelled): a cancellation (moved away, withdrew) says nothing about the business.`,
  ),
];

export const RESET: ReportBuilder = {
  definition: {
    name: 'reset',
    title: { de: 'RE_SET-Empfehlungen', en: 'RE_SET recommendations' },
    description:
      'Per office and period of the recommendation: RE_SET analyses by recommendation (give up, quick exit, restart with coaching; "further planning" is part of restart with coaching in our model), and what became of each as of `to`: accepted, declined, cancelled, still open; restarted, founded after the restart, gave up.',
    periodic: true,
    columns: RESET_COLUMNS,
    chart: {
      kind: 'bar',
      x: 'period',
      series: 'officeName',
      measures: ['recommendedGiveUp', 'recommendedQuickExit', 'recommendedRestartWithCoaching', 'restarted', 'stillOpen'],
      yTitle: { de: 'Analysen', en: 'Analyses' },
    },
  },
  async build(tx, params) {
    const g = params.groupBy;
    const day = (expr: string) => berlinDaySql(expr);
    return tx.manager.query(
      `WITH offices AS (SELECT unnest($1::uuid[]) AS office_id),
            periods AS (SELECT period_ts::date AS period_start FROM ${periodSeriesSql(g, '$2', '$3')}),
            rec AS (
              SELECT h.analysis_id, h.office_id, ${day('h.at')} AS day, h.payload->>'recommendation' AS recommendation
                FROM reset_history h
               WHERE h.office_id = ANY($1::uuid[]) AND h.event = 'RECOMMEND' AND h.to_state = 'recommended'
                 AND ${day('h.at')} BETWEEN $2::date AND $3::date),
            fate AS (
              SELECT rec.*, e.event AS left_by, (e.payload->>'accepted')::boolean AS accepted,
                     r.restart_day, r.started
                FROM rec
                LEFT JOIN LATERAL (
                  SELECT e.event, e.payload FROM reset_history e
                   WHERE e.analysis_id = rec.analysis_id AND e.office_id = ANY($1::uuid[])
                     AND e.from_state = 'recommended' AND e.event IN ('DECIDE', 'CANCEL')
                     AND ${day('e.at')} <= $3::date
                   ORDER BY e.seq LIMIT 1) e ON true
                LEFT JOIN LATERAL (
                  SELECT ${day('x.at')} AS restart_day, c.business_started_on AS started
                    FROM case_history x JOIN founder_case c ON c.id = x.case_id
                   WHERE x.event = 'RESTART' AND x.payload->>'resetAnalysisId' = rec.analysis_id::text
                     AND x.office_id = ANY($1::uuid[]) AND ${day('x.at')} <= $3::date
                   ORDER BY x.at LIMIT 1) r ON true),
            agg AS (
              SELECT office_id, ${periodStartSql('day', g)} AS period_start,
                     count(*)::int AS recommended,
                     count(*) FILTER (WHERE recommendation = 'give_up')::int AS "recommendedGiveUp",
                     count(*) FILTER (WHERE recommendation = 'quick_exit')::int AS "recommendedQuickExit",
                     count(*) FILTER (WHERE recommendation = 'restart_with_coaching')::int AS "recommendedRestartWithCoaching",
                     count(*) FILTER (WHERE left_by = 'DECIDE' AND accepted)::int AS accepted,
                     count(*) FILTER (WHERE left_by = 'DECIDE' AND NOT accepted)::int AS declined,
                     count(*) FILTER (WHERE left_by = 'CANCEL')::int AS cancelled,
                     count(*) FILTER (WHERE left_by IS NULL)::int AS "stillOpen",
                     count(*) FILTER (WHERE restart_day IS NOT NULL)::int AS restarted,
                     count(*) FILTER (WHERE started BETWEEN restart_day AND $3::date)::int AS "foundedAfterRestart",
                     count(*) FILTER (WHERE recommendation = 'give_up' AND left_by = 'DECIDE' AND accepted)::int AS "gaveUp"
                FROM fate GROUP BY 1, 2)
       SELECT o.office_id AS "officeId", to_char(p.period_start, 'YYYY-MM-DD') AS "periodStart",
              ${RESET_COLUMNS.map((c) => `COALESCE(agg."${c.key}", 0)::int AS "${c.key}"`).join(', ')}
         FROM offices o CROSS JOIN periods p
         LEFT JOIN agg ON agg.office_id = o.office_id AND agg.period_start = p.period_start
        ORDER BY o.office_id, p.period_start`,
      [tx.officeIds, params.from, params.to],
    );
  },
};
