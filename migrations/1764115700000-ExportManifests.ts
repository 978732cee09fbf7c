import { MigrationInterface, QueryRunner } from 'typeorm';

/** Signed manifests of auditor exports: what was exported, when, by whom, and its digest. */
export class ExportManifests1764115700000 implements MigrationInterface {
  name = 'ExportManifests1764115700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE export_manifest (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL,
        actor_id uuid NOT NULL,
        office_ids uuid[] NOT NULL,
        manifest jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX export_manifest_offices_idx ON export_manifest USING gin (office_ids)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_manifest`);
  }
}
