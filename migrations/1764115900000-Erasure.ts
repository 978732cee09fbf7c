import { MigrationInterface, QueryRunner } from 'typeorm';

/** Erasure on request (GDPR Art. 17): the year of birth kept for statistics, and who erased whom. */
export class Erasure1764115900000 implements MigrationInterface {
  name = 'Erasure1764115900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE founder ADD COLUMN birth_year smallint`);
    await q.query(`UPDATE founder SET birth_year = extract(year FROM birth_date) WHERE birth_date IS NOT NULL`);
    await q.query(`
      CREATE TABLE erasure_record (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        founder_id uuid NOT NULL REFERENCES founder (id),
        office_id uuid NOT NULL REFERENCES office (id),
        erased_at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL,
        actor_id uuid NOT NULL,
        request_id text,
        counts jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TRIGGER erasure_record_append_only BEFORE UPDATE OR DELETE ON erasure_record
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE erasure_record`);
    await q.query(`ALTER TABLE founder DROP COLUMN birth_year`);
  }
}
