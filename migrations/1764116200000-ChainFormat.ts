import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Versioned chain rows. Every history row names the format it was sealed in; rows that exist now
 * were sealed in format 1 and keep it (their hashes are never recomputed). Format 2 also hashes
 * what format 1 left out, stored here per row: the office code at the time of writing, the
 * pseudonym of a RESTART's analysis (case_history) and the payload with its ids as pseudonyms
 * (reset_history). Text digests of format 2 are salted; the salt lives beside the texts and goes
 * with them on erasure.
 */
export class ChainFormat1764116200000 implements MigrationInterface {
  name = 'ChainFormat1764116200000';

  async up(q: QueryRunner): Promise<void> {
    // A constant default fills existing rows without an UPDATE (the tables are append-only); it is
    // dropped at once so that every new row must say which format it was sealed in.
    await q.query(`
      ALTER TABLE case_history ADD COLUMN chain_format smallint NOT NULL DEFAULT 1,
        ADD COLUMN office_code text, ADD COLUMN reset_analysis_ref text`);
    await q.query(`ALTER TABLE case_history ALTER COLUMN chain_format DROP DEFAULT`);
    await q.query(`
      ALTER TABLE reset_history ADD COLUMN chain_format smallint NOT NULL DEFAULT 1,
        ADD COLUMN office_code text, ADD COLUMN chain_payload jsonb`);
    await q.query(`ALTER TABLE reset_history ALTER COLUMN chain_format DROP DEFAULT`);
    for (const table of ['case_history', 'reset_history']) {
      await q.query(`
        ALTER TABLE ${table} ADD CONSTRAINT ${table}_format_2_complete CHECK (chain_format = 1 OR office_code IS NOT NULL)`);
    }
    await q.query(
      `ALTER TABLE reset_history ADD CONSTRAINT reset_history_format_2_payload CHECK (chain_format = 1 OR chain_payload IS NOT NULL)`,
    );
    await q.query(`ALTER TABLE case_history_text ADD COLUMN salt text`);
    await q.query(`ALTER TABLE reset_history_text ADD COLUMN salt text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reset_history_text DROP COLUMN salt`);
    await q.query(`ALTER TABLE case_history_text DROP COLUMN salt`);
    await q.query(`
      ALTER TABLE reset_history DROP CONSTRAINT reset_history_format_2_payload, DROP CONSTRAINT reset_history_format_2_complete,
        DROP COLUMN chain_format, DROP COLUMN office_code, DROP COLUMN chain_payload`);
    await q.query(`
      ALTER TABLE case_history DROP CONSTRAINT case_history_format_2_complete,
        DROP COLUMN chain_format, DROP COLUMN office_code, DROP COLUMN reset_analysis_ref`);
  }
}
