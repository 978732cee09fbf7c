import { Inject, Injectable } from '@nestjs/common';
import type {
  BenefitStatus,
  Gender,
  GermanLevel,
  RecognitionStatus,
  SelfEmploymentPermit,
} from './dto/founder-fields';
import { DataSource } from 'typeorm';
import type { OfficeTx } from '../database/office-transaction';
import type { GroupFilter } from '../group-filters/group-filter';
import {
  ageBandSql,
  createdConditions,
  founderConditions,
  hasMatchingCase,
  PROFILE,
  SqlParams,
} from '../group-filters/group-filter.sql';

/** The profile as stored (jsonb, snake_case keys); absent keys mean "not known". */
export interface StoredProfile {
  target_sector?: string;
  wz_code?: string;
  home_knowledge_usability?: number;
  presumed_motivation?: string;
}

/** The columns a create or update writes. */
export interface FounderColumns {
  first_name: string;
  last_name: string;
  birth_date: string | null;
  gender: Gender;
  email: string | null;
  phone: string | null;
  postal_code: string | null;
  city: string | null;
  country_of_birth: string | null;
  nationalities: string[];
  migration_background: boolean | null;
  languages: { code: string; level: string }[];
  german_level: GermanLevel | null;
  self_employment_permitted: SelfEmploymentPermit;
  benefit_status: BenefitStatus | null;
  jobcenter: string | null;
  jobcenter_customer_number: string | null;
  isced_level: number | null;
  foreign_qualification_recognition: RecognitionStatus | null;
  consent_given_on: string | null;
  consent_version: string | null;
  /** When the founder agreed to the 6-month follow-up after exit (voluntary); null: not agreed. */
  follow_up_consent_on: string | null;
  profile: StoredProfile | null;
}

/** @table founder */
export interface FounderRow extends FounderColumns {
  id: string;
  /** Kept from the birth date when the founder is erased (statistics). */
  birth_year: number | null;
  office_id: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  erased_at: Date | null;
}

/** A list row also carries its sort key at full (microsecond) precision for the cursor. */
export interface FounderListRow extends FounderRow {
  cursor_at: string;
}

/** One row of the facet counts (FoundersRepository.facets). */
export interface FacetRow {
  german_level: string | null;
  target_sector: string | null;
  home_knowledge_usability: number | null;
  presumed_motivation: string | null;
  benefit_status: string | null;
  age_band: string | null;
  n: number;
  g_german_level: number;
  g_target_sector: number;
  g_home_knowledge_usability: number;
  g_presumed_motivation: number;
  g_benefit_status: number;
  g_age_band: number;
}

/** @table target_sector */
export interface TargetSectorTableRow {
  code: string;
  label_de: string;
  label_en: string;
  wz_section: string;
  sort: number;
}

/** A sector as listed: in its sort order, without it. */
export type TargetSectorRow = Omit<TargetSectorTableRow, 'sort'>;

/**
 * The SQL type of every writable column. Dynamic INSERT/UPDATE statements take their column names
 * only from this fixed list, never from the request.
 */
const COLUMN_TYPES: Record<keyof FounderColumns, string> = {
  first_name: 'text',
  last_name: 'text',
  birth_date: 'date',
  gender: 'text',
  email: 'text',
  phone: 'text',
  postal_code: 'text',
  city: 'text',
  country_of_birth: 'text',
  nationalities: 'text[]',
  migration_background: 'boolean',
  languages: 'jsonb',
  german_level: 'text',
  self_employment_permitted: 'text',
  benefit_status: 'text',
  jobcenter: 'text',
  jobcenter_customer_number: 'text',
  isced_level: 'smallint',
  foreign_qualification_recognition: 'text',
  consent_given_on: 'date',
  consent_version: 'text',
  follow_up_consent_on: 'date',
  profile: 'jsonb',
};

function writes(columns: Partial<FounderColumns>): {
  names: (keyof FounderColumns)[];
  values: unknown[];
} {
  const names = (Object.keys(columns) as (keyof FounderColumns)[]).filter(
    (name) => name in COLUMN_TYPES && columns[name] !== undefined,
  );
  const values = names.map((name) => {
    const value = columns[name];
    // A jsonb parameter goes as JSON text; SQL NULL must stay NULL, not the JSON literal null.
    return COLUMN_TYPES[name] === 'jsonb' && value !== null ? JSON.stringify(value) : value;
  });
  return { names, values };
}

const cast = (name: keyof FounderColumns, index: number) => `$${index}::${COLUMN_TYPES[name]}`;

/** Erased founders (a later feature) are invisible to every query here. */
const LIVE = 'erased_at IS NULL';

/**
 * All founder SQL. Every query on founders takes an OfficeTx (the caller's office-scoped
 * transaction and its office ids), so a founder of another office is simply not found. UPDATE … RETURNING is wrapped in a CTE: TypeORM answers a bare UPDATE
 * with [rows, count].
 */
@Injectable()
export class FoundersRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async findById(tx: OfficeTx, id: string): Promise<FounderRow | null> {
    const rows: FounderRow[] = await tx.manager.query(
      `SELECT * FROM founder WHERE id = $1 AND office_id = ANY($2::uuid[]) AND ${LIVE}`,
      [id, tx.officeIds],
    );
    return rows[0] ?? null;
  }

  /**
   * Newest-updated first; `q` matches first, last or "first last" name, case-insensitively; the
   * group filter as src/group-filters/group-filter.ts defines it.
   */
  list(
    tx: OfficeTx,
    page: {
      q: string | null;
      filter?: GroupFilter | null;
      limit: number;
      after: [string, string] | null;
    },
  ): Promise<FounderListRow[]> {
    const p = new SqlParams([tx.officeIds, page.limit + 1]);
    const where = this.conditions(page.q, page.filter ?? null, p);
    if (page.after)
      where.push(
        `(f.updated_at, f.id) < (${p.add(page.after[0], 'timestamptz')}, ${p.add(page.after[1], 'uuid')})`,
      );
    return tx.manager.query(
      // One index walk per office, merged (as for cases): office_id = ANY(…) cannot read the
      // (office_id, updated_at, id) index in order and would sort the whole office.
      `SELECT f.*,
              to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM unnest($1::uuid[]) AS o(id)
         CROSS JOIN LATERAL (
           SELECT * FROM founder f
            WHERE f.office_id = o.id AND f.${LIVE}${where.map((c) => `\n              AND ${c}`).join('')}
            ORDER BY f.updated_at DESC, f.id DESC
            LIMIT $2) f
        ORDER BY f.updated_at DESC, f.id DESC
        LIMIT $2`,
      p.values,
    );
  }

  /**
   * Counts per value of each facet axis over the founders the list would give (all pages), in one
   * scan: GROUPING SETS, one set per axis and the empty set for the total. A row's `g_<axis>` is 0
   * when the row counts a value of that axis (its value may be null: the null bucket).
   */
  facets(tx: OfficeTx, q: string | null, filter: GroupFilter): Promise<FacetRow[]> {
    const p = new SqlParams([tx.officeIds]);
    const where = this.conditions(q, filter, p);
    const today = p.add(filter.today, 'date');
    return tx.manager.query(
      `WITH s AS (
         SELECT f.german_level, ${PROFILE.targetSector('f')} AS target_sector,
                ${PROFILE.homeKnowledgeUsability('f')} AS home_knowledge_usability,
                ${PROFILE.presumedMotivation('f')} AS presumed_motivation, f.benefit_status,
                ${ageBandSql('f', today)} AS age_band
           FROM founder f
          WHERE f.office_id = ANY($1::uuid[]) AND f.${LIVE}${where.map((c) => `\n            AND ${c}`).join('')})
       SELECT german_level, target_sector, home_knowledge_usability, presumed_motivation,
              benefit_status, age_band, count(*)::int AS n,
              GROUPING(german_level) AS g_german_level, GROUPING(target_sector) AS g_target_sector,
              GROUPING(home_knowledge_usability) AS g_home_knowledge_usability,
              GROUPING(presumed_motivation) AS g_presumed_motivation,
              GROUPING(benefit_status) AS g_benefit_status, GROUPING(age_band) AS g_age_band
         FROM s
        GROUP BY GROUPING SETS ((german_level), (target_sector), (home_knowledge_usability),
                                (presumed_motivation), (benefit_status), (age_band), ())`,
      p.values,
    );
  }

  /** The name search and the group filter as conditions on the founder row f ($1: the office ids). */
  private conditions(q: string | null, filter: GroupFilter | null, p: SqlParams): string[] {
    const where: string[] = [];
    if (q) {
      const pattern = p.add(`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, 'text');
      where.push(`(f.first_name ILIKE ${pattern} ESCAPE '\\' OR f.last_name ILIKE ${pattern} ESCAPE '\\'
                   OR (f.first_name || ' ' || f.last_name) ILIKE ${pattern} ESCAPE '\\')`);
    }
    if (filter) {
      where.push(...founderConditions(filter.founder, 'f', filter.today, p));
      const hasCase = hasMatchingCase(filter.case, 'f', '$1::uuid[]', p);
      if (hasCase) where.push(hasCase);
      where.push(...createdConditions(filter.created, 'f.created_at', p));
    }
    return where;
  }

  /** The office must be one of the scope's (row-level security refuses the row otherwise). */
  async insert(
    tx: OfficeTx,
    founder: { officeId: string; createdBy: string | null; columns: Partial<FounderColumns> },
  ): Promise<FounderRow> {
    if (!tx.officeIds.includes(founder.officeId))
      throw new Error('founder insert outside the office scope');
    const { names, values } = writes(founder.columns);
    const rows: FounderRow[] = await tx.manager.query(
      `INSERT INTO founder (office_id, created_by${names.map((n) => `, ${n}`).join('')})
       VALUES ($1, $2${names.map((n, i) => `, ${cast(n, i + 3)}`).join('')})
       RETURNING *`,
      [founder.officeId, founder.createdBy, ...values],
    );
    return rows[0];
  }

  /** Null when there is no such founder in these offices. */
  async update(
    tx: OfficeTx,
    id: string,
    columns: Partial<FounderColumns>,
  ): Promise<FounderRow | null> {
    const { names, values } = writes(columns);
    const sets = names.map((n, i) => `${n} = ${cast(n, i + 3)}, `).join('');
    const rows: FounderRow[] = await tx.manager.query(
      `WITH changed AS (
         UPDATE founder SET ${sets}updated_at = now()
          WHERE id = $1 AND office_id = ANY($2::uuid[]) AND ${LIVE} RETURNING *)
       SELECT * FROM changed`,
      [id, tx.officeIds, ...values],
    );
    return rows[0] ?? null;
  }

  /**
   * Serialises creates of the same name in one office until the transaction ends, so two
   * concurrent creates cannot both pass the duplicate check.
   */
  async lockName(
    tx: OfficeTx,
    officeId: string,
    firstName: string,
    lastName: string,
  ): Promise<void> {
    await tx.manager.query(
      `SELECT pg_advisory_xact_lock(
                hashtext('founder'), hashtext($1 || '/' || lower($2) || '/' || lower($3)))`,
      [officeId, firstName, lastName],
    );
  }

  /** The oldest founder of the office with this name (case-insensitive) and postal code. */
  async findDuplicate(
    tx: OfficeTx,
    key: { officeId: string; firstName: string; lastName: string; postalCode: string | null },
  ): Promise<string | null> {
    const rows: { id: string }[] = await tx.manager.query(
      `SELECT id FROM founder
        WHERE office_id = $1 AND office_id = ANY($5::uuid[]) AND lower(first_name) = lower($2) AND lower(last_name) = lower($3)
          AND postal_code IS NOT DISTINCT FROM $4::text AND ${LIVE}
        ORDER BY created_at, id LIMIT 1`,
      [key.officeId, key.firstName, key.lastName, key.postalCode, tx.officeIds],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * A code list, not office data. Inside a transaction pass its `tx`: asking the pool for a second
   * connection while the transaction holds one waits until the connect timeout where the pool has
   * only one (the embedded database), and takes two per request elsewhere.
   */
  listTargetSectors(tx?: OfficeTx): Promise<TargetSectorRow[]> {
    return (tx?.manager ?? this.db).query(
      `SELECT code, label_de, label_en, wz_section FROM target_sector ORDER BY sort, code`,
    );
  }
}
