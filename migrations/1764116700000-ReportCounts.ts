import { MigrationInterface, QueryRunner } from 'typeorm';

const IN_SCOPE = `office_id = ANY ((SELECT lotse_office_ids())::uuid[])`;

/** The forward events: each one enters the next phase (src/phase-model). */
const FORWARD = `('START_COUNSELLING', 'START_PLANNING', 'LAUNCH', 'START_CONSOLIDATION')`;

/**
 * Daily counts for the office reports (src/reports), kept in the writing transaction by triggers,
 * so that no code path can write a case or a history row without counting it, and a report over
 * years reads a few thousand count rows instead of millions of history rows.
 *
 * report_day_count(office_id, day, metric, key, n): n things of `metric` (with `key`) happened on
 * `day` (Europe/Berlin) in `office_id`, the office that held the case then. The metrics:
 * - `created`, key '': a case was opened (founder_case INSERT); office = the opening office.
 * - `event`, key = the history event: a case_history row (any event, TRANSFER and FOLLOW_UP too);
 *   office = written_office_id, day = the row's `at`.
 * - `first_entry`, key = the phase: the case's first forward event into that phase (START_COUNSELLING,
 *   START_PLANNING, LAUNCH, START_CONSOLIDATION; an earlier row of the same case with the same event
 *   makes a later one not the first, so a case counts once per phase, ever).
 * - `drop_out`, key = the reason code of a DROP_OUT.
 * - `complete`, key = the outcome of a COMPLETE.
 * - `step_back`, key = the phase a STEP_BACK left.
 * - `pause`, key = the phase a PAUSE happened in.
 *
 * The same definitions, as one query over the history, fill the table for existing data below and
 * are the reference the property test compares the counts with (test/reports-*.e2e-spec.ts).
 *
 * founder_case.created_office_id: the office that opened the case (a hand-over changes office_id,
 * never this), so that an auditor can recompute `created` from the cases.
 *
 * The count triggers are deferred to the COMMIT: one office's transitions of a day all add to
 * the same count rows, and an upsert's row lock is held to the end of its transaction, so counting
 * at the write serialised every concurrent transition of an office (measured: 2,046 -> 353 SQL
 * transactions/s with 32 clients); counted at the COMMIT, the lock lasts only the commit itself.
 *
 * The request role may only read the counts (row-level security by office as everywhere); the
 * trigger functions write them as the owner (SECURITY DEFINER), through a policy for the owner.
 */
export class ReportCounts1764116700000 implements MigrationInterface {
  name = 'ReportCounts1764116700000';

  async up(q: QueryRunner): Promise<void> {
    // The backfills read every office's rows: a migrating owner that is no superuser is bound by
    // the forced row-level security, so it is off for them.
    await q.query(`ALTER TABLE founder_case DISABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE case_history DISABLE ROW LEVEL SECURITY`);
    await q.query(
      `ALTER TABLE founder_case ADD COLUMN created_office_id uuid REFERENCES office (id)`,
    );
    await q.query(`
      UPDATE founder_case c
         SET created_office_id = COALESCE(
               (SELECT h.written_office_id FROM case_history h WHERE h.case_id = c.id ORDER BY h.seq LIMIT 1),
               c.office_id)`);
    await q.query(`
      CREATE FUNCTION fill_created_office() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.created_office_id := NEW.office_id;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER founder_case_created_office BEFORE INSERT ON founder_case
      FOR EACH ROW EXECUTE FUNCTION fill_created_office()`);
    await q.query(`ALTER TABLE founder_case ALTER COLUMN created_office_id SET NOT NULL`);

    await q.query(`
      CREATE TABLE report_day_count (
        office_id uuid NOT NULL REFERENCES office (id),
        day date NOT NULL,
        metric text NOT NULL
          CHECK (metric IN ('created', 'event', 'first_entry', 'drop_out', 'complete', 'step_back', 'pause')),
        key text NOT NULL,
        n integer NOT NULL CHECK (n >= 0),
        PRIMARY KEY (office_id, day, metric, key)
      )`);
    await q.query(
      `ALTER TABLE report_day_count ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`,
    );
    await q.query(`CREATE POLICY office_scope ON report_day_count FOR SELECT USING (${IN_SCOPE})`);
    await q.query(`
      CREATE POLICY count_writer ON report_day_count FOR ALL TO CURRENT_USER
        USING (true) WITH CHECK (true)`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON report_day_count FROM lotse_app`);

    await q.query(`
      CREATE FUNCTION report_count_add(p_office uuid, p_day date, p_metric text, p_key text)
      RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
        INSERT INTO report_day_count (office_id, day, metric, key, n)
        VALUES (p_office, p_day, p_metric, p_key, 1)
        ON CONFLICT (office_id, day, metric, key) DO UPDATE SET n = report_day_count.n + 1
      $$`);
    await q.query(
      `REVOKE EXECUTE ON FUNCTION report_count_add(uuid, date, text, text) FROM PUBLIC`,
    );

    await q.query(`
      CREATE FUNCTION count_case_created() RETURNS trigger LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        PERFORM report_count_add(NEW.created_office_id, (NEW.created_at AT TIME ZONE 'Europe/Berlin')::date, 'created', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER founder_case_count AFTER INSERT ON founder_case
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_case_created()`);

    await q.query(`
      CREATE FUNCTION count_case_history() RETURNS trigger LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        d date := (NEW.at AT TIME ZONE 'Europe/Berlin')::date;
        o uuid := NEW.written_office_id;
      BEGIN
        PERFORM report_count_add(o, d, 'event', NEW.event);
        IF NEW.event IN ${FORWARD} AND NOT EXISTS (
             SELECT 1 FROM case_history e WHERE e.case_id = NEW.case_id AND e.seq < NEW.seq AND e.event = NEW.event) THEN
          PERFORM report_count_add(o, d, 'first_entry', NEW.to_phase);
        ELSIF NEW.event = 'DROP_OUT' THEN
          PERFORM report_count_add(o, d, 'drop_out', COALESCE(NEW.payload->>'reasonCode', 'other'));
        ELSIF NEW.event = 'COMPLETE' THEN
          PERFORM report_count_add(o, d, 'complete', COALESCE(NEW.payload->>'outcome', 'other'));
        ELSIF NEW.event = 'STEP_BACK' THEN
          PERFORM report_count_add(o, d, 'step_back', NEW.from_phase);
        ELSIF NEW.event = 'PAUSE' THEN
          PERFORM report_count_add(o, d, 'pause', NEW.to_phase);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER case_history_count AFTER INSERT ON case_history
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_case_history()`);

    // Existing data: the same definitions as one query (also the tests' reference, see above).
    await q.query(
      `INSERT INTO report_day_count (office_id, day, metric, key, n) ${REPORT_COUNTS_SQL}`,
    );
    await q.query(`ALTER TABLE founder_case ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE case_history ENABLE ROW LEVEL SECURITY`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER case_history_count ON case_history`);
    await q.query(`DROP TRIGGER founder_case_count ON founder_case`);
    await q.query(`DROP FUNCTION count_case_history()`);
    await q.query(`DROP FUNCTION count_case_created()`);
    await q.query(`DROP FUNCTION report_count_add(uuid, date, text, text)`);
    await q.query(`DROP TABLE report_day_count`);
    await q.query(`DROP TRIGGER founder_case_created_office ON founder_case`);
    await q.query(`DROP FUNCTION fill_created_office()`);
    await q.query(`ALTER TABLE founder_case DROP COLUMN created_office_id`);
  }
}

/**
 * The daily counts recomputed from the cases and the history: (office_id, day, metric, key, n).
 * Frozen with this migration (a migration runs no application code); the tests keep their own copy
 * of the reference in test/support.
 */
const REPORT_COUNTS_SQL = `
  WITH h AS (
    SELECT h.*, (h.at AT TIME ZONE 'Europe/Berlin')::date AS day,
           row_number() OVER (PARTITION BY h.case_id, h.event ORDER BY h.seq) AS nth
      FROM case_history h),
  facts AS (
    SELECT created_office_id AS office_id, (created_at AT TIME ZONE 'Europe/Berlin')::date AS day,
           'created' AS metric, '' AS key
      FROM founder_case
    UNION ALL SELECT written_office_id, day, 'event', event FROM h
    UNION ALL SELECT written_office_id, day, 'first_entry', to_phase FROM h
     WHERE event IN ${FORWARD} AND nth = 1
    UNION ALL SELECT written_office_id, day, 'drop_out', COALESCE(payload->>'reasonCode', 'other') FROM h
     WHERE event = 'DROP_OUT'
    UNION ALL SELECT written_office_id, day, 'complete', COALESCE(payload->>'outcome', 'other') FROM h
     WHERE event = 'COMPLETE'
    UNION ALL SELECT written_office_id, day, 'step_back', from_phase FROM h WHERE event = 'STEP_BACK'
    UNION ALL SELECT written_office_id, day, 'pause', to_phase FROM h WHERE event = 'PAUSE')
  SELECT office_id, day, metric, key, count(*)::integer FROM facts GROUP BY 1, 2, 3, 4`;
