import type { OfficeSettings } from '../office-settings/office-settings';
import type { TaskKind } from './task';
import { BRANCHES, type Branch } from './task-branches';

/** One read of the desk: every bound is on (dueOn, id), the order of the list. */
export interface TaskQuery {
  today: string;
  kinds: readonly TaskKind[];
  /** dueOn ≥ minDue / ≤ maxDue (the due filter). */
  minDue: string | null;
  maxDue: string | null;
  /** The key of the previous page's last task: only tasks after it. */
  after: readonly [dueOn: string, id: string] | null;
  /** The task's assignee (a case's advisor, a manual task's own). */
  assigneeId: string | null;
  /** Rows to read (a page's limit + 1). */
  rows: number;
}

/** The settings row each branch is joined to (numbers for the offsets, so they stay constants). */
function settingsRecords(settings: readonly OfficeSettings[]) {
  return settings.map((s) => ({
    office_id: s.officeId,
    eks_offset: s.eksFinalOffsetMonths,
    lead_days: s.fundingLeadDays,
    warn_days: s.einstiegsgeldWarningDays,
    stale_days: s.staleDays,
    consent_version: s.currentConsentVersion,
    consent_since: s.consentVersionSince,
  }));
}

/**
 * The base's bound that a bound on due implies. A day offset is exact; adding months clamps at a
 * month's end (Jan 28–31 + 1 month are all Feb 28), so x + N months ≥ m gives x ≥ m − N months
 * and x + N months ≤ m gives x ≤ m − N months + 3 days.
 */
function baseBound(b: Branch, op: '>=' | '<=', due: string): string {
  if ('days' in b.offset) return `${due} - (${b.offset.days})`;
  const back = `(${due} - make_interval(months => ${b.offset.months}))::date`;
  return op === '>=' ? back : `${back} + 3`;
}

/**
 * The branch's filters. All bounds on base (the rule's, the due filter's, the cursor's, the
 * tail's) go into one GREATEST/LEAST pair: one index range, whichever bound is the tightest.
 */
function conditions(b: Branch, q: TaskQuery, tail: { from: string; to: string } | null): string[] {
  const c = [...b.where];
  const from = b.baseFrom ? [b.baseFrom] : [];
  const to = b.baseTo ? [b.baseTo] : [];
  if (q.assigneeId) c.push(`${b.assignee} = $assignee::uuid`);
  if (q.minDue) {
    c.push(`${b.due} >= $minDue::date`);
    from.push(baseBound(b, '>=', '$minDue::date'));
  }
  if (q.maxDue) {
    c.push(`${b.due} <= $maxDue::date`);
    to.push(baseBound(b, '<=', '$maxDue::date'));
  }
  if (q.after) {
    c.push(
      `(${b.due} > $afterDue::date OR (${b.due} = $afterDue::date AND (${b.id}) COLLATE "C" > $afterId::text COLLATE "C"))`,
    );
    from.push(baseBound(b, '>=', '$afterDue::date'));
  }
  if (tail) [from, to].forEach((bounds, i) => bounds.push(i === 0 ? tail.from : tail.to));
  if (from.length) c.push(`${b.base} >= GREATEST(${from.join(', ')})`);
  if (to.length) c.push(`${b.base} <= LEAST(${to.join(', ')})`);
  return c;
}

/** The tail of a month branch: the 3 days after the head's last base. */
// Scalar sub-selects, so that the bounds are InitPlans: evaluated once and used as the tail's
// index range whatever the planner estimates (joined to `last`, it sometimes read the office's
// whole index and filtered the join instead).
const LAST_DAYS = {
  from: '(SELECT from_base FROM last)',
  to: '(SELECT to_base FROM last)',
};

const TASK_COLUMNS = [
  'id',
  'kind',
  'office_id',
  'case_id',
  'analysis_id',
  'due_on',
  'horizon_on',
  'assignee_id',
  'reason',
  'title',
];

const withLiteral = (conditions: string[], literal: string | null) =>
  literal ? [...conditions, literal] : conditions;

function branchSql(b: Branch, q: TaskQuery, literal: string | null): string {
  const where = withLiteral(conditions(b, q, null), literal).join('\n AND ');
  const order = [b.base, ...b.order].join(', ');
  const columns = `${b.id} AS id, '${b.kind}'::text AS kind, s.office_id, ${b.caseId} AS case_id,
    ${b.analysisId} AS analysis_id, ${b.due} AS due_on, ${b.horizon} AS horizon_on,
    ${b.assignee} AS assignee_id, ${b.reason} AS reason, ${b.title} AS title`;
  // With a day offset the index order is the task order: the first rows are the branch's part
  // of the page. With a month offset, tasks up to 3 days further along the base can share the
  // last row's due date (and sort before it by id): they come along (the outer ORDER BY sorts
  // them in). The head is read once; the tail is a short range after it.
  // An empty head has no last base: the tail starts at infinity then, and reads nothing (GREATEST
  // skips a NULL, so without it an empty head's tail read the rule's whole range again).
  const head = `SELECT ${columns}, ${b.base} AS base FROM ${b.from} WHERE ${where} ORDER BY ${order} LIMIT $rows`;
  if ('days' in b.offset)
    return `SELECT x.${TASK_COLUMNS.join(', x.')} FROM s ${b.outer ?? ''} CROSS JOIN LATERAL (${head}) x`;
  return `SELECT x.* FROM s ${b.outer ?? ''} CROSS JOIN LATERAL (
    WITH head AS MATERIALIZED (${head}),
      last AS (SELECT COALESCE(max(base) + 1, 'infinity') AS from_base, max(base) + 3 AS to_base FROM head)
    SELECT ${TASK_COLUMNS.join(', ')} FROM head
    UNION ALL
    SELECT ${columns} FROM ${b.from}
     WHERE ${withLiteral(conditions(b, q, LAST_DAYS), literal).join('\n AND ')}) x`;
}

/** The SQL and its parameters; named placeholders ($today, …) become positional ones here. */
export function tasksSql(
  q: TaskQuery,
  officeIds: readonly string[],
  settings: readonly OfficeSettings[],
): { sql: string; params: unknown[] } | null {
  const branches = BRANCHES.filter((b) => q.kinds.includes(b.kind)).flatMap(
    (
      b,
    ): {
      b: Branch;
      literal: string | null;
    }[] => {
      if (!b.officeLiteral) return [{ b, literal: null }];
      const literals = settings.map(b.officeLiteral).filter((l): l is string => l !== null);
      return literals.length ? [{ b, literal: `(${literals.join(' OR ')})` }] : [];
    },
  );
  // No rule applies (only consent_review asked for, and no office has a consent version).
  if (branches.length === 0) return null;
  const named: Record<string, unknown> = {
    settings: JSON.stringify(settingsRecords(settings)),
    offices: officeIds,
    today: q.today,
    minDue: q.minDue,
    maxDue: q.maxDue,
    afterDue: q.after?.[0] ?? null,
    afterId: q.after?.[1] ?? null,
    assignee: q.assigneeId,
    rows: q.rows,
  };
  const template = `WITH s AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset($settings::jsonb) AS s(office_id uuid, eks_offset integer,
        lead_days integer, warn_days integer, stale_days jsonb, consent_version text, consent_since date)
       WHERE s.office_id = ANY($offices::uuid[]))
    SELECT * FROM (${branches.map(({ b, literal }) => branchSql(b, q, literal)).join('\nUNION ALL\n')}) t
     ORDER BY due_on, id COLLATE "C"
     LIMIT $rows`;
  const params: unknown[] = [];
  const position = new Map<string, number>();
  const sql = template.replace(/\$([a-zA-Z]+)/g, (_, name: string) => {
    if (!(name in named)) throw new Error(`tasks SQL: no parameter ${name}`);
    if (!position.has(name)) position.set(name, params.push(named[name]));
    return `$${position.get(name)}`;
  });
  return { sql, params };
}
