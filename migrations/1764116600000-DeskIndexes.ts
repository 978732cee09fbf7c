import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The desk's reads (src/tasks/task-branches.ts): one partial index per rule, on the date the rule's
 * due date is an office constant away from, so a page reads the first rows of each rule in due
 * order instead of evaluating every case of the office. Each predicate is the rule's fixed part;
 * the tie column (id, or analysis and period start) sorts like the task id.
 */
const INDEXES: [name: string, definition: string][] = [
  [
    'founder_case_desk_stale',
    `founder_case (office_id, phase, ((updated_at AT TIME ZONE 'Europe/Berlin')::date), id) WHERE status = 'active'`,
  ],
  [
    'founder_case_desk_first_counselling',
    `founder_case (office_id, first_counselling_scheduled_on, id)
       WHERE status = 'active' AND phase = 'access' AND first_counselling_scheduled_on IS NOT NULL`,
  ],
  [
    'founder_case_desk_follow_up',
    `founder_case (office_id, exited_on, id) WHERE status = 'closed' AND exited_on IS NOT NULL`,
  ],
  [
    'founder_case_desk_funding_application',
    `founder_case (office_id, planned_start_on, id)
       WHERE status = 'active' AND funding_route IN ('einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c')
         AND planned_start_on IS NOT NULL AND funding_applied_on IS NULL AND business_started_on IS NULL`,
  ],
  [
    'founder_case_desk_einstiegsgeld',
    `founder_case (office_id, (COALESCE(funding_ends_on, (funding_starts_on + interval '24 months')::date)), id)
       WHERE status = 'active' AND funding_route = 'einstiegsgeld'
         AND (funding_starts_on IS NOT NULL OR funding_ends_on IS NOT NULL)`,
  ],
  [
    'founder_case_desk_benefit_period',
    `founder_case (office_id, benefit_period_ends_on, id)
       WHERE benefit_period_ends_on IS NOT NULL AND final_income_declared_on IS NULL`,
  ],
  // consent_review reads either the office's open cases in id order (many founders outdated) or
  // the founders on another version first (few), as the planner estimates from the version.
  [
    'founder_case_desk_consent',
    `founder_case (office_id, id) WHERE status IN ('active', 'paused')`,
  ],
  ['founder_desk_consent', `founder (office_id, consent_version) WHERE erased_at IS NULL`],
  [
    'reset_period_desk_due_on',
    `reset_period_version (office_id, final_declaration_due_on, analysis_id, period_start)
       WHERE kind = 'provisional' AND final_declaration_due_on IS NOT NULL`,
  ],
  [
    'reset_period_desk_end',
    `reset_period_version (office_id, period_end, analysis_id, period_start)
       WHERE kind = 'provisional' AND final_declaration_due_on IS NULL`,
  ],
  ['case_contact_first_counselling', `case_contact (case_id) WHERE kind = 'first_counselling'`],
];

/**
 * The same for one advisor's desk (?assigneeId=): the case's advisor before the date, or a page
 * of one advisor (a 25th of the office) reads 25 times as many index entries.
 */
const BY_ADVISOR = INDEXES.filter(([name]) => name.startsWith('founder_case_desk_')).map(
  ([name, definition]): [string, string] => [
    name.replace('founder_case_desk_', 'founder_case_desk_advisor_'),
    definition.replace('founder_case (office_id, ', 'founder_case (office_id, advisor_id, '),
  ],
);

export class DeskIndexes1764116600000 implements MigrationInterface {
  name = 'DeskIndexes1764116600000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, definition] of [...INDEXES, ...BY_ADVISOR])
      await q.query(`CREATE INDEX ${name} ON ${definition}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of [...INDEXES, ...BY_ADVISOR].reverse()) await q.query(`DROP INDEX ${name}`);
  }
}
