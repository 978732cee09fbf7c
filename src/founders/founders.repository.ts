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

  /** Newest-updated first; `q` matches first, last or "first last" name, case-insensitively. */
  list(
    tx: OfficeTx,
    page: { q: string | null; limit: number; after: [string, string] | null },
  ): Promise<FounderListRow[]> {
    const pattern = page.q ? `%${page.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    return tx.manager.query(
      // One index walk per office, merged (as for cases): office_id = ANY(…) cannot read the
      // (office_id, updated_at, id) index in order and would sort the whole office.
      `SELECT f.*,
              to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM unnest($1::uuid[]) AS o(id)
         CROSS JOIN LATERAL (
           SELECT * FROM founder f
            WHERE f.office_id = o.id AND f.${LIVE}
              AND ($2::text IS NULL OR f.first_name ILIKE $2 ESCAPE '\\'
                   OR f.last_name ILIKE $2 ESCAPE '\\'
                   OR (f.first_name || ' ' || f.last_name) ILIKE $2 ESCAPE '\\')
              AND ($3::timestamptz IS NULL OR (f.updated_at, f.id) < ($3::timestamptz, $4::uuid))
            ORDER BY f.updated_at DESC, f.id DESC
            LIMIT $5) f
        ORDER BY f.updated_at DESC, f.id DESC
        LIMIT $5`,
      [tx.officeIds, pattern, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit + 1],
    );
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

  /** A code list, not office data. */
  listTargetSectors(): Promise<TargetSectorRow[]> {
    return this.db.query(
      `SELECT code, label_de, label_en, wz_section FROM target_sector ORDER BY sort, code`,
    );
  }
}
