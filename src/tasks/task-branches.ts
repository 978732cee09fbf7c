import { escapeLiteral } from 'pg';
import type { OfficeSettings } from '../office-settings/office-settings';
import type { TaskKind } from './task';

/**
 * The rules of the desk as SQL: one branch per rule (stale_case: per phase), each read from its own
 * partial index in due order (migrations/1764116600000-DeskIndexes.ts). An office's offsets are
 * constants of the branch (columns of the settings row `s`), so walking the index by the base
 * date walks the tasks by due date, and a page needs the first rows of each branch only.
 *
 * A branch names its rows' expressions; tasks-query.ts puts them together. Every branch's
 * `order` lists, after its base, the columns that sort like the task id within the branch (the id
 * is a constant prefix and those columns: uuids sort as their text does).
 */
export interface Branch {
  kind: TaskKind;
  /** FROM …, joined to the settings row s (and, for stale_case, the phase p). */
  from: string;
  /** Extra lateral sources before the branch (stale_case: the phases). */
  outer?: string;
  where: string[];
  /**
   * A condition written with each office's settings as literals, for a rule whose selectivity the
   * planner must see (null for an office the rule does not apply to; no office: no branch).
   */
  officeLiteral?: (settings: OfficeSettings) => string | null;
  /** The indexed date the branch is read in order of. */
  base: string;
  /** The rule's own bounds on base (inclusive), as one index range with the page's bounds. */
  baseFrom?: string;
  baseTo?: string;
  /** The columns after base in index order (they sort like the id). */
  order: string[];
  due: string;
  /** How due comes from base: a day offset (exact) or a month offset (end-of-month clamps). */
  offset: { days: string } | { months: string };
  id: string;
  caseId: string;
  analysisId: string;
  horizon: string;
  assignee: string;
  reason: string;
  title: string;
}

const TODAY = '$today::date';
const YEAR_AGO = `(${TODAY} - interval '1 year')::date - 1`;

const LIVE_FOUNDER = 'JOIN founder f ON f.id = c.founder_id AND f.erased_at IS NULL';
const CASE_FROM = `founder_case c ${LIVE_FOUNDER}`;
const CASE_WHERE = ['c.office_id = s.office_id'];
/** A case task's common columns. */
const CASE_TASK = {
  caseId: 'c.id',
  analysisId: 'NULL::uuid',
  horizon: 'NULL::date',
  assignee: 'c.advisor_id',
  title: 'NULL::text',
  order: ['c.id'],
};

const reason = (rule: string, dates: string, settings = '') =>
  `jsonb_build_object('rule', ${rule}, 'dates', jsonb_strip_nulls(jsonb_build_object(${dates})), 'settings', jsonb_build_object(${settings}))`;
const text = (s: string) => `'${s.replace(/'/g, "''")}'`;
const plusYear = (d: string) => `(${d} + interval '1 year')::date`;
const plusMonths = (d: string, months: string) =>
  `(${d} + make_interval(months => ${months}))::date`;

/** Periods whose final declaration is still open: the latest version of each is provisional. */
function eksFromResetPeriods(withDueOn: boolean): Branch {
  const base = withDueOn ? 'v.final_declaration_due_on' : 'v.period_end';
  const due = withDueOn ? base : plusMonths('v.period_end', 's.eks_offset');
  return {
    kind: 'eks_final_declaration',
    from: `reset_period_version v
      JOIN reset_analysis a ON a.id = v.analysis_id AND a.state <> 'cancelled'
      JOIN founder f ON f.id = a.founder_id AND f.erased_at IS NULL
      LEFT JOIN founder_case c ON c.id = a.case_id AND c.office_id = v.office_id`,
    where: [
      'v.office_id = s.office_id',
      `v.kind = 'provisional'`,
      `v.final_declaration_due_on IS ${withDueOn ? 'NOT NULL' : 'NULL'}`,
      // Without the Jobcenter's date the base is period_end, and baseTo says this.
      ...(withDueOn ? [`v.period_end < ${TODAY}`] : []),
      `${TODAY} <= ${plusYear('v.period_end')}`,
      `NOT EXISTS (SELECT 1 FROM reset_period_version later
          WHERE later.analysis_id = v.analysis_id AND later.period_start = v.period_start
            AND later.version > v.version AND later.office_id = v.office_id)`,
    ],
    base,
    // The horizon as an index range (a day wider than exact for leap days; the filter is exact).
    ...(withDueOn ? {} : { baseFrom: YEAR_AGO, baseTo: `${TODAY} - 1` }),
    order: ['v.analysis_id', 'v.period_start'],
    due,
    offset: withDueOn ? { days: '0' } : { months: 's.eks_offset' },
    id: `'eks_final_declaration:' || v.analysis_id || ':' || v.period_start`,
    caseId: 'a.case_id',
    analysisId: 'v.analysis_id',
    horizon: plusYear('v.period_end'),
    assignee: 'c.advisor_id',
    title: 'NULL::text',
    reason: withDueOn
      ? reason(
          text('The final declaration deadline the Jobcenter set for the EKS period'),
          `'periodStart', v.period_start, 'periodEnd', v.period_end, 'finalDeclarationDueOn', v.final_declaration_due_on`,
        )
      : reason(
          `'EKS period end + ' || s.eks_offset || ' months (office setting eksFinalOffsetMonths)'`,
          `'periodStart', v.period_start, 'periodEnd', v.period_end`,
          `'eksFinalOffsetMonths', s.eks_offset`,
        ),
  };
}

const eksFromBenefitPeriod: Branch = {
  kind: 'eks_final_declaration',
  from: CASE_FROM,
  where: [
    ...CASE_WHERE,
    `f.benefit_status = 'sgb2'`,
    'c.benefit_period_ends_on IS NOT NULL',
    'c.final_income_declared_on IS NULL',
    `${TODAY} <= ${plusYear('c.benefit_period_ends_on')}`,
  ],
  base: 'c.benefit_period_ends_on',
  baseFrom: YEAR_AGO,
  baseTo: `${TODAY} - 1`,
  due: plusMonths('c.benefit_period_ends_on', 's.eks_offset'),
  offset: { months: 's.eks_offset' },
  id: `'eks_final_declaration:' || c.id || ':' || c.benefit_period_ends_on`,
  ...CASE_TASK,
  horizon: plusYear('c.benefit_period_ends_on'),
  reason: reason(
    `'SGB II benefit period end + ' || s.eks_offset || ' months (office setting eksFinalOffsetMonths)'`,
    `'benefitPeriodEndsOn', c.benefit_period_ends_on`,
    `'eksFinalOffsetMonths', s.eks_offset`,
  ),
};

const firstCounsellingOverdue: Branch = {
  kind: 'first_counselling_overdue',
  from: CASE_FROM,
  where: [
    ...CASE_WHERE,
    `c.status = 'active'`,
    `c.phase = 'access'`,
    `NOT EXISTS (SELECT 1 FROM case_contact k
        WHERE k.case_id = c.id AND k.kind = 'first_counselling' AND k.office_id = c.office_id)`,
  ],
  base: 'c.first_counselling_scheduled_on',
  baseTo: `${TODAY} - 1`,
  due: 'c.first_counselling_scheduled_on',
  offset: { days: '0' },
  id: `'first_counselling_overdue:' || c.id`,
  ...CASE_TASK,
  reason: reason(
    text('First counselling scheduled, no first counselling contact recorded'),
    `'scheduledOn', c.first_counselling_scheduled_on`,
  ),
};

/** Closed (completed or dropped out): the phase model's one closed status. */
const followUp: Branch = {
  kind: 'follow_up_6_months',
  from: CASE_FROM,
  where: [
    ...CASE_WHERE,
    `c.status = 'closed'`,
    'c.exited_on IS NOT NULL',
    'f.follow_up_consent_on IS NOT NULL',
    `NOT EXISTS (SELECT 1 FROM case_follow_up u
        WHERE u.case_id = c.id AND u."on" >= c.exited_on AND u.office_id = c.office_id)`,
  ],
  base: 'c.exited_on',
  due: plusMonths('c.exited_on', '6'),
  offset: { months: '6' },
  id: `'follow_up_6_months:' || c.id || ':' || c.exited_on`,
  ...CASE_TASK,
  reason: reason(text('Exit + 6 months (ESF follow-up)'), `'exitedOn', c.exited_on`),
};

export const FUNDING_ROUTES_APPLIED_BEFORE_START = `('einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c')`;

const fundingApplication: Branch = {
  kind: 'funding_application_before_start',
  from: CASE_FROM,
  where: [
    ...CASE_WHERE,
    `c.status = 'active'`,
    `c.funding_route IN ${FUNDING_ROUTES_APPLIED_BEFORE_START}`,
    'c.planned_start_on IS NOT NULL',
    'c.funding_applied_on IS NULL',
    'c.business_started_on IS NULL',
  ],
  base: 'c.planned_start_on',
  baseTo: `${TODAY} + s.lead_days`,
  due: 'c.planned_start_on - 1',
  offset: { days: '-1' },
  id: `'funding_application_before_start:' || c.id`,
  ...CASE_TASK,
  reason: reason(
    `'Planned start - 1 day, from ' || s.lead_days || ' days before the start (office setting fundingLeadDays)'`,
    `'plannedStartOn', c.planned_start_on`,
    `'fundingLeadDays', s.lead_days`,
  ),
};

/** The end of the approved Einstiegsgeld: its end date, else 24 months from its start (§16b SGB II). */
export const EINSTIEGSGELD_END = `COALESCE(c.funding_ends_on, (c.funding_starts_on + interval '24 months')::date)`;

const einstiegsgeldEnds: Branch = {
  kind: 'einstiegsgeld_ends',
  from: CASE_FROM,
  where: [
    ...CASE_WHERE,
    `c.status = 'active'`,
    `c.funding_route = 'einstiegsgeld'`,
    '(c.funding_starts_on IS NOT NULL OR c.funding_ends_on IS NOT NULL)',
  ],
  base: EINSTIEGSGELD_END,
  baseFrom: TODAY,
  baseTo: `${TODAY} + s.warn_days`,
  due: EINSTIEGSGELD_END,
  offset: { days: '0' },
  id: `'einstiegsgeld_ends:' || c.id`,
  ...CASE_TASK,
  reason: reason(
    `CASE WHEN c.funding_ends_on IS NULL THEN 'Einstiegsgeld start + 24 months' ELSE 'Einstiegsgeld end' END || ', from ' || s.warn_days || ' days before (office setting einstiegsgeldWarningDays)'`,
    `'fundingStartsOn', c.funding_starts_on, 'fundingEndsOn', c.funding_ends_on`,
    `'einstiegsgeldWarningDays', s.warn_days`,
  ),
};

/** The day of a case's last event, contact or change, where the offices are. */
export const LAST_ACTIVITY = `(c.updated_at AT TIME ZONE 'Europe/Berlin')::date`;

const staleCase: Branch = {
  kind: 'stale_case',
  outer: `CROSS JOIN LATERAL jsonb_each_text(s.stale_days) AS p(phase, days)`,
  from: CASE_FROM,
  where: [...CASE_WHERE, `c.status = 'active'`, 'c.phase = p.phase'],
  base: LAST_ACTIVITY,
  baseTo: `${TODAY} - p.days::integer - 1`,
  due: `${LAST_ACTIVITY} + p.days::integer + 1`,
  offset: { days: 'p.days::integer + 1' },
  id: `'stale_case:' || c.id`,
  ...CASE_TASK,
  reason: reason(
    `'Last activity + ' || p.days || ' days + 1 (office setting staleDays.' || p.phase || ')'`,
    `'lastActivityOn', ${LAST_ACTIVITY}`,
    `'staleDays', p.days::integer`,
  ),
};

/** Due on one day per office: read in case order (the order of their ids). */
const consentReview: Branch = {
  kind: 'consent_review',
  // From the founders on another consent version (from their own index), then their cases. The
  // office's version is a literal: with it the planner knows from the statistics how few founders
  // differ (as a parameter it guessed a third and read every founder); walking the office's cases
  // in id order instead reads all of them when only a handful are outdated.
  from: `founder f JOIN founder_case c ON c.founder_id = f.id AND c.office_id = f.office_id`,
  where: [
    'f.office_id = s.office_id',
    'f.erased_at IS NULL',
    's.consent_version IS NOT NULL',
    `c.status IN ('active', 'paused')`,
  ],
  officeLiteral: (o) => {
    if (o.currentConsentVersion === null) return null;
    const version = escapeLiteral(o.currentConsentVersion);
    return `(f.office_id = ${escapeLiteral(o.officeId)} AND (f.consent_version < ${version} OR f.consent_version > ${version}))`;
  },
  base: 'COALESCE(s.consent_since, $today::date)',
  due: 'COALESCE(s.consent_since, $today::date)',
  offset: { days: '0' },
  id: `'consent_review:' || c.id`,
  ...CASE_TASK,
  reason: reason(
    text('Consent version differs from the office setting currentConsentVersion'),
    `'consentVersionSince', s.consent_since`,
    `'currentConsentVersion', s.consent_version`,
  ),
};

const manual: Branch = {
  kind: 'manual',
  from: `case_task t
    JOIN founder_case c ON c.id = t.case_id AND c.office_id = t.office_id
    ${LIVE_FOUNDER}`,
  where: ['t.office_id = s.office_id', 't.done_at IS NULL'],
  base: 't.due_on',
  order: ['t.id'],
  due: 't.due_on',
  offset: { days: '0' },
  id: `'manual:' || t.id`,
  caseId: 'c.id',
  analysisId: 'NULL::uuid',
  horizon: 'NULL::date',
  assignee: 'COALESCE(t.assignee_id, c.advisor_id)',
  title: 't.title',
  reason: reason(text('Manual task (Wiedervorlage)'), `'dueOn', t.due_on`),
};

export const BRANCHES: readonly Branch[] = [
  eksFromResetPeriods(true),
  eksFromResetPeriods(false),
  eksFromBenefitPeriod,
  firstCounsellingOverdue,
  followUp,
  fundingApplication,
  einstiegsgeldEnds,
  staleCase,
  consentReview,
  manual,
];
