import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RE_SET as-is analyses of self-employed founders on SGB II: the analysis with its lifecycle
 * snapshot, the EKS income declarations as kept versions with their lines in integer cents, the
 * append-only lifecycle history (free texts apart in an erasable table) and the link from a case
 * to the analysis that restarted it.
 */
export class ResetAnalyses1764115500000 implements MigrationInterface {
  name = 'ResetAnalyses1764115500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reset_analysis (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        office_id uuid NOT NULL REFERENCES office (id),
        founder_id uuid NOT NULL REFERENCES founder (id),
        state text NOT NULL
          CHECK (state IN ('intake', 'analysis', 'assessed', 'recommended', 'decided', 'cancelled')),
        machine_version integer NOT NULL,
        snapshot jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        business jsonb NOT NULL CHECK (jsonb_typeof(business) = 'object'),
        household_members jsonb NOT NULL CHECK (jsonb_typeof(household_members) = 'array'),
        extra_needs_monthly_cents integer NOT NULL CHECK (extra_needs_monthly_cents >= 0),
        housing_costs_monthly_cents integer NOT NULL CHECK (housing_costs_monthly_cents >= 0),
        other_income_monthly_cents integer NOT NULL CHECK (other_income_monthly_cents >= 0),
        assessment jsonb CHECK (assessment IS NULL OR jsonb_typeof(assessment) = 'object'),
        case_id uuid REFERENCES founder_case (id),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The list pages by (updated_at, id) within an office.
    await q.query(
      `CREATE INDEX reset_analysis_office_updated_idx ON reset_analysis (office_id, updated_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX reset_analysis_founder_idx ON reset_analysis (founder_id)`);

    // One row per version of one EKS period; the highest version per period_start counts. Months
    // are first days of months; their lines hang below.
    await q.query(`
      CREATE TABLE reset_period_version (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        analysis_id uuid NOT NULL REFERENCES reset_analysis (id),
        period_start date NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        period_end date NOT NULL CHECK (period_end >= period_start),
        kind text NOT NULL CHECK (kind IN ('provisional', 'final')),
        final_declaration_due_on date,
        months date[] NOT NULL CHECK (cardinality(months) BETWEEN 1 AND 6),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (analysis_id, period_start, version)
      )`);
    await q.query(`
      CREATE TABLE reset_period_line (
        period_version_id uuid NOT NULL REFERENCES reset_period_version (id),
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        code text NOT NULL CHECK (code ~ '^[ABC][0-9]{1,2}(_[0-9])?$'),
        cents integer NOT NULL CHECK (cents >= 0),
        PRIMARY KEY (period_version_id, month, code)
      )`);
    // Versions are kept as filed: a correction is a new version, never an edit.
    for (const table of ['reset_period_version', 'reset_period_line']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }

    await q.query(`
      CREATE TABLE reset_history (
        id bigserial PRIMARY KEY,
        analysis_id uuid NOT NULL REFERENCES reset_analysis (id),
        seq integer NOT NULL CHECK (seq >= 1),
        at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
        actor_id uuid,
        event text NOT NULL,
        from_state text NOT NULL,
        to_state text NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}',
        machine_version integer NOT NULL,
        UNIQUE (analysis_id, seq)
      )`);
    await q.query(`
      CREATE TRIGGER reset_history_append_only BEFORE UPDATE OR DELETE ON reset_history
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TRIGGER reset_history_no_truncate BEFORE TRUNCATE ON reset_history
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    // Notes and reasons: personal free text, erasable on request while the history row stays.
    await q.query(`
      CREATE TABLE reset_history_text (
        analysis_id uuid NOT NULL REFERENCES reset_analysis (id),
        seq integer NOT NULL,
        texts jsonb NOT NULL,
        PRIMARY KEY (analysis_id, seq)
      )`);

    await q.query(
      `ALTER TABLE founder_case ADD COLUMN reset_analysis_id uuid REFERENCES reset_analysis (id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE founder_case DROP COLUMN reset_analysis_id`);
    await q.query(`DROP TABLE reset_history_text`);
    await q.query(`DROP TABLE reset_history`);
    await q.query(`DROP TABLE reset_period_line`);
    await q.query(`DROP TABLE reset_period_version`);
    await q.query(`DROP TABLE reset_analysis`);
  }
}
