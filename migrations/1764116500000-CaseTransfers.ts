import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-over of a case between offices (src/transfers): a transfer is requested by the sending
 * office and accepted or declined by the receiving office's lead. Both offices see the transfer
 * row; until it is decided the case is read-only for both.
 */
export class CaseTransfers1764116500000 implements MigrationInterface {
  name = 'CaseTransfers1764116500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_transfer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES founder_case (id),
        from_office_id uuid NOT NULL REFERENCES office (id),
        to_office_id uuid NOT NULL REFERENCES office (id) CHECK (to_office_id <> from_office_id),
        reason text NOT NULL,
        state text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'accepted', 'declined')),
        requested_by uuid REFERENCES app_user (id),
        requested_at timestamptz NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES app_user (id),
        decided_at timestamptz
      )`);
    // At most one open transfer per case.
    await q.query(
      `CREATE UNIQUE INDEX case_transfer_open ON case_transfer (case_id) WHERE state = 'requested'`,
    );
    const scope = `from_office_id = ANY ((SELECT lotse_office_ids())::uuid[]) OR to_office_id = ANY ((SELECT lotse_office_ids())::uuid[])`;
    await q.query(`ALTER TABLE case_transfer ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY office_scope ON case_transfer USING (${scope}) WITH CHECK (${scope})`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_transfer`);
  }
}
