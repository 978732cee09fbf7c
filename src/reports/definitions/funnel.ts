import { DROP_OUT_REASONS } from '../../phase-model/phase-model.types';
import { prepared } from '../../database/prepared';
import type { ReportColumn, ReportRow } from '../report';
import type { ReportBuilder } from '../report-builder';
import { periodSeriesSql, periodStartSql } from '../report-periods';
import { measure } from '../report-columns';

/**
 * The funnel: per office and period (calendar days in Europe/Berlin), what the office achieved,
 * read from the daily counts alone (report_day_count, kept by triggers in the writing transaction),
 * so one office's year is a range read of a few thousand count rows:
 * - from the history (migrations/1764116700000-ReportCounts.ts): cases opened, first entries into
 *   each phase, drop-outs by reason, step-backs and pauses; the office is the one that held the case
 *   when it happened (founder_case.created_office_id for the opening, case_history.written_office_id
 *   for an event), so a case handed over keeps counting for the office that did the work;
 * - from the cases' milestone dates (migrations/1764117200000-MilestoneCounts.ts): business plans,
 *   viability statements, funding applications and approvals, business starts, for the office
 *   holding the case now (a changed date or a hand-over moves the count).
 * Each column's definition says how to recompute it from the history and the cases.
 */

const FIRST_ENTRY = (phase: string, event: string) =>
  `Cases whose first ${event} history row (case_history.event = '${event}', to_phase = '${phase}'; a case counts once, at its earliest such row) has its \`at\` on a Europe/Berlin day in the period, counted for the office that wrote the row (written_office_id). From report_day_count metric 'first_entry', key '${phase}'.`;

const MILESTONE = (what: string, column: string, key: string) =>
  `Cases of the office (founder_case.office_id: the office holding the case now) whose ${column} falls in the period: ${what}. From report_day_count metric \u2018milestone\u2019, key \u2018${key}\u2019.`;

const REASON_LABELS: Record<(typeof DROP_OUT_REASONS)[number], [string, string]> = {
  employment: ['Abbrüche: Beschäftigung', 'Drop-outs: employment'],
  qualification: ['Abbrüche: Qualifizierung', 'Drop-outs: qualification'],
  not_viable: ['Abbrüche: nicht tragfähig', 'Drop-outs: not viable'],
  moved: ['Abbrüche: verzogen', 'Drop-outs: moved'],
  illness: ['Abbrüche: Krankheit', 'Drop-outs: illness'],
  no_contact: ['Abbrüche: kein Kontakt', 'Drop-outs: no contact'],
  residence_permit: ['Abbrüche: Aufenthaltsrecht', 'Drop-outs: residence permit'],
  other: ['Abbrüche: sonstige', 'Drop-outs: other'],
};

export const FUNNEL_COLUMNS: readonly ReportColumn[] = [
  measure(
    'accessContacts',
    'Zugangskontakte',
    'Access contacts',
    'Cases opened (they enter access): founder_case rows whose created_at falls on a Europe/Berlin day in the period, counted for the office that opened them (created_office_id). From report_day_count metric \u2018created\u2019.',
  ),
  measure(
    'firstCounsellings',
    'Erstberatungen',
    'First counsellings',
    FIRST_ENTRY('first_counselling', 'START_COUNSELLING'),
  ),
  measure('planningEntries', 'Eintritte Planung', 'Entries into planning', FIRST_ENTRY('planning', 'START_PLANNING')),
  measure('launchEntries', 'Eintritte Unternehmensstart', 'Entries into launch', FIRST_ENTRY('launch', 'LAUNCH')),
  measure(
    'consolidationEntries',
    'Eintritte Konsolidierung',
    'Entries into consolidation',
    FIRST_ENTRY('consolidation', 'START_CONSOLIDATION'),
  ),
  measure(
    'businessPlansCompleted',
    'Businesspläne fertig',
    'Business plans completed',
    MILESTONE('business plans completed', 'business_plan_completed_on', 'business_plan'),
  ),
  measure(
    'viabilityStatementsIssued',
    'Tragfähigkeitsbescheinigungen',
    'Viability statements issued',
    MILESTONE('viability statements issued', "viability_statement->>'issuedOn' (an ISO date)", 'viability_statement'),
  ),
  measure(
    'fundingApplied',
    'Förderanträge gestellt',
    'Funding applied for',
    MILESTONE('funding applied for', 'funding_applied_on', 'funding_applied'),
  ),
  measure(
    'fundingApproved',
    'Förderungen bewilligt',
    'Funding approved',
    MILESTONE('funding approved', 'funding_approved_on', 'funding_approved'),
  ),
  measure(
    'foundingsMain',
    'Gründungen im Haupterwerb',
    'Foundings, main occupation',
    MILESTONE('foundings with main_occupation = true', 'business_started_on', 'founding_main'),
  ),
  measure(
    'foundingsSide',
    'Gründungen im Nebenerwerb',
    'Foundings, side occupation',
    MILESTONE('foundings with main_occupation = false', 'business_started_on', 'founding_side'),
  ),
  measure(
    'foundingsOccupationUnknown',
    'Gründungen, Erwerbsart unbekannt',
    'Foundings, occupation not recorded',
    MILESTONE('foundings with main_occupation null', 'business_started_on', 'founding_unknown'),
  ),
  measure(
    'dropOuts',
    'Abbrüche',
    'Drop-outs',
    'DROP_OUT history rows whose `at` falls on a Europe/Berlin day in the period, for the office that wrote them (written_office_id); every drop-out counts (a reopened case can drop out again). The sum of the dropOuts_<reason> columns. From report_day_count metric \u2018drop_out\u2019.',
  ),
  ...DROP_OUT_REASONS.map((reason) =>
    measure(
      `dropOuts_${reason}`,
      REASON_LABELS[reason][0],
      REASON_LABELS[reason][1],
      `DROP_OUT history rows as in dropOuts whose payload->>'reasonCode' is '${reason}'${reason === 'other' ? ' (or missing)' : ''}.`,
    ),
  ),
  measure(
    'stepBacks',
    'Schritte zurück',
    'Step-backs',
    'STEP_BACK history rows whose `at` falls on a Europe/Berlin day in the period, for the office that wrote them (written_office_id). From report_day_count metric \u2018step_back\u2019.',
  ),
  measure(
    'pauses',
    'Pausen',
    'Pauses',
    'PAUSE history rows whose `at` falls on a Europe/Berlin day in the period, for the office that wrote them (written_office_id). From report_day_count metric \u2018pause\u2019.',
  ),
];

const COUNT_KEYS: Record<string, string> = {
  accessContacts: `metric = 'created'`,
  firstCounsellings: `metric = 'first_entry' AND key = 'first_counselling'`,
  planningEntries: `metric = 'first_entry' AND key = 'planning'`,
  launchEntries: `metric = 'first_entry' AND key = 'launch'`,
  consolidationEntries: `metric = 'first_entry' AND key = 'consolidation'`,
  dropOuts: `metric = 'drop_out'`,
  ...Object.fromEntries(
    DROP_OUT_REASONS.map((r) => [`dropOuts_${r}`, `metric = 'drop_out' AND key = '${r}'`]),
  ),
  stepBacks: `metric = 'step_back'`,
  pauses: `metric = 'pause'`,
  businessPlansCompleted: `metric = 'milestone' AND key = 'business_plan'`,
  viabilityStatementsIssued: `metric = 'milestone' AND key = 'viability_statement'`,
  fundingApplied: `metric = 'milestone' AND key = 'funding_applied'`,
  fundingApproved: `metric = 'milestone' AND key = 'funding_approved'`,
  foundingsMain: `metric = 'milestone' AND key = 'founding_main'`,
  foundingsSide: `metric = 'milestone' AND key = 'founding_side'`,
  foundingsOccupationUnknown: `metric = 'milestone' AND key = 'founding_unknown'`,
};

/** The metrics the funnel reads (the others, e.g. every event, are left in the index). */
const FUNNEL_METRICS = ['created', 'first_entry', 'drop_out', 'step_back', 'pause', 'milestone'];

export const FUNNEL: ReportBuilder = {
  definition: {
    name: 'funnel',
    title: { de: 'Trichter', en: 'Funnel' },
    description:
      'Per office and period: cases opened (access contacts), first entries into each later phase, business plans, viability statements, funding applied for and approved, foundings (main, side, not recorded), drop-outs by reason code, step-backs and pauses. Events count for the office that held the case when they happened; milestone dates for the office holding the case now.',
    periodic: true,
    columns: FUNNEL_COLUMNS,
    chart: {
      kind: 'bar',
      x: 'period',
      series: 'officeName',
      measures: ['accessContacts', 'firstCounsellings', 'planningEntries', 'launchEntries', 'consolidationEntries'],
      yTitle: { de: 'Fälle', en: 'Cases' },
    },
  },
  async build(tx, params) {
    const g = params.groupBy;
    const sums = FUNNEL_COLUMNS.map(
      (c) => `COALESCE(sum(n) FILTER (WHERE ${COUNT_KEYS[c.key]}), 0)::int AS "${c.key}"`,
    ).join(',\n ');
    const cells = FUNNEL_COLUMNS.map((c) => `COALESCE(dc."${c.key}", 0) AS "${c.key}"`).join(',\n ');
    // Summed per period and key first, so the column filters run over a few hundred sums instead
    // of every day's rows; a prepared statement per grouping, as planning cost more than running.
    return prepared<ReportRow>(
      tx.manager,
      `report_funnel_${g}`,
      `WITH offices AS (SELECT unnest($1::uuid[]) AS office_id),
            periods AS (SELECT period_ts::date AS period_start FROM ${periodSeriesSql(g, '$2', '$3')}),
            keyed AS (
              SELECT office_id, ${periodStartSql('day', g)} AS period_start, metric, key, sum(n) AS n
                FROM report_day_count
               WHERE office_id = ANY($1::uuid[]) AND day BETWEEN $2::date AND $3::date
                 AND metric = ANY($4::text[])
               GROUP BY 1, 2, 3, 4),
            dc AS (SELECT office_id, period_start, ${sums} FROM keyed GROUP BY 1, 2)
       SELECT o.office_id AS "officeId", to_char(p.period_start, 'YYYY-MM-DD') AS "periodStart", ${cells}
         FROM offices o CROSS JOIN periods p
         LEFT JOIN dc ON dc.office_id = o.office_id AND dc.period_start = p.period_start
        ORDER BY o.office_id, p.period_start`,
      [tx.officeIds, params.from, params.to, FUNNEL_METRICS],
    );
  },
};
