import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reports' reads of the cases (src/reports/definitions): the outcomes count an office's
 * foundings by business_started_on in [from, to] (with the occupation, so the index answers alone),
 * and the cohorts read the cases an office holds by the Europe/Berlin day they were opened. (The
 * funnel's milestones are daily counts: migrations/1764117200000-MilestoneCounts.ts.)
 */
const INDEXES: [name: string, definition: string][] = [
  [
    'founder_case_report_business_started',
    `founder_case (office_id, business_started_on, main_occupation) WHERE business_started_on IS NOT NULL`,
  ],
  [
    'founder_case_report_cohort',
    `founder_case (office_id, ((created_at AT TIME ZONE 'Europe/Berlin')::date))`,
  ],
];

export class FunnelIndexes1764116900000 implements MigrationInterface {
  name = 'FunnelIndexes1764116900000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, definition] of INDEXES)
      await q.query(`CREATE INDEX ${name} ON ${definition}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of [...INDEXES].reverse()) await q.query(`DROP INDEX ${name}`);
  }
}
