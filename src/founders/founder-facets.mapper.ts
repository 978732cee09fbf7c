import { AGE_BANDS, type AgeBand } from '../group-filters/group-filter';
import type { FounderFacetsDto } from './dto/founder-facets.dto';
import * as F from './dto/founder-fields';
import type { FacetRow } from './founders.repository';

type Axis =
  | 'german_level'
  | 'target_sector'
  | 'home_knowledge_usability'
  | 'presumed_motivation'
  | 'benefit_status'
  | 'age_band';

/**
 * The buckets of one axis: every known value in order, then any value the rows hold that is not
 * known (none, as long as the checks on input hold), then null; zero where no founder has it.
 */
function buckets<T extends string | number>(
  rows: FacetRow[],
  axis: Axis,
  known: readonly T[],
  withNull: boolean,
): { value: T | null; count: number }[] {
  const counts = new Map<T | null, number>();
  for (const row of rows) {
    if (row[`g_${axis}`] !== 0) continue;
    counts.set(row[axis] as T | null, row.n);
  }
  const extra = [...counts.keys()].filter((v): v is T => v !== null && !known.includes(v));
  const values: (T | null)[] = [...known, ...extra.sort(), ...(withNull ? [null] : [])];
  return values.map((value) => ({ value, count: counts.get(value) ?? 0 }));
}

export function toFacetsDto(rows: FacetRow[], sectorCodes: string[]): FounderFacetsDto {
  const total = rows.find(
    (r) =>
      r.g_german_level === 1 &&
      r.g_target_sector === 1 &&
      r.g_home_knowledge_usability === 1 &&
      r.g_presumed_motivation === 1 &&
      r.g_benefit_status === 1 &&
      r.g_age_band === 1,
  );
  return {
    total: total?.n ?? 0,
    germanLevel: buckets(rows, 'german_level', F.GERMAN_LEVELS, true),
    targetSector: buckets(rows, 'target_sector', sectorCodes, true),
    homeKnowledgeUsability: buckets(rows, 'home_knowledge_usability', [0, 1, 2, 3], true),
    presumedMotivation: buckets(rows, 'presumed_motivation', F.MOTIVATIONS, true),
    benefitStatus: buckets(rows, 'benefit_status', F.BENEFIT_STATUSES, true),
    // The age band is never null: founders without a birth date are in `unknown`.
    ageBand: buckets<AgeBand>(rows, 'age_band', AGE_BANDS, false) as FounderFacetsDto['ageBand'],
  };
}
