import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each case's chain head per export, one row each: a manifest of an export over many cases would
 * otherwise be one huge JSON value. The manifest signs the digest of this list.
 */
export class ExportChainHeads1764116000000 implements MigrationInterface {
  name = 'ExportChainHeads1764116000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE export_chain_head (
        export_id uuid NOT NULL REFERENCES export_manifest (id),
        ord integer NOT NULL,
        case_ref text NOT NULL,
        head text NOT NULL,
        PRIMARY KEY (export_id, ord)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_chain_head`);
  }
}
