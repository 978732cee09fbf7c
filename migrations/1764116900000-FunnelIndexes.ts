import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reports' reads of the cases (src/reports/definitions): the funnel counts each milestone of an
 * office's cases whose date falls in [from, to] (one partial index per date, on the office and the
 * date; the viability statement's date is the text of its JSON field, compared as text, as ISO
 * dates sort as text), and the cohorts read the cases an office opened in [from, to] by their
 * Europe/Berlin day.
 */
const INDEXES: [name: string, definition: string][] = [
  [
    'founder_case_report_business_plan',
    `founder_case (office_id, business_plan_completed_on) WHERE business_plan_completed_on IS NOT NULL`,
  ],
  [
    'founder_case_report_viability',
    `founder_case (office_id, (viability_statement->>'issuedOn')) WHERE (viability_statement->>'issuedOn') IS NOT NULL`,
  ],
  [
    'founder_case_report_funding_applied',
    `founder_case (office_id, funding_applied_on) WHERE funding_applied_on IS NOT NULL`,
  ],
  [
    'founder_case_report_funding_approved',
    `founder_case (office_id, funding_approved_on) WHERE funding_approved_on IS NOT NULL`,
  ],
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
