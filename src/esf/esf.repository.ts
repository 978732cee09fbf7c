import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import { founderInTransferSql } from '../transfers/in-transfer';
import type {
  EmploymentStatus,
  EsfGender,
  ParentsBornAbroad,
  ParticipationFacts,
  VoluntaryAnswer,
} from './esf-indicators';

/** @table esf_entry */
export interface EsfEntryRow {
  case_id: string;
  office_id: string;
  entry_on: string;
  employment_status: EmploymentStatus;
  gender: EsfGender;
  age_at_entry: number | null;
  isced_level: number | null;
  third_country_national: boolean;
  born_abroad: boolean | null;
  parents_born_abroad: ParentsBornAbroad;
  foreign_background: boolean;
  version: number;
  created_by: string | null;
  updated_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** @table esf_voluntary */
export interface EsfVoluntaryRow {
  case_id: string;
  office_id: string;
  disability: VoluntaryAnswer;
  minority: VoluntaryAnswer;
  homeless_or_housing_exclusion: VoluntaryAnswer;
  updated_at: Date;
}

/** @table esf_exit */
export interface EsfExitRow {
  id: string;
  case_id: string;
  office_id: string;
  on: string;
  job_searching: boolean;
  in_education_or_training: boolean;
  gaining_qualification: boolean;
  in_employment: boolean;
  created_by: string | null;
  created_at: Date;
}

/** The case and founder facts an entry or exit record is checked against and derived from. */
export interface EsfCaseFacts {
  id: string;
  office_id: string;
  founder_id: string;
  status: string;
  exited_on: string | null;
  founder_gender: string;
  birth_date: string | null;
  birth_year: number | null;
  isced_level: number | null;
  nationalities: string[];
  country_of_birth: string | null;
  founder_erased_at: Date | null;
  founder_in_transfer: boolean;
}

/** A row of the participation facts query (the export and the totals). */
interface FactsRow {
  case_id: string;
  founder_id: string;
  office_id: string;
  office_code: string;
  entry_on: string;
  employment_status: EmploymentStatus;
  gender: EsfGender;
  age_at_entry: number | null;
  isced_level: number | null;
  third_country_national: boolean;
  foreign_background: boolean;
  left_on: string | null;
  follow_up_consent_on: string | null;
  contact_minutes: number;
  minimum_contact_hours: number;
  exits: { on: string; js: boolean; et: boolean; gq: boolean; ie: boolean; at: string }[];
  follow_ups: { on: string; situation: string; sse: boolean }[];
  disability: VoluntaryAnswer | null;
  minority: VoluntaryAnswer | null;
  homeless: VoluntaryAnswer | null;
}

export type FactsWithOffice = ParticipationFacts & { officeCode: string };

export function toFacts(r: FactsRow): FactsWithOffice {
  return {
    caseId: r.case_id,
    founderId: r.founder_id,
    officeId: r.office_id,
    officeCode: r.office_code,
    entryOn: r.entry_on,
    employmentStatus: r.employment_status,
    gender: r.gender,
    ageAtEntry: r.age_at_entry,
    iscedLevel: r.isced_level,
    thirdCountryNational: r.third_country_national,
    foreignBackground: r.foreign_background,
    leftOn: r.left_on,
    followUpConsentOn: r.follow_up_consent_on,
    contactMinutes: Number(r.contact_minutes),
    minimumContactHours: r.minimum_contact_hours,
    exits: r.exits.map((e) => ({
      on: e.on,
      jobSearching: e.js,
      inEducationOrTraining: e.et,
      gainingQualification: e.gq,
      inEmployment: e.ie,
      createdAt: e.at,
    })),
    followUps: r.follow_ups.map((u) => ({
      on: u.on,
      situation: u.situation,
      stillSelfEmployed: u.sse,
    })),
    voluntary:
      r.disability && r.minority && r.homeless
        ? { disability: r.disability, minority: r.minority, homeless: r.homeless }
        : null,
  };
}

/**
 * The facts of every participation (a case with an entry record) of the offices ($1) that entered
 * on or before $3 and had not left before $2. $4 is the default minimum of contact hours. The
 * voluntary answers are selected only when `voluntary` (the totals): the per-participant export's
 * query never reads them.
 */
export function factsSql(voluntary: boolean): string {
  return `
    SELECT e.case_id, c.founder_id, c.office_id, o.code AS office_code, e.entry_on, e.employment_status,
           e.gender, e.age_at_entry, e.isced_level, e.third_country_national, e.foreign_background,
           CASE WHEN c.status = 'closed' THEN c.exited_on END AS left_on,
           f.follow_up_consent_on,
           (SELECT COALESCE(sum(k.minutes), 0)::int FROM case_contact k
             WHERE k.case_id = c.id AND k.office_id = ANY($1::uuid[])) AS contact_minutes,
           COALESCE(s.esf_minimum_contact_hours, $4::int) AS minimum_contact_hours,
           (SELECT COALESCE(json_agg(json_build_object('on', x."on", 'js', x.job_searching,
                      'et', x.in_education_or_training, 'gq', x.gaining_qualification, 'ie', x.in_employment,
                      'at', to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')) ORDER BY x."on", x.created_at), '[]')
              FROM esf_exit x WHERE x.case_id = c.id AND x.office_id = ANY($1::uuid[])) AS exits,
           (SELECT COALESCE(json_agg(json_build_object('on', u."on", 'situation', u.situation,
                      'sse', u.still_self_employed) ORDER BY u."on", u.history_seq), '[]')
              FROM case_follow_up u WHERE u.case_id = c.id AND u.office_id = ANY($1::uuid[])) AS follow_ups,
           ${voluntary ? 'v.disability, v.minority, v.homeless_or_housing_exclusion AS homeless' : 'NULL AS disability, NULL AS minority, NULL AS homeless'}
      FROM esf_entry e
      JOIN founder_case c ON c.id = e.case_id AND c.office_id = ANY($1::uuid[])
      JOIN founder f ON f.id = c.founder_id
      JOIN office o ON o.id = c.office_id
      LEFT JOIN office_settings s ON s.office_id = c.office_id
      ${voluntary ? 'LEFT JOIN esf_voluntary v ON v.case_id = e.case_id AND v.office_id = ANY($1::uuid[])' : ''}
     WHERE e.office_id = ANY($1::uuid[]) AND e.entry_on <= $3::date
       AND (c.status <> 'closed' OR c.exited_on IS NULL OR c.exited_on >= $2::date)
     ORDER BY o.code, e.entry_on, e.case_id`;
}

/** ESF entry, voluntary answers and exit records; every query filters by the scope's offices. */
@Injectable()
export class EsfRepository {
  async caseFacts(tx: OfficeTx, caseId: string, lock: boolean): Promise<EsfCaseFacts | null> {
    if (lock) {
      const locked: unknown[] = await tx.manager.query(
        `SELECT id FROM founder_case WHERE id = $1 AND office_id = ANY($2::uuid[]) FOR UPDATE`,
        [caseId, tx.officeIds],
      );
      if (locked.length === 0) return null;
    }
    const rows: EsfCaseFacts[] = await tx.manager.query(
      `SELECT c.id, c.office_id, c.founder_id, c.status, c.exited_on, f.gender AS founder_gender,
              f.birth_date, f.birth_year, f.isced_level, f.nationalities, f.country_of_birth,
              f.erased_at AS founder_erased_at, ${founderInTransferSql('c.founder_id')} AS founder_in_transfer
         FROM founder_case c JOIN founder f ON f.id = c.founder_id
        WHERE c.id = $1 AND c.office_id = ANY($2::uuid[])`,
      [caseId, tx.officeIds],
    );
    return rows[0] ?? null;
  }

  async upsertEntry(
    tx: OfficeTx,
    e: Omit<EsfEntryRow, 'version' | 'created_by' | 'created_at' | 'updated_at'>,
  ): Promise<EsfEntryRow> {
    const [row]: EsfEntryRow[] = await tx.manager.query(
      `INSERT INTO esf_entry AS x (case_id, office_id, entry_on, employment_status, gender, age_at_entry, isced_level,
                                   third_country_national, born_abroad, parents_born_abroad, foreign_background,
                                   created_by, updated_by)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::uuid, $12::uuid WHERE $2::uuid = ANY($13::uuid[])
       ON CONFLICT (case_id) DO UPDATE SET
         entry_on = EXCLUDED.entry_on, employment_status = EXCLUDED.employment_status, gender = EXCLUDED.gender,
         age_at_entry = EXCLUDED.age_at_entry, isced_level = EXCLUDED.isced_level,
         third_country_national = EXCLUDED.third_country_national, born_abroad = EXCLUDED.born_abroad,
         parents_born_abroad = EXCLUDED.parents_born_abroad, foreign_background = EXCLUDED.foreign_background,
         updated_by = EXCLUDED.updated_by, version = x.version + 1, updated_at = now()
       RETURNING *`,
      [
        e.case_id,
        e.office_id,
        e.entry_on,
        e.employment_status,
        e.gender,
        e.age_at_entry,
        e.isced_level,
        e.third_country_national,
        e.born_abroad,
        e.parents_born_abroad,
        e.foreign_background,
        e.updated_by,
        tx.officeIds,
      ],
    );
    return row;
  }

  async upsertVoluntary(
    tx: OfficeTx,
    v: Omit<EsfVoluntaryRow, 'updated_at'>,
  ): Promise<EsfVoluntaryRow> {
    const [row]: EsfVoluntaryRow[] = await tx.manager.query(
      `INSERT INTO esf_voluntary (case_id, office_id, disability, minority, homeless_or_housing_exclusion)
       SELECT $1, $2, $3, $4, $5 WHERE $2::uuid = ANY($6::uuid[])
       ON CONFLICT (case_id) DO UPDATE SET disability = EXCLUDED.disability, minority = EXCLUDED.minority,
         homeless_or_housing_exclusion = EXCLUDED.homeless_or_housing_exclusion, updated_at = now()
       RETURNING *`,
      [
        v.case_id,
        v.office_id,
        v.disability,
        v.minority,
        v.homeless_or_housing_exclusion,
        tx.officeIds,
      ],
    );
    return row;
  }

  async entry(
    tx: OfficeTx,
    caseId: string,
  ): Promise<{ entry: EsfEntryRow; voluntary: EsfVoluntaryRow | null } | null> {
    const [entry]: EsfEntryRow[] = await tx.manager.query(
      `SELECT * FROM esf_entry WHERE case_id = $1 AND office_id = ANY($2::uuid[])`,
      [caseId, tx.officeIds],
    );
    if (!entry) return null;
    const [voluntary]: EsfVoluntaryRow[] = await tx.manager.query(
      `SELECT * FROM esf_voluntary WHERE case_id = $1 AND office_id = ANY($2::uuid[])`,
      [caseId, tx.officeIds],
    );
    return { entry, voluntary: voluntary ?? null };
  }

  async insertExit(tx: OfficeTx, x: Omit<EsfExitRow, 'id' | 'created_at'>): Promise<EsfExitRow> {
    const [row]: EsfExitRow[] = await tx.manager.query(
      `INSERT INTO esf_exit (case_id, office_id, "on", job_searching, in_education_or_training, gaining_qualification,
                             in_employment, created_by)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE $2::uuid = ANY($9::uuid[]) RETURNING *`,
      [
        x.case_id,
        x.office_id,
        x.on,
        x.job_searching,
        x.in_education_or_training,
        x.gaining_qualification,
        x.in_employment,
        x.created_by,
        tx.officeIds,
      ],
    );
    return row;
  }

  exits(tx: OfficeTx, caseId: string): Promise<EsfExitRow[]> {
    return tx.manager.query(
      `SELECT * FROM esf_exit WHERE case_id = $1 AND office_id = ANY($2::uuid[]) ORDER BY "on", created_at`,
      [caseId, tx.officeIds],
    );
  }
}

/**
 * The participations of the totals report, with the voluntary answers (counted only). A plain
 * function of the office transaction, like the other report definitions' queries: it holds no state.
 */
export async function participationFacts(
  tx: OfficeTx,
  officeIds: readonly string[],
  from: string,
  to: string,
  defaultMinimumHours: number,
): Promise<FactsWithOffice[]> {
  const scoped = officeIds.filter((id) => tx.officeIds.includes(id));
  const rows: FactsRow[] = await tx.manager.query(factsSql(true), [
    scoped,
    from,
    to,
    defaultMinimumHours,
  ]);
  return rows.map(toFacts);
}
