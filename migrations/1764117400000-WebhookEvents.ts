import { MigrationInterface, QueryRunner } from 'typeorm';

const IN_SCOPE = `office_id = ANY ((SELECT lotse_office_ids())::uuid[])`;

/**
 * The sources of the webhook events (src/webhooks/webhook-events.ts is their contract): triggers
 * that call webhook_enqueue (migration 1764117300000-Webhooks) in the transaction of the change,
 * so that no write path can forget an event, a rolled-back change enqueues nothing, and a
 * transition pays no extra round trip.
 *
 * - `case.created`: founder_case INSERT.
 * - `case.phase_changed`: case_history INSERT whose to_phase differs from its from_phase (a new
 *   case's first phase is case.created's, not a change).
 * - `case.closed`: case_history INSERT into status closed from another status.
 * - `case.transferred`: founder_case UPDATE that changes office_id (a hand-over's acceptance),
 *   to both offices, with the accepted case_transfer that moved it.
 * - `reset.decided`: reset_history INSERT into state decided (the DECIDE), with the code of the
 *   analysis's recommendation (its RECOMMEND row's payload).
 * - `export.completed`: export_manifest INSERT, to each office the export covered.
 * - `task.due` has no row to hang on (derived tasks are computed, never stored): the service's
 *   announcer (src/webhooks/events/task-due-announcer.ts) derives them and writes a marker in
 *   webhook_task_due with each announcement, so that a task's due day is announced once.
 *
 * The triggers are immediate AFTER ROW triggers, not deferred: they insert new outbox rows and take
 * no shared lock (unlike the report counts), and a phase change's event carries the version its
 * own statement wrote, which a trigger at the COMMIT would not see when one transaction changes a
 * case twice (a RE_SET restart of a new case). They run as the caller (not SECURITY DEFINER): what
 * they read (the case, the analysis, the transfer) is in the scope of the change that fires them;
 * webhook_enqueue itself writes as its owner.
 *
 * Data: ids, codes, numbers, dates only; never a name or a free text (the texts of history rows
 * live in *_history_text and are never read here).
 */
export class WebhookEvents1764117400000 implements MigrationInterface {
  name = 'WebhookEvents1764117400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION webhook_case_created() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM webhook_enqueue(NEW.office_id, 'case.created', NEW.id::text, jsonb_build_object(
          'caseId', NEW.id, 'officeId', NEW.office_id, 'founderId', NEW.founder_id, 'phase', NEW.phase));
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER founder_case_webhook_created AFTER INSERT ON founder_case
      FOR EACH ROW EXECUTE FUNCTION webhook_case_created()`);

    // The version: the case row as its transition's statement left it (an AFTER trigger sees the
    // statement's own UPDATE of founder_case, written in the same statement as this history row).
    await q.query(`
      CREATE FUNCTION webhook_case_history() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        v integer;
      BEGIN
        SELECT c.version INTO v FROM founder_case c WHERE c.id = NEW.case_id;
        IF NEW.from_phase IS NOT NULL AND NEW.from_phase <> NEW.to_phase THEN
          PERFORM webhook_enqueue(NEW.office_id, 'case.phase_changed', NEW.case_id::text, jsonb_build_object(
            'caseId', NEW.case_id, 'officeId', NEW.office_id, 'fromPhase', NEW.from_phase,
            'toPhase', NEW.to_phase, 'event', NEW.event, 'version', v));
        END IF;
        IF NEW.to_status = 'closed' AND NEW.from_status IS DISTINCT FROM 'closed' THEN
          PERFORM webhook_enqueue(NEW.office_id, 'case.closed', NEW.case_id::text, jsonb_build_object(
            'caseId', NEW.case_id, 'officeId', NEW.office_id, 'phase', NEW.to_phase, 'event', NEW.event,
            'code', COALESCE(NEW.payload->>'outcome', NEW.payload->>'reasonCode'), 'version', v));
        END IF;
        RETURN NULL;
      END $$`);
    // WHEN: the other history rows (PAUSE, RESUME, TRANSFER, FOLLOW_UP, …) do not call the function.
    await q.query(`
      CREATE TRIGGER case_history_webhook AFTER INSERT ON case_history
      FOR EACH ROW
      WHEN ((NEW.from_phase IS NOT NULL AND NEW.from_phase <> NEW.to_phase)
            OR (NEW.to_status = 'closed' AND NEW.from_status IS DISTINCT FROM 'closed'))
      EXECUTE FUNCTION webhook_case_history()`);

    // The transfer: the accepted one of this founder between these offices, decided in this
    // transaction before the move (TransfersService.accept); the latest, should there be several.
    await q.query(`
      CREATE FUNCTION webhook_case_transferred() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        transfer uuid;
        data jsonb;
      BEGIN
        SELECT t.id INTO transfer FROM case_transfer t
         WHERE t.founder_id = NEW.founder_id AND t.state = 'accepted'
           AND t.from_office_id = OLD.office_id AND t.to_office_id = NEW.office_id
         ORDER BY t.decided_at DESC LIMIT 1;
        data := jsonb_build_object('caseId', NEW.id, 'transferId', transfer,
          'fromOfficeId', OLD.office_id, 'toOfficeId', NEW.office_id);
        PERFORM webhook_enqueue(OLD.office_id, 'case.transferred', NEW.id::text, data);
        PERFORM webhook_enqueue(NEW.office_id, 'case.transferred', NEW.id::text, data);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER founder_case_webhook_transferred AFTER UPDATE OF office_id ON founder_case
      FOR EACH ROW WHEN (OLD.office_id IS DISTINCT FROM NEW.office_id)
      EXECUTE FUNCTION webhook_case_transferred()`);

    // The recommendation's code from its RECOMMEND row (codes only, as written into the chain);
    // the snapshot's copy should a row lack it. The case: the one an accepted restart_with_coaching
    // restarted (the DECIDE's payload), or the analysis's linked case.
    await q.query(`
      CREATE FUNCTION webhook_reset_decided() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        a record;
        recommended text;
      BEGIN
        SELECT r.case_id, r.snapshot #>> '{context,recommendation,recommendation}' AS recommendation
          INTO a FROM reset_analysis r WHERE r.id = NEW.analysis_id;
        SELECT h.payload->>'recommendation' INTO recommended FROM reset_history h
         WHERE h.analysis_id = NEW.analysis_id AND h.event = 'RECOMMEND' ORDER BY h.seq DESC LIMIT 1;
        PERFORM webhook_enqueue(NEW.office_id, 'reset.decided',
          COALESCE(NEW.payload->>'caseId', a.case_id::text, NEW.analysis_id::text), jsonb_build_object(
            'analysisId', NEW.analysis_id, 'officeId', NEW.office_id,
            'caseId', COALESCE((NEW.payload->>'caseId')::uuid, a.case_id),
            'recommendation', COALESCE(recommended, a.recommendation),
            'accepted', (NEW.payload->>'accepted')::boolean));
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER reset_history_webhook AFTER INSERT ON reset_history
      FOR EACH ROW WHEN (NEW.to_state = 'decided' AND NEW.from_state <> 'decided')
      EXECUTE FUNCTION webhook_reset_decided()`);

    await q.query(`
      CREATE FUNCTION webhook_export_completed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        office uuid;
      BEGIN
        FOREACH office IN ARRAY NEW.office_ids LOOP
          PERFORM webhook_enqueue(office, 'export.completed', NEW.id::text, jsonb_build_object(
            'exportId', NEW.id, 'officeId', office, 'kind', NEW.manifest->>'kind',
            'format', NEW.manifest->>'format', 'rowCount', (NEW.manifest->>'rowCount')::integer));
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER export_manifest_webhook AFTER INSERT ON export_manifest
      FOR EACH ROW EXECUTE FUNCTION webhook_export_completed()`);

    // A derived task's due day announced: one row per (task, due day), written in the statement
    // that enqueues the announcement, so two instances announce it once; a due date that moves
    // and comes again is a new row.
    await q.query(`
      CREATE TABLE webhook_task_due (
        office_id uuid NOT NULL REFERENCES office (id),
        task_id text NOT NULL,
        due_on date NOT NULL,
        announced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (office_id, task_id, due_on)
      )`);
    await q.query(
      `ALTER TABLE webhook_task_due ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`,
    );
    await q.query(
      `CREATE POLICY office_scope ON webhook_task_due USING (${IN_SCOPE}) WITH CHECK (${IN_SCOPE})`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_task_due`);
    await q.query(`DROP TRIGGER export_manifest_webhook ON export_manifest`);
    await q.query(`DROP FUNCTION webhook_export_completed()`);
    await q.query(`DROP TRIGGER reset_history_webhook ON reset_history`);
    await q.query(`DROP FUNCTION webhook_reset_decided()`);
    await q.query(`DROP TRIGGER founder_case_webhook_transferred ON founder_case`);
    await q.query(`DROP FUNCTION webhook_case_transferred()`);
    await q.query(`DROP TRIGGER case_history_webhook ON case_history`);
    await q.query(`DROP FUNCTION webhook_case_history()`);
    await q.query(`DROP TRIGGER founder_case_webhook_created ON founder_case`);
    await q.query(`DROP FUNCTION webhook_case_created()`);
  }
}
