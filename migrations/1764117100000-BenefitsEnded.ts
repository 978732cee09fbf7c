import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * founder_case.benefits_ended_on: the day the Jobcenter's benefits ended because of the
 * self-employment (PATCH /cases/:id benefitsEndedOn). The outcomes report counts the exits from
 * benefits by the period of this day (src/reports/definitions/outcomes.ts). Nullable: unknown or
 * not (yet) ended; no backfill, the history does not hold it.
 */
export class BenefitsEnded1764117100000 implements MigrationInterface {
  name = 'BenefitsEnded1764117100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE founder_case ADD COLUMN benefits_ended_on date`);
    // The outcomes report reads an office's exits in a date range.
    await q.query(
      `CREATE INDEX founder_case_benefits_ended ON founder_case (office_id, benefits_ended_on) WHERE benefits_ended_on IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX founder_case_benefits_ended`);
    await q.query(`ALTER TABLE founder_case DROP COLUMN benefits_ended_on`);
  }
}
