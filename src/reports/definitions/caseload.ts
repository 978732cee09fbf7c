import { PHASES } from '../../phase-model/phase-model.types';
import type { ReportColumn } from '../report';
import type { ReportBuilder } from '../report-builder';
import { berlinDaySql } from '../report-periods';
import { label } from '../report-columns';

/**
 * The caseload, as of today (not per period; `from`, `to` and `groupBy` do not apply): per office,
 * advisor and phase, the open cases (status active or paused) of founder_case as it is now.
 *
 * The advisors listed: the active advisors and leads of the office (membership, app_user.is_active)
 * and anyone still assigned an open case of the office, each with every phase (zeros included),
 * and one row per phase for the open cases without an advisor. An advisor reading their own
 * caseload (params.advisorId: no reports.read in an office asked for) gets only their own rows.
 * A case is untouched when more than staleDays Europe/Berlin days lie between the day of its
 * last change (updated_at) and today, the desk's stale_case rule (src/tasks/task-branches.ts).
 */

const OPEN = `status IN ('active', 'paused')`;

export const CASELOAD_COLUMNS: readonly ReportColumn[] = [
  {
    key: 'advisorId',
    type: 'uuid',
    role: 'dimension',
    label: label('Berater:in (ID)', 'Advisor (id)'),
    definition:
      'The staff member the cases are assigned to (founder_case.advisor_id, an app_user); null: the open cases without an advisor.',
  },
  {
    key: 'advisorName',
    type: 'string',
    role: 'dimension',
    label: label('Berater:in', 'Advisor'),
    definition: 'The advisor\u2019s display name (app_user.name; staff, never a founder); null for the row without an advisor.',
  },
  {
    key: 'phase',
    type: 'string',
    role: 'dimension',
    label: label('Phase', 'Phase'),
    definition: `The phase the cases are in now (founder_case.phase: ${PHASES.join(', ')}).`,
  },
  {
    key: 'openCases',
    type: 'integer',
    role: 'measure',
    label: label('Offene Fälle', 'Open cases'),
    definition:
      'Cases of the office (founder_case.office_id) with status active or paused, in the phase, assigned to the advisor (advisor_id; none for the row without one), now.',
  },
  {
    key: 'pausedCases',
    type: 'integer',
    role: 'measure',
    label: label('Pausierte Fälle', 'Paused cases'),
    definition: 'Of the open cases: those with status paused.',
  },
  {
    key: 'untouchedCases',
    type: 'integer',
    role: 'measure',
    label: label('Unbearbeitete Fälle', 'Untouched cases'),
    definition:
      'Of the open cases: those whose last change (updated_at, as a Europe/Berlin day) lies more than staleDays days (parameter, default 60) before today: today \u2212 day(updated_at) > staleDays.',
  },
];

export const CASELOAD: ReportBuilder = {
  definition: {
    name: 'caseload',
    title: { de: 'Fallbestand', en: 'Caseload' },
    description:
      'As of today, per office, advisor and phase: the open cases (active or paused), the paused ones, and the untouched ones (no change for more than `staleDays` days, default 60). Every active advisor and lead of the office appears with every phase, and a row per phase for cases without an advisor. Not per period: from, to and groupBy do not apply.',
    periodic: false,
    columns: CASELOAD_COLUMNS,
    chart: {
      kind: 'bar',
      x: 'advisorName',
      series: 'officeName',
      measures: ['openCases', 'pausedCases', 'untouchedCases'],
      yTitle: { de: 'Fälle', en: 'Cases' },
    },
  },
  build(tx, params) {
    return tx.manager.query(
      `WITH phases AS (SELECT * FROM unnest($5::text[]) WITH ORDINALITY AS p(phase, ord)),
            open_cases AS (
              SELECT office_id, advisor_id, phase, status, ${berlinDaySql('updated_at')} AS touched
                FROM founder_case
               WHERE office_id = ANY($1::uuid[]) AND ${OPEN}
                 AND ($4::uuid IS NULL OR advisor_id = $4::uuid)),
            advisors AS (
              SELECT m.office_id, m.user_id AS advisor_id
                FROM membership m JOIN app_user u ON u.id = m.user_id
               WHERE m.office_id = ANY($1::uuid[]) AND m.role IN ('advisor', 'lead') AND u.is_active
                 AND ($4::uuid IS NULL OR m.user_id = $4::uuid)
              UNION
              SELECT office_id, advisor_id FROM open_cases WHERE advisor_id IS NOT NULL
              UNION
              SELECT office_id, NULL::uuid FROM unnest($1::uuid[]) AS o(office_id) WHERE $4::uuid IS NULL),
            counts AS (
              SELECT office_id, advisor_id, phase, count(*)::int AS open,
                     count(*) FILTER (WHERE status = 'paused')::int AS paused,
                     count(*) FILTER (WHERE $2::date - touched > $3::int)::int AS untouched
                FROM open_cases GROUP BY 1, 2, 3)
       SELECT a.office_id AS "officeId", a.advisor_id AS "advisorId", u.name AS "advisorName", p.phase,
              COALESCE(k.open, 0) AS "openCases", COALESCE(k.paused, 0) AS "pausedCases",
              COALESCE(k.untouched, 0) AS "untouchedCases"
         FROM advisors a CROSS JOIN phases p
         LEFT JOIN app_user u ON u.id = a.advisor_id
         LEFT JOIN counts k ON k.office_id = a.office_id AND k.advisor_id IS NOT DISTINCT FROM a.advisor_id
                           AND k.phase = p.phase
        ORDER BY a.office_id, a.advisor_id IS NULL, u.name, a.advisor_id, p.ord`,
      [tx.officeIds, params.today, params.staleDays, params.advisorId, PHASES],
    );
  },
};
