import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import type { DataSubjectExportDto } from './dto/data-export.dto';
import type { ErasureCountsDto } from './dto/erasure.dto';
import { eraseAssignments, ESF_VOLUNTARY_ERASE } from './erase-sql';
import { ERASED } from './redact';

// Built once from the free-text list (ERASED is the parameter after the office ids in each statement).
const FOUNDER_TEXTS = eraseAssignments('founder', '$3').join(', ');
const CASE_TEXTS = eraseAssignments('founder_case', '$3').join(', ');
const CONTACT_TEXTS = eraseAssignments('case_contact', '$3').join(', ');
const ANALYSIS_TEXTS = eraseAssignments('reset_analysis', '$4').join(', ');
const TRANSFER_TEXTS = eraseAssignments('case_transfer', '$3').join(', ');
const TASK_TEXTS = eraseAssignments('case_task', '$3').join(', ');
const FOLLOW_UP_TEXTS = eraseAssignments('case_follow_up', '$3').join(', ');
// PostgreSQL refuses a parameter that a statement never uses, so ERASED goes only where it is used.
const withPlaceholder = (sql: string, n: string, params: unknown[]): unknown[] =>
  sql.includes(n) ? [...params, ERASED] : params;

/**
 * The SQL of erasure and subject access. It touches every table that can hold a founder's personal
 * data; a new table with personal data must be added here (and to the data export). Every method
 * runs in the caller's office-scoped transaction and filters by its office ids (child rows through
 * their case or analysis), so row-level security is the second lock, not the only one.
 */
@Injectable()
export class PrivacyRepository {
  async lockFounder(tx: OfficeTx, id: string): Promise<{ id: string; office_id: string } | null> {
    const rows: { id: string; office_id: string }[] = await tx.manager.query(
      `SELECT id, office_id FROM founder
        WHERE id = $1 AND erased_at IS NULL AND office_id = ANY($2::uuid[]) FOR UPDATE`,
      [id, tx.officeIds],
    );
    return rows[0] ?? null;
  }

  /** Keeps office, year of birth and gender; everything else about the person goes. */
  async eraseFounder(tx: OfficeTx, id: string): Promise<void> {
    await tx.manager.query(
      `UPDATE founder SET ${FOUNDER_TEXTS},
         birth_year = extract(year FROM birth_date), birth_date = NULL, country_of_birth = NULL,
         nationalities = '{}', migration_background = NULL, languages = '[]', german_level = NULL,
         isced_level = NULL, foreign_qualification_recognition = NULL, consent_given_on = NULL,
         profile = NULL, erased_at = now(), updated_at = now()
       WHERE id = $1 AND office_id = ANY($2::uuid[])`,
      withPlaceholder(FOUNDER_TEXTS, '$3', [id, tx.officeIds]),
    );
  }

  /**
   * Free texts of the founder's cases, contacts, manual tasks, follow-ups and phase history; the
   * history rows stay.
   */
  async eraseCaseTexts(
    tx: OfficeTx,
    founderId: string,
  ): Promise<Omit<ErasureCountsDto, 'analyses'>> {
    const count = async (sql: string, params: unknown[]): Promise<number> =>
      (await tx.manager.query<{ n: number }[]>(sql, params))[0].n;
    const cases = await count(
      `WITH c AS (
         UPDATE founder_case SET ${CASE_TEXTS}, updated_at = now()
          WHERE founder_id = $1 AND office_id = ANY($2::uuid[]) RETURNING id)
       SELECT count(*)::int AS n FROM c`,
      withPlaceholder(CASE_TEXTS, '$3', [founderId, tx.officeIds]),
    );
    const texts = await count(
      `WITH d AS (
         DELETE FROM case_history_text t USING founder_case c
          WHERE t.case_id = c.id AND c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) RETURNING t.seq)
       SELECT count(*)::int AS n FROM d`,
      [founderId, tx.officeIds],
    );
    const contacts = await count(
      `WITH k AS (
         UPDATE case_contact k SET ${CONTACT_TEXTS} FROM founder_case c
          WHERE k.case_id = c.id AND c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) RETURNING k.id)
       SELECT count(*)::int AS n FROM k`,
      withPlaceholder(CONTACT_TEXTS, '$3', [founderId, tx.officeIds]),
    );
    const tasks = await count(
      `WITH k AS (
         UPDATE case_task k SET ${TASK_TEXTS}, updated_at = now() FROM founder_case c
          WHERE k.case_id = c.id AND c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) RETURNING k.id)
       SELECT count(*)::int AS n FROM k`,
      withPlaceholder(TASK_TEXTS, '$3', [founderId, tx.officeIds]),
    );
    const followUps = await count(
      `WITH k AS (
         UPDATE case_follow_up k SET ${FOLLOW_UP_TEXTS} FROM founder_case c
          WHERE k.case_id = c.id AND c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) RETURNING k.id)
       SELECT count(*)::int AS n FROM k`,
      withPlaceholder(FOLLOW_UP_TEXTS, '$3', [founderId, tx.officeIds]),
    );
    const esfVoluntaryAnswers = await count(ESF_VOLUNTARY_ERASE, [founderId, tx.officeIds]);
    return { cases, texts, contacts, tasks, followUps, esfVoluntaryAnswers };
  }

  analysesOf(tx: OfficeTx, founderId: string): Promise<{ id: string; snapshot: object }[]> {
    return tx.manager.query(
      `SELECT id, snapshot FROM reset_analysis WHERE founder_id = $1 AND office_id = ANY($2::uuid[]) FOR UPDATE`,
      [founderId, tx.officeIds],
    );
  }

  async eraseAnalysis(tx: OfficeTx, id: string, snapshot: object): Promise<void> {
    await tx.manager.query(
      `UPDATE reset_analysis SET ${ANALYSIS_TEXTS}, snapshot = $3, updated_at = now()
        WHERE id = $1 AND office_id = ANY($2::uuid[])`,
      withPlaceholder(ANALYSIS_TEXTS, '$4', [id, tx.officeIds, JSON.stringify(snapshot)]),
    );
    await tx.manager.query(
      `DELETE FROM reset_history_text t USING reset_analysis a
        WHERE t.analysis_id = $1 AND a.id = t.analysis_id AND a.office_id = ANY($2::uuid[])`,
      [id, tx.officeIds],
    );
  }

  /**
   * The reasons of the founder's hand-overs, which can name the person. Only the transfers this
   * office sent or received: an earlier hop between two other offices is theirs to erase.
   */
  async eraseTransferReasons(tx: OfficeTx, founderId: string): Promise<void> {
    await tx.manager.query(
      `UPDATE case_transfer SET ${TRANSFER_TEXTS}
        WHERE founder_id = $1 AND (from_office_id = ANY($2::uuid[]) OR to_office_id = ANY($2::uuid[]))`,
      withPlaceholder(TRANSFER_TEXTS, '$3', [founderId, tx.officeIds]),
    );
  }

  /** Stored answers of idempotent retries can quote case and analysis texts. */
  async forgetStoredAnswers(tx: OfficeTx, founderId: string): Promise<void> {
    // Answers about a case without its founder's id (a recorded follow-up) go by the case id.
    await tx.manager.query(
      `DELETE FROM idempotent_request
        WHERE office_id = ANY($2::uuid[])
          AND (body->>'founderId' = $1::text
               OR body->>'caseId' IN (SELECT id::text FROM founder_case WHERE founder_id = $1::uuid))`,
      [founderId, tx.officeIds],
    );
  }

  async recordErasure(
    tx: OfficeTx,
    r: {
      founderId: string;
      officeId: string;
      actorType: string;
      actorId: string;
      requestId: string;
      counts: object;
    },
  ): Promise<void> {
    await tx.manager.query(
      `INSERT INTO erasure_record (founder_id, office_id, actor_type, actor_id, request_id, counts) VALUES ($1, $2, $3, $4, $5, $6)`,
      [r.founderId, r.officeId, r.actorType, r.actorId, r.requestId, JSON.stringify(r.counts)],
    );
  }

  /**
   * Everything stored about the person, as rows of each table (GDPR Art. 15). The row types are
   * what these statements select (pg gives timestamps as Date, serialised as ISO strings). Each
   * statement filters by the scope's office ids; access-log entries without an office are not
   * office data, the policy lets them through.
   */
  async everything(
    tx: OfficeTx,
    founderId: string,
  ): Promise<Omit<DataSubjectExportDto, 'generatedAt'>> {
    const one = <T>(sql: string) => tx.manager.query<T[]>(sql, [founderId, tx.officeIds]);
    const [founder] = await one<DataSubjectExportDto['founder']>(
      `SELECT * FROM founder WHERE id = $1 AND office_id = ANY($2::uuid[])`,
    );
    return {
      founder,
      cases: await one(
        `SELECT * FROM founder_case WHERE founder_id = $1 AND office_id = ANY($2::uuid[]) ORDER BY created_at`,
      ),
      phaseHistory: await one(
        `SELECT h.case_id, h.seq, h.at, h.event, h.from_phase, h.to_phase, h.from_status, h.to_status, h.payload,
                h.actor_type, h.actor_id, h.machine_version, h.hash, t.texts
           FROM case_history h JOIN founder_case c ON c.id = h.case_id
           LEFT JOIN case_history_text t ON t.case_id = h.case_id AND t.seq = h.seq
          WHERE c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) ORDER BY h.case_id, h.seq`,
      ),
      contacts: await one(
        `SELECT k.* FROM case_contact k JOIN founder_case c ON c.id = k.case_id
          WHERE c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) ORDER BY k."on"`,
      ),
      followUps: await one(
        `SELECT k.* FROM case_follow_up k JOIN founder_case c ON c.id = k.case_id
          WHERE c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) ORDER BY k.case_id, k."on", k.history_seq`,
      ),
      esfEntries: await one(
        `SELECT e.*, v.disability, v.minority, v.homeless_or_housing_exclusion
           FROM esf_entry e JOIN founder_case c ON c.id = e.case_id
           LEFT JOIN esf_voluntary v ON v.case_id = e.case_id AND v.office_id = ANY($2::uuid[])
          WHERE c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) AND e.office_id = ANY($2::uuid[]) ORDER BY e.case_id`,
      ),
      esfExits: await one(
        `SELECT x.* FROM esf_exit x JOIN founder_case c ON c.id = x.case_id
          WHERE c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) AND x.office_id = ANY($2::uuid[])
          ORDER BY x.case_id, x."on", x.created_at`,
      ),
      tasks: await one(
        `SELECT k.* FROM case_task k JOIN founder_case c ON c.id = k.case_id
          WHERE c.founder_id = $1 AND c.office_id = ANY($2::uuid[]) ORDER BY k.case_id, k.due_on, k.created_at`,
      ),
      resetAnalyses: await one(
        `SELECT * FROM reset_analysis WHERE founder_id = $1 AND office_id = ANY($2::uuid[]) ORDER BY created_at`,
      ),
      resetPeriods: await one(
        // Every column of the version; months as text[]: pg would make a date[] Date objects at local midnight.
        `SELECT v.id, v.analysis_id, v.period_start, v.version, v.period_end, v.kind, v.final_declaration_due_on,
                v.months::text[] AS months, v.created_by, v.created_at,
                (SELECT json_agg(json_build_object('period_version_id', l.period_version_id, 'month', l.month, 'code', l.code,
                                                  'cents', l.cents) ORDER BY l.month, l.code)
                   FROM reset_period_line l WHERE l.period_version_id = v.id) AS lines
           FROM reset_period_version v JOIN reset_analysis a ON a.id = v.analysis_id
          WHERE a.founder_id = $1 AND a.office_id = ANY($2::uuid[]) ORDER BY v.analysis_id, v.period_start, v.version`,
      ),
      resetHistory: await one(
        `SELECT h.analysis_id, h.seq, h.at, h.event, h.from_state, h.to_state, h.payload, h.actor_type, h.actor_id, t.texts
           FROM reset_history h JOIN reset_analysis a ON a.id = h.analysis_id
           LEFT JOIN reset_history_text t ON t.analysis_id = h.analysis_id AND t.seq = h.seq
          WHERE a.founder_id = $1 AND a.office_id = ANY($2::uuid[]) ORDER BY h.analysis_id, h.seq`,
      ),
      accessLog: await one(
        `SELECT l.at, l.actor_type, l.actor_id, l.resource_type, l.resource_id, l.action
           FROM access_log l
          WHERE (l.office_id IS NULL OR l.office_id = ANY($2::uuid[]))
            AND (l.resource_id = $1::text
             OR l.resource_id IN (SELECT id::text FROM founder_case WHERE founder_id = $1::uuid)
             OR l.resource_id IN (SELECT id::text FROM reset_analysis WHERE founder_id = $1::uuid))
          ORDER BY l.at`,
      ),
      erasures: await one(
        `SELECT erased_at, actor_type, actor_id FROM erasure_record WHERE founder_id = $1 AND office_id = ANY($2::uuid[])`,
      ),
    };
  }

  async founderOffice(tx: OfficeTx, founderId: string): Promise<string | null> {
    const rows: { office_id: string }[] = await tx.manager.query(
      `SELECT office_id FROM founder WHERE id = $1 AND office_id = ANY($2::uuid[])`,
      [founderId, tx.officeIds],
    );
    return rows[0]?.office_id ?? null;
  }
}
