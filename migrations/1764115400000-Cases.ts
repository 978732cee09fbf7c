import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Founder cases on the 4+1 phase model, their append-only phase history (free texts kept apart in
 * an erasable table), counselling contacts and stored answers for Idempotency-Key retries.
 */
export class Cases1764115400000 implements MigrationInterface {
  name = 'Cases1764115400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE founder_case (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        office_id uuid NOT NULL REFERENCES office (id),
        founder_id uuid NOT NULL REFERENCES founder (id),
        advisor_id uuid REFERENCES app_user (id),
        phase text NOT NULL CHECK (phase IN ('access', 'first_counselling', 'planning', 'launch', 'consolidation')),
        status text NOT NULL CHECK (status IN ('active', 'paused', 'closed')),
        machine_version integer NOT NULL,
        state jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        phase_entered_at timestamptz NOT NULL DEFAULT now(),
        business_idea text,
        sector text,
        legal_form text CHECK (legal_form IN ('sole_proprietorship', 'freelance', 'gbr', 'ug', 'gmbh', 'other')),
        funding_route text CHECK (funding_route IN ('einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c', 'none', 'other')),
        channel text CHECK (channel IN ('jobcenter_referral', 'migrant_organisation', 'event', 'self', 'other')),
        contact_language text,
        main_occupation boolean,
        coaching boolean NOT NULL DEFAULT false,
        first_counselling_scheduled_on date,
        suitability jsonb,
        business_plan_completed_on date,
        finance_plan_completed_on date,
        viability_statement jsonb,
        funding_applied_on date,
        funding_approved_on date,
        planned_start_on date,
        permits_required boolean,
        permits_obtained_on date,
        business_started_on date,
        trade_registered_on date,
        tax_registered_on date,
        provisional_income_declared_on date,
        follow_up_on date,
        outcome text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The list endpoint pages by (updated_at, id) within an office, optionally by phase.
    await q.query(`CREATE INDEX founder_case_office_updated_idx ON founder_case (office_id, updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX founder_case_office_phase_updated_idx ON founder_case (office_id, phase, updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX founder_case_founder_idx ON founder_case (founder_id)`);
    await q.query(`CREATE INDEX founder_case_advisor_idx ON founder_case (advisor_id)`);

    await q.query(`
      CREATE TABLE case_history (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES founder_case (id),
        seq integer NOT NULL CHECK (seq >= 1),
        at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
        actor_id uuid,
        event text NOT NULL,
        from_phase text,
        to_phase text NOT NULL,
        from_status text,
        to_status text NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}',
        machine_version integer NOT NULL,
        UNIQUE (case_id, seq)
      )`);
    await q.query(`
      CREATE TRIGGER case_history_append_only BEFORE UPDATE OR DELETE ON case_history
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TRIGGER case_history_no_truncate BEFORE TRUNCATE ON case_history
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);

    // Reasons and notes of history rows: personal free text, erasable on request (GDPR Art. 17)
    // while the history row itself stays.
    await q.query(`
      CREATE TABLE case_history_text (
        case_id uuid NOT NULL REFERENCES founder_case (id),
        seq integer NOT NULL,
        texts jsonb NOT NULL,
        PRIMARY KEY (case_id, seq)
      )`);

    await q.query(`
      CREATE TABLE case_contact (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES founder_case (id),
        office_id uuid NOT NULL REFERENCES office (id),
        "on" date NOT NULL,
        minutes integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
        format text NOT NULL CHECK (format IN ('in_person', 'phone', 'video', 'email')),
        kind text NOT NULL CHECK (kind IN ('first_counselling', 'counselling', 'coaching', 'workshop', 'other')),
        topics text[] NOT NULL DEFAULT '{}',
        language text,
        interpreter boolean NOT NULL DEFAULT false,
        notes text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_contact_case_idx ON case_contact (case_id, "on" DESC)`);

    await q.query(`
      CREATE TABLE idempotent_request (
        actor_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status integer NOT NULL,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (actor_id, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotent_request`);
    await q.query(`DROP TABLE case_contact`);
    await q.query(`DROP TABLE case_history_text`);
    await q.query(`DROP TABLE case_history`);
    await q.query(`DROP TABLE founder_case`);
  }
}
