import {
  hasFounderFilter,
  type CaseFilter,
  type FounderFilter,
  type GroupFilter,
  type ValueSet,
} from './group-filter';

/**
 * The SQL of the group filters, shared by the founder and case repositories. Only the conditions
 * of the filters given are written (the list queries are unnamed statements, planned with their
 * values); every value is a parameter, column names come from this file only.
 */
export class SqlParams {
  readonly values: unknown[];

  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }

  /** The placeholder of a new parameter, with its cast. */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/** The founder's profile fields as SQL over the founder row `f`. */
export const PROFILE = {
  targetSector: (f: string) => `(${f}.profile->>'target_sector')`,
  homeKnowledgeUsability: (f: string) => `((${f}.profile->>'home_knowledge_usability')::int)`,
  presumedMotivation: (f: string) => `(${f}.profile->>'presumed_motivation')`,
};

/** The birth date, or 1 January of the birth year where only that is kept. */
const birth = (f: string) => `COALESCE(${f}.birth_date, make_date(${f}.birth_year::int, 1, 1))`;

/** The day a person born on or before it is at least `years` old today (today - years, clamped). */
const turned = (today: string, years: number) => `(${today} - interval '${years} years')::date`;

/** The founder's age band as of `today` (a date placeholder). */
export function ageBandSql(f: string, today: string): string {
  const b = birth(f);
  return `CASE WHEN ${b} IS NULL THEN 'unknown'
               WHEN ${b} > ${turned(today, 18)} THEN 'under_18'
               WHEN ${b} > ${turned(today, 30)} THEN '18_29'
               WHEN ${b} > ${turned(today, 55)} THEN '30_54'
               ELSE '55_plus' END`;
}

/**
 * `column` is one of the values. One value is written as `=`: a btree index on (office_id,
 * column, updated_at) then still gives its rows in updated_at order (PostgreSQL 15 cannot for an
 * `= ANY(array)` on a column after the first), which the keyset pages walk.
 */
function inList(column: string, values: readonly unknown[], cast: string, p: SqlParams): string {
  return values.length === 1
    ? `${column} = ${p.add(values[0], cast)}`
    : `${column} = ANY(${p.add(values, `${cast}[]`)})`;
}

function anyOf(column: string, set: ValueSet<unknown>, cast: string, p: SqlParams): string {
  const parts: string[] = [];
  if (set.values.length > 0) parts.push(inList(column, set.values, cast, p));
  if (set.nulls) parts.push(`${column} IS NULL`);
  return parts.length === 0 ? 'false' : `(${parts.join(' OR ')})`;
}

/** The conditions of the founder filters on the founder row `f`; `today` is a YYYY-MM-DD value. */
export function founderConditions(
  filter: FounderFilter,
  f: string,
  today: string,
  p: SqlParams,
): string[] {
  const out: string[] = [];
  if (filter.germanLevel) out.push(anyOf(`${f}.german_level`, filter.germanLevel, 'text', p));
  if (filter.targetSector) out.push(anyOf(PROFILE.targetSector(f), filter.targetSector, 'text', p));
  const hku = filter.homeKnowledgeUsability;
  if (hku) {
    if (hku.min !== null)
      out.push(`${PROFILE.homeKnowledgeUsability(f)} >= ${p.add(hku.min, 'int')}`);
    if (hku.max !== null)
      out.push(`${PROFILE.homeKnowledgeUsability(f)} <= ${p.add(hku.max, 'int')}`);
  }
  if (filter.presumedMotivation)
    out.push(anyOf(PROFILE.presumedMotivation(f), filter.presumedMotivation, 'text', p));
  if (filter.benefitStatus) out.push(anyOf(`${f}.benefit_status`, filter.benefitStatus, 'text', p));
  if (filter.migrationBackground)
    out.push(anyOf(`${f}.migration_background`, filter.migrationBackground, 'boolean', p));
  if (filter.selfEmploymentPermitted)
    out.push(inList(`${f}.self_employment_permitted`, filter.selfEmploymentPermitted, 'text', p));
  if (filter.ageBand)
    out.push(inList(ageBandSql(f, p.add(today, 'date')), filter.ageBand, 'text', p));
  return out;
}

/** The conditions of the case filters on the case row `c`. */
export function caseConditions(filter: CaseFilter, c: string, p: SqlParams): string[] {
  const out: string[] = [];
  if (filter.phase) out.push(inList(`${c}.phase`, filter.phase, 'text', p));
  if (filter.status) out.push(inList(`${c}.status`, filter.status, 'text', p));
  if (filter.fundingRoute) out.push(anyOf(`${c}.funding_route`, filter.fundingRoute, 'text', p));
  if (filter.advisorId) out.push(inList(`${c}.advisor_id`, filter.advisorId, 'uuid', p));
  return out;
}

/** createdFrom/createdTo on a timestamptz column: whole days in Europe/Berlin, inclusive. */
export function createdConditions(
  created: GroupFilter['created'],
  column: string,
  p: SqlParams,
): string[] {
  const out: string[] = [];
  if (created?.from)
    out.push(
      `${column} >= (${p.add(created.from, 'date')}::timestamp AT TIME ZONE 'Europe/Berlin')`,
    );
  if (created?.to)
    out.push(
      `${column} < ((${p.add(created.to, 'date')} + 1)::timestamp AT TIME ZONE 'Europe/Berlin')`,
    );
  return out;
}

/**
 * On /founders: the founder has a case (in the founder's office, where a founder's cases always
 * are: a hand-over moves both) that matches every case filter. Null when no case filter is given.
 * `offices` is the placeholder of the scope's office ids.
 */
export function hasMatchingCase(
  filter: CaseFilter,
  f: string,
  offices: string,
  p: SqlParams,
): string | null {
  const conditions = caseConditions(filter, 'fc', p);
  if (conditions.length === 0) return null;
  // The office scope once more, on the case itself: without it the planner may hash the matching
  // cases of every office (a paused case of any office) instead of reading the scope's.
  return `EXISTS (SELECT 1 FROM founder_case fc
                   WHERE fc.founder_id = ${f}.id AND fc.office_id = ${f}.office_id
                     AND fc.office_id = ANY(${offices}) AND ${conditions.join(' AND ')})`;
}

/**
 * On /cases: the case's founder, not erased, matches every founder filter. Null when no founder
 * filter is given.
 */
export function founderMatches(
  filter: GroupFilter,
  c: string,
  offices: string,
  p: SqlParams,
): string | null {
  if (!hasFounderFilter(filter)) return null;
  const conditions = founderConditions(filter.founder, 'cf', filter.today, p);
  return `EXISTS (SELECT 1 FROM founder cf
                   WHERE cf.id = ${c}.founder_id AND cf.office_id = ${c}.office_id
                     AND cf.office_id = ANY(${offices}) AND cf.erased_at IS NULL
                     AND ${conditions.join(' AND ')})`;
}
