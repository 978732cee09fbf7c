import { MigrationInterface, QueryRunner } from 'typeorm';

const IN_SCOPE = (column: string) => `${column} = ANY ((SELECT lotse_office_ids())::uuid[])`;

/** The histories whose rows keep counting for the office that wrote them after a hand-over. */
const WRITTEN_HISTORIES = ['case_history', 'reset_history'];

/** The append-only tables whose office_id moves with a hand-over (nothing else of a row may change). */
const APPEND_ONLY_MOVING = [
  'case_history',
  'reset_history',
  'reset_period_version',
  'reset_period_line',
];

/**
 * Hand-over of a case between offices (src/transfers): a transfer is requested by the sending
 * office and accepted or declined by the receiving office's lead. Both offices see the transfer
 * row; until it is decided the founder (all of their cases and analyses) is read-only for both.
 *
 * - case_transfer.founder_id: acceptance moves the founder with every case and analysis, so the
 *   open transfer is one per founder (the partial unique index), and the read-only check asks it.
 *   case_phase/case_status: what the receiving office may see of the case before it holds it.
 * - written_office_id on the two histories: the office that held the record when the row was
 *   written. It never changes (a BEFORE INSERT trigger fills it from office_id when not given), and
 *   a second SELECT policy lets that office keep reading (counting, exporting) the rows it wrote,
 *   pseudonymous as they are; their texts move with the record (case_history_text's own policy).
 * - The append-only triggers of the moving tables refuse every UPDATE except one that changes only
 *   office_id (which no hash covers), and every DELETE, as before.
 */
export class CaseTransfers1764116500000 implements MigrationInterface {
  name = 'CaseTransfers1764116500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_transfer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES founder_case (id),
        founder_id uuid NOT NULL REFERENCES founder (id),
        from_office_id uuid NOT NULL REFERENCES office (id),
        to_office_id uuid NOT NULL REFERENCES office (id) CHECK (to_office_id <> from_office_id),
        reason text NOT NULL,
        case_phase text NOT NULL,
        case_status text NOT NULL,
        state text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'accepted', 'declined')),
        requested_by uuid REFERENCES app_user (id),
        requested_at timestamptz NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES app_user (id),
        decided_at timestamptz,
        decision_reason text,
        CHECK ((state = 'requested') = (decided_at IS NULL))
      )`);
    // At most one open transfer per founder: acceptance moves all of the founder's cases.
    await q.query(
      `CREATE UNIQUE INDEX case_transfer_open ON case_transfer (founder_id) WHERE state = 'requested'`,
    );
    await q.query(
      `CREATE INDEX case_transfer_outgoing ON case_transfer (from_office_id, requested_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX case_transfer_incoming ON case_transfer (to_office_id, requested_at DESC, id DESC)`,
    );
    const scope = `${IN_SCOPE('from_office_id')} OR ${IN_SCOPE('to_office_id')}`;
    await q.query(`ALTER TABLE case_transfer ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY office_scope ON case_transfer USING (${scope}) WITH CHECK (${scope})`,
    );

    await q.query(`
      CREATE FUNCTION fill_written_office() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.written_office_id := COALESCE(NEW.written_office_id, NEW.office_id);
        RETURN NEW;
      END $$`);
    for (const table of WRITTEN_HISTORIES) {
      await q.query(
        `ALTER TABLE ${table} ADD COLUMN written_office_id uuid REFERENCES office (id)`,
      );
      // Fills the new column; the append-only triggers would refuse it, and nothing hashed changes.
      await q.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await q.query(`UPDATE ${table} SET written_office_id = office_id`);
      await q.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN written_office_id SET NOT NULL`);
      await q.query(`
        CREATE TRIGGER ${table}_written_office BEFORE INSERT ON ${table}
        FOR EACH ROW EXECUTE FUNCTION fill_written_office()`);
      await q.query(
        `CREATE POLICY written_by ON ${table} FOR SELECT USING (${IN_SCOPE('written_office_id')})`,
      );
      await q.query(
        `CREATE INDEX ${table}_handed_over ON ${table} (written_office_id) WHERE written_office_id <> office_id`,
      );
    }

    await q.query(`
      CREATE FUNCTION refuse_change_but_office() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'office_id' = to_jsonb(OLD) - 'office_id' THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% is append-only: only its office_id may change (a hand-over)', TG_TABLE_NAME
          USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of APPEND_ONLY_MOVING) {
      await q.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change_but_office()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of APPEND_ONLY_MOVING) {
      await q.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    }
    await q.query(`DROP FUNCTION refuse_change_but_office()`);
    for (const table of WRITTEN_HISTORIES) {
      await q.query(`DROP POLICY written_by ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_written_office ON ${table}`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN written_office_id`);
    }
    await q.query(`DROP FUNCTION fill_written_office()`);
    await q.query(`DROP TABLE case_transfer`);
  }
}
