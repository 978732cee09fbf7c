import { MigrationInterface, QueryRunner } from 'typeorm';

const OFFICE_SCOPE = `office_id = ANY ((SELECT lotse_office_ids())::uuid[])`;

/** The ESF result categories of a follow-up (src/follow-ups). */
const SITUATIONS = `'employed', 'job_searching', 'education_or_training', 'inactive', 'unknown'`;

/**
 * The advisor's desk: what the derived tasks (src/tasks) read besides the cases, and what the
 * desk writes.
 *
 * - office_settings: an office's offsets and thresholds, one row per office once a lead has set
 *   them; no row means the defaults, which live in one place (src/office-settings/defaults.ts).
 * - founder_case gains the dates the deadlines come from: the SGB II benefit period and its final
 *   income declaration, the approved funding period (Einstiegsgeld), and exited_on, the day the
 *   case was completed or dropped out (kept by the one transition write; filled here from the
 *   history for cases closed before).
 * - founder.follow_up_consent_on: the 6-month follow-up is voluntary and needs consent.
 * - case_follow_up: the person's situation after exit, written with its history row.
 * - case_task: manual tasks (Wiedervorlage); the title is free text, cleared by an erasure.
 * - feed_token: a user's calendar feed tokens, hashed like API keys. Not under row-level security:
 *   it is read before any office is known (like api_key) and holds no social data.
 */
export class AdvisorDesk1764116400000 implements MigrationInterface {
  name = 'AdvisorDesk1764116400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE office_settings (
        office_id uuid PRIMARY KEY REFERENCES office (id),
        eks_final_offset_months integer NOT NULL CHECK (eks_final_offset_months BETWEEN 0 AND 12),
        funding_lead_days integer NOT NULL CHECK (funding_lead_days BETWEEN 1 AND 180),
        einstiegsgeld_warning_days integer NOT NULL CHECK (einstiegsgeld_warning_days BETWEEN 1 AND 365),
        stale_days jsonb NOT NULL,
        current_consent_version text,
        consent_version_since date,
        case_url_template text,
        analysis_url_template text,
        version integer NOT NULL DEFAULT 1,
        updated_by uuid REFERENCES app_user (id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      ALTER TABLE founder_case
        ADD COLUMN benefit_period_ends_on date,
        ADD COLUMN final_income_declared_on date,
        ADD COLUMN funding_starts_on date,
        ADD COLUMN funding_ends_on date,
        ADD COLUMN exited_on date,
        ADD CONSTRAINT founder_case_funding_period CHECK (funding_ends_on IS NULL OR funding_starts_on IS NULL OR funding_ends_on >= funding_starts_on)`);
    await q.query(`
      UPDATE founder_case c SET exited_on = (
        SELECT (h.at AT TIME ZONE 'Europe/Berlin')::date FROM case_history h
         WHERE h.case_id = c.id AND h.to_status = 'closed'
           AND h.from_status IS DISTINCT FROM 'closed'
         ORDER BY h.seq DESC LIMIT 1)
       WHERE c.status = 'closed'`);

    await q.query(`ALTER TABLE founder ADD COLUMN follow_up_consent_on date`);

    await q.query(`
      CREATE TABLE case_follow_up (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        office_id uuid NOT NULL REFERENCES office (id),
        case_id uuid NOT NULL REFERENCES founder_case (id),
        history_seq integer NOT NULL,
        "on" date NOT NULL,
        situation text NOT NULL CHECK (situation IN (${SITUATIONS})),
        still_self_employed boolean NOT NULL,
        note text,
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (case_id, history_seq)
      )`);
    await q.query(`CREATE INDEX case_follow_up_case ON case_follow_up (case_id, "on")`);

    await q.query(`
      CREATE TABLE case_task (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        office_id uuid NOT NULL REFERENCES office (id),
        case_id uuid NOT NULL REFERENCES founder_case (id),
        title text,
        due_on date NOT NULL,
        assignee_id uuid REFERENCES app_user (id),
        done_at timestamptz,
        done_by uuid REFERENCES app_user (id),
        version integer NOT NULL DEFAULT 1,
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX case_task_open ON case_task (office_id, due_on, id) WHERE done_at IS NULL`,
    );
    await q.query(`CREATE INDEX case_task_case ON case_task (case_id)`);

    await q.query(`
      CREATE TABLE feed_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user (id),
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        token_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX feed_token_user ON feed_token (user_id)`);

    for (const table of ['office_settings', 'case_follow_up', 'case_task']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY office_scope ON ${table} USING (${OFFICE_SCOPE}) WITH CHECK (${OFFICE_SCOPE})`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE feed_token`);
    await q.query(`DROP TABLE case_task`);
    await q.query(`DROP TABLE case_follow_up`);
    await q.query(`ALTER TABLE founder DROP COLUMN follow_up_consent_on`);
    await q.query(`
      ALTER TABLE founder_case
        DROP CONSTRAINT founder_case_funding_period,
        DROP COLUMN exited_on,
        DROP COLUMN funding_ends_on,
        DROP COLUMN funding_starts_on,
        DROP COLUMN final_income_declared_on,
        DROP COLUMN benefit_period_ends_on`);
    await q.query(`DROP TABLE office_settings`);
  }
}
