import type { Principal } from '../auth/principal';
import { AppError } from '../common/errors/app-error';

/**
 * Group filters: find founders (GET /founders, GET /founders/facets) and cases (GET /cases) by the
 * applicant profile and the situation. Within one filter the values are alternatives (OR), different
 * filters must all hold (AND). `null` as a value matches "not recorded" where a field may be empty.
 *
 * - Founder filters (germanLevel, targetSector, homeKnowledgeUsabilityMin/Max, presumedMotivation,
 *   benefitStatus, migrationBackground, selfEmploymentPermitted, ageBand) read the founder; on
 *   /cases they read the case's founder, and cases of erased founders never match one (their data
 *   are gone, and they are not to be found by what is left).
 * - Case filters (phase, status, fundingRoute, advisorId) read the case; on /founders they mean
 *   "has a case with": one case of the founder must match all case filters together.
 * - createdFrom/createdTo read the listed thing: the founder's created_at on /founders and the
 *   facets, the case's on /cases, as calendar days in Europe/Berlin, both ends inclusive.
 */

/** The value that stands for "not recorded" in a filter (and the facets' null bucket). */
export const NOT_RECORDED = 'null';

/**
 * ESF Plus age bands (Regulation (EU) 2021/1057, Annex I: below 18, 18-29, 55 and over; 30-54 is
 * the rest) as of today in Europe/Berlin; unknown: no birth date and no birth year.
 */
export const AGE_BANDS = ['under_18', '18_29', '30_54', '55_plus', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Values of a nullable field: the listed ones, and `nulls` for "not recorded". */
export interface ValueSet<T = string> {
  values: T[];
  nulls: boolean;
}

export interface FounderFilter {
  germanLevel?: ValueSet;
  targetSector?: ValueSet;
  homeKnowledgeUsability?: { min: number | null; max: number | null };
  presumedMotivation?: ValueSet;
  benefitStatus?: ValueSet;
  migrationBackground?: ValueSet<boolean>;
  selfEmploymentPermitted?: string[];
  ageBand?: AgeBand[];
}

export interface CaseFilter {
  phase?: string[];
  status?: string[];
  fundingRoute?: ValueSet;
  advisorId?: string[];
}

export interface GroupFilter {
  founder: FounderFilter;
  case: CaseFilter;
  created: { from: string | null; to: string | null } | null;
  /** Today in Europe/Berlin, the day the age bands are computed for. */
  today: string;
  /** The names of the filters given, for the access log (never their values). */
  names: string[];
}

/** The query fields a group filter is read from (GroupFiltersDto, after validation). */
export interface GroupFilterQuery {
  germanLevel?: string[];
  targetSector?: string[];
  homeKnowledgeUsabilityMin?: number;
  homeKnowledgeUsabilityMax?: number;
  presumedMotivation?: string[];
  benefitStatus?: string[];
  migrationBackground?: string[];
  selfEmploymentPermitted?: string[];
  ageBand?: string[];
  phase?: string[];
  status?: string[];
  fundingRoute?: string[];
  advisorId?: string[];
  createdFrom?: string;
  createdTo?: string;
}

const FILTER_NAMES: (keyof GroupFilterQuery)[] = [
  'germanLevel',
  'targetSector',
  'homeKnowledgeUsabilityMin',
  'homeKnowledgeUsabilityMax',
  'presumedMotivation',
  'benefitStatus',
  'migrationBackground',
  'selfEmploymentPermitted',
  'ageBand',
  'phase',
  'status',
  'fundingRoute',
  'advisorId',
  'createdFrom',
  'createdTo',
];

const unique = <T>(values: T[]): T[] => [...new Set(values)];

function valueSet(values: string[] | undefined): ValueSet | undefined {
  if (!values) return undefined;
  return {
    values: unique(values.filter((v) => v !== NOT_RECORDED)),
    nulls: values.includes(NOT_RECORDED),
  };
}

/**
 * The filter of a validated query; `me` in advisorId is the caller. Refuses (400) what the
 * validators of single fields cannot see: a minimum above the maximum, createdFrom after createdTo.
 */
export function toGroupFilter(q: GroupFilterQuery, actor: Principal, today: string): GroupFilter {
  const errors: { field: string; message: string }[] = [];
  const [min, max] = [q.homeKnowledgeUsabilityMin ?? null, q.homeKnowledgeUsabilityMax ?? null];
  if (min !== null && max !== null && min > max)
    errors.push({
      field: 'homeKnowledgeUsabilityMax',
      message: 'must not be below homeKnowledgeUsabilityMin',
    });
  const [from, to] = [q.createdFrom ?? null, q.createdTo ?? null];
  if (from !== null && to !== null && from > to)
    errors.push({ field: 'createdTo', message: 'must not be before createdFrom' });
  if (errors.length > 0)
    throw new AppError('validation_failed', 'The filters contradict each other.', { errors });

  const migration = valueSet(q.migrationBackground);
  return {
    founder: {
      germanLevel: valueSet(q.germanLevel),
      targetSector: valueSet(q.targetSector),
      homeKnowledgeUsability: min !== null || max !== null ? { min, max } : undefined,
      presumedMotivation: valueSet(q.presumedMotivation),
      benefitStatus: valueSet(q.benefitStatus),
      migrationBackground: migration && {
        values: migration.values.map((v) => v === 'true'),
        nulls: migration.nulls,
      },
      selfEmploymentPermitted: q.selfEmploymentPermitted && unique(q.selfEmploymentPermitted),
      ageBand: q.ageBand && (unique(q.ageBand) as AgeBand[]),
    },
    case: {
      phase: q.phase && unique(q.phase),
      status: q.status && unique(q.status),
      fundingRoute: valueSet(q.fundingRoute),
      advisorId: q.advisorId && unique(q.advisorId.map((id) => (id === 'me' ? actor.id : id))),
    },
    created: from !== null || to !== null ? { from, to } : null,
    today,
    names: FILTER_NAMES.filter((name) => q[name] !== undefined),
  };
}

export function hasFounderFilter(f: GroupFilter): boolean {
  return Object.values(f.founder).some((v) => v !== undefined);
}
