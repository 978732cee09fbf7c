import { MigrationInterface, QueryRunner } from 'typeorm';

const METRICS = (extra: string[]) =>
  ['created', 'event', 'first_entry', 'drop_out', 'complete', 'step_back', 'pause', ...extra]
    .map((m) => `'${m}'`)
    .join(', ');

/** The founder_case columns whose change the milestone counts follow. */
const MILESTONE_COLUMNS = [
  'business_plan_completed_on',
  'viability_statement',
  'funding_applied_on',
  'funding_approved_on',
  'business_started_on',
  'main_occupation',
  'office_id',
];

/**
 * The funnel's milestone dates as daily counts too (src/reports/definitions/funnel.ts): reading
 * them from the cases cost most of the funnel's time at 1,000,000 cases (the viability date is in
 * a JSON column, so its range read visited the case rows). A trigger on the case keeps
 * report_day_count metric `milestone` in the writing transaction, with the key
 *   business_plan (business_plan_completed_on), viability_statement (viability_statement->>'issuedOn'),
 *   funding_applied (funding_applied_on), funding_approved (funding_approved_on),
 *   founding_main / founding_side / founding_unknown (business_started_on, by main_occupation true /
 *   false / null),
 * for the office holding the case (office_id) on the milestone's day, at the COMMIT (deferred, as
 * the other count triggers: see ReportCounts). A change of a date, of the
 * occupation or of the office (a hand-over) takes the old count back and adds the new one, so the
 * counts always equal a count over the cases as they are now (the property test in
 * test/reports-history.e2e-spec.ts changes dates and offices after the insert and compares).
 */
export class MilestoneCounts1764117200000 implements MigrationInterface {
  name = 'MilestoneCounts1764117200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_day_count DROP CONSTRAINT report_day_count_metric_check`);
    await q.query(`
      ALTER TABLE report_day_count ADD CONSTRAINT report_day_count_metric_check
        CHECK (metric IN (${METRICS(['milestone'])}))`);

    // A taken-back count is an UPDATE: an INSERT of n = -1 would fail the CHECK (n >= 0) before
    // ON CONFLICT is considered. It is always preceded by its increment (the trigger counted the
    // old value), so the row exists; greatest() keeps a bulk load without triggers from failing
    // a user's write.
    await q.query(`
      CREATE FUNCTION report_count_change(p_office uuid, p_day date, p_metric text, p_key text, p_delta integer)
      RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF p_delta < 0 THEN
          UPDATE report_day_count SET n = greatest(n + p_delta, 0)
           WHERE office_id = p_office AND day = p_day AND metric = p_metric AND key = p_key;
        ELSE
          INSERT INTO report_day_count (office_id, day, metric, key, n)
          VALUES (p_office, p_day, p_metric, p_key, p_delta)
          ON CONFLICT (office_id, day, metric, key) DO UPDATE SET n = report_day_count.n + p_delta;
        END IF;
      END $$`);
    await q.query(
      `REVOKE EXECUTE ON FUNCTION report_count_change(uuid, date, text, text, integer) FROM PUBLIC`,
    );

    // The milestones of one case row as (office, key, day): the one definition, used by the
    // trigger and by the backfill below.
    await q.query(`
      CREATE FUNCTION case_milestones(c founder_case)
      RETURNS TABLE (office_id uuid, key text, day date) LANGUAGE sql IMMUTABLE AS $$
        SELECT c.office_id, m.key, m.day
          FROM (VALUES
                  ('business_plan', c.business_plan_completed_on),
                  ('viability_statement', (c.viability_statement->>'issuedOn')::date),
                  ('funding_applied', c.funding_applied_on),
                  ('funding_approved', c.funding_approved_on),
                  (CASE WHEN c.main_occupation IS TRUE THEN 'founding_main'
                        WHEN c.main_occupation IS FALSE THEN 'founding_side'
                        ELSE 'founding_unknown' END, c.business_started_on)) AS m (key, day)
         WHERE m.day IS NOT NULL
      $$`);

    await q.query(`
      CREATE FUNCTION count_case_milestones() RETURNS trigger LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          PERFORM report_count_change(x.office_id, x.day, 'milestone', x.key, -1)
             FROM (SELECT * FROM case_milestones(OLD) EXCEPT SELECT * FROM case_milestones(NEW)) x;
          PERFORM report_count_change(x.office_id, x.day, 'milestone', x.key, 1)
             FROM (SELECT * FROM case_milestones(NEW) EXCEPT SELECT * FROM case_milestones(OLD)) x;
        ELSE
          PERFORM report_count_change(x.office_id, x.day, 'milestone', x.key, 1)
             FROM case_milestones(NEW) x;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER founder_case_milestone_count AFTER INSERT ON founder_case
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_case_milestones()`);
    // Only an UPDATE that names one of these columns can change a milestone (a phase change does not).
    await q.query(`
      CREATE CONSTRAINT TRIGGER founder_case_milestone_recount AFTER UPDATE OF ${MILESTONE_COLUMNS.join(', ')}
      ON founder_case DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_case_milestones()`);

    // The funnel reads a few metrics of an office over a range of days: per metric, an index-only
    // range with the count in the index (the primary key leads with the day and needs the heap).
    await q.query(
      `CREATE INDEX report_day_count_by_metric ON report_day_count (office_id, metric, day, key) INCLUDE (n)`,
    );

    // Existing cases, with the same definition (row-level security off for the owner's read).
    await q.query(`ALTER TABLE founder_case DISABLE ROW LEVEL SECURITY`);
    await q.query(`
      INSERT INTO report_day_count (office_id, day, metric, key, n)
      SELECT m.office_id, m.day, 'milestone', m.key, count(*)::integer
        FROM founder_case c CROSS JOIN LATERAL case_milestones(c) m
       GROUP BY 1, 2, 4`);
    await q.query(`ALTER TABLE founder_case ENABLE ROW LEVEL SECURITY`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX report_day_count_by_metric`);
    await q.query(`DROP TRIGGER founder_case_milestone_recount ON founder_case`);
    await q.query(`DROP TRIGGER founder_case_milestone_count ON founder_case`);
    await q.query(`DROP FUNCTION count_case_milestones()`);
    await q.query(`DROP FUNCTION case_milestones(founder_case)`);
    await q.query(`DROP FUNCTION report_count_change(uuid, date, text, text, integer)`);
    await q.query(`DELETE FROM report_day_count WHERE metric = 'milestone'`);
    await q.query(`ALTER TABLE report_day_count DROP CONSTRAINT report_day_count_metric_check`);
    await q.query(`
      ALTER TABLE report_day_count ADD CONSTRAINT report_day_count_metric_check
        CHECK (metric IN (${METRICS([])}))`);
  }
}
