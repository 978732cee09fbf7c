import type { Client } from 'pg';

/** The desk office: its id, advisors and how many open cases it holds. */
export interface DeskOffice {
  officeId: string;
  advisorIds: string[];
  openCases: number;
}

const ADVISORS = 25;

/**
 * One office with `openCases` open cases (90 % active, 10 % paused) and a fifth as many closed
 * ones, each founder its own, with the facts the desk's rules read spread the way a counselling
 * office's are: activity over the last five months (so many cases are stale), first counselling
 * dates around today in phase access (half of the past ones recorded), planned starts and funding
 * applications in planning, Einstiegsgeld periods in launch and consolidation, SGB II benefit
 * periods (half declared), exits over two years with follow-ups for some, manual tasks, and
 * RE_SET analyses with two EKS periods each (some finally declared). Set-based SQL, seeded
 * random(), run by seed.ts with the foreign-key triggers off.
 */
export async function seedDeskOffice(db: Client, openCases: number): Promise<DeskOffice> {
  await db.query(`SELECT setseed(0.4242)`);
  const {
    rows: [office],
  } = await db.query<{ id: string }>(
    `INSERT INTO office (code, name) VALUES ('BENCH-D', 'Bench desk') RETURNING id`,
  );
  const officeId = office.id;
  const { rows: advisors } = await db.query<{ id: string }>(
    `INSERT INTO app_user (email, name, password_hash)
     SELECT 'desk' || g || '@bench.test', 'Desk ' || g, 'x' FROM generate_series(1, $1::int) g RETURNING id`,
    [ADVISORS],
  );
  const advisorIds = advisors.map((r) => r.id);
  await db.query(
    `INSERT INTO membership (user_id, office_id, role) SELECT unnest($1::uuid[]), $2, 'advisor'`,
    [advisorIds, officeId],
  );
  // The office changed its consent text: 3 % of the founders are still on the old version.
  await db.query(
    `INSERT INTO office_settings (office_id, eks_final_offset_months, funding_lead_days, einstiegsgeld_warning_days, stale_days, current_consent_version, consent_version_since)
     VALUES ($1, 2, 14, 60, '{"access": 30, "first_counselling": 45}', 'v2', current_date - 40)`,
    [officeId],
  );

  const total = Math.round(openCases * 1.2);
  await db.query(
    `CREATE TEMP TABLE desk_case ON COMMIT PRESERVE ROWS AS
     SELECT gen_random_uuid() AS id, gen_random_uuid() AS founder_id, g,
            CASE WHEN g <= $1 THEN (CASE WHEN random() < 0.9 THEN 'active' ELSE 'paused' END) ELSE 'closed' END AS status,
            (ARRAY['access', 'first_counselling', 'planning', 'launch', 'consolidation'])[1 + (g % 5)] AS phase,
            $3::uuid[] AS advisors
       FROM generate_series(1, $2::int) g`,
    [openCases, total, advisorIds],
  );
  await db.query(
    `INSERT INTO founder (id, office_id, first_name, last_name, benefit_status, consent_given_on, consent_version, follow_up_consent_on)
     SELECT founder_id, $1, 'Bench', 'Founder', CASE WHEN random() < 0.6 THEN 'sgb2' ELSE 'sgb3' END,
            current_date - 400, CASE WHEN random() < 0.03 THEN 'v1' ELSE 'v2' END,
            CASE WHEN random() < 0.7 THEN current_date - 400 END
       FROM desk_case`,
    [officeId],
  );
  await db.query(
    `INSERT INTO founder_case (id, office_id, created_office_id, founder_id, advisor_id, phase, status, machine_version, state,
            first_counselling_scheduled_on, funding_route, planned_start_on, funding_applied_on,
            funding_starts_on, benefit_period_ends_on, final_income_declared_on, exited_on, updated_at, created_at)
     SELECT id, $1, $1, founder_id, advisors[1 + (random() * (array_length(advisors, 1) - 1))::int], phase, status, 1,
            jsonb_build_object('value', CASE WHEN status = 'active' THEN jsonb_build_object('active', phase) ELSE to_jsonb(status) END,
                               'context', jsonb_build_object('phase', phase)),
            CASE WHEN phase = 'access' THEN current_date + (random() * 60 - 30)::int END,
            CASE WHEN phase IN ('planning', 'launch', 'consolidation')
                 THEN (ARRAY['einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c', 'none'])[1 + (random() * 3.99)::int] END,
            CASE WHEN phase = 'planning' THEN current_date + (random() * 150 - 30)::int END,
            CASE WHEN phase = 'planning' AND random() < 0.5 THEN current_date - 60 END,
            CASE WHEN phase IN ('launch', 'consolidation') THEN current_date - (random() * 730)::int END,
            CASE WHEN random() < 0.5 THEN current_date + (random() * 580 - 400)::int END,
            CASE WHEN random() < 0.3 THEN current_date - 10 END,
            CASE WHEN status = 'closed' THEN current_date - (random() * 730)::int END,
            now() - random() * interval '150 days', now() - interval '800 days'
       FROM desk_case`,
    [officeId],
  );
  // Two contacts per case; the first counselling recorded for half of the access cases.
  await db.query(
    `INSERT INTO case_contact (case_id, office_id, "on", minutes, format, kind)
     SELECT c.id, $1, current_date - 20, 60, 'in_person',
            CASE WHEN c.phase = 'access' AND k = 1 AND random() < 0.5 THEN 'first_counselling' ELSE 'counselling' END
       FROM desk_case c CROSS JOIN generate_series(1, 2) k`,
    [officeId],
  );
  await db.query(
    `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed)
     SELECT $1, c.id, 1, fc.exited_on + 190, 'employed', true
       FROM desk_case c JOIN founder_case fc ON fc.id = c.id
      WHERE c.status = 'closed' AND fc.exited_on < current_date - 190 AND random() < 0.6`,
    [officeId],
  );
  await db.query(
    `INSERT INTO case_task (office_id, case_id, title, due_on, assignee_id, done_at)
     SELECT $1, id, 'Wiedervorlage', current_date + (random() * 90 - 30)::int, NULL,
            CASE WHEN random() < 0.3 THEN now() END
       FROM desk_case WHERE g % 10 = 0`,
    [officeId],
  );
  await db.query(
    `CREATE TEMP TABLE desk_analysis ON COMMIT PRESERVE ROWS AS
     SELECT gen_random_uuid() AS id, founder_id, id AS case_id,
            date_trunc('month', current_date - (random() * 500)::int)::date AS first_start
       FROM desk_case WHERE g % 20 = 0`,
  );
  await db.query(
    `INSERT INTO reset_analysis (id, office_id, founder_id, state, machine_version, snapshot, business, household_members,
            extra_needs_monthly_cents, housing_costs_monthly_cents, other_income_monthly_cents, case_id)
     SELECT id, $1, founder_id, CASE WHEN random() < 0.1 THEN 'cancelled' ELSE 'analysis' END, 1, '{}', '{}', '[]', 0, 0, 0, case_id
       FROM desk_analysis`,
    [officeId],
  );
  await db.query(
    `INSERT INTO reset_period_version (analysis_id, office_id, period_start, version, period_end, kind, final_declaration_due_on, months)
     SELECT a.id, $1, p.start, v, (p.start + interval '6 months')::date - 1,
            CASE WHEN v = 2 THEN 'final' ELSE 'provisional' END,
            CASE WHEN v = 1 AND random() < 0.4 THEN (p.start + interval '8 months')::date END,
            ARRAY[p.start]
       FROM desk_analysis a
       CROSS JOIN LATERAL (VALUES (a.first_start), ((a.first_start + interval '6 months')::date)) p(start)
       -- 40 % finally declared. The bound names the period (p.start) so that it is drawn per
       -- period: a call without an outer reference is evaluated once for the whole statement.
       CROSS JOIN LATERAL generate_series(1, CASE WHEN random() < 0.4 AND p.start IS NOT NULL THEN 2 ELSE 1 END) v`,
    [officeId],
  );
  await db.query(`DROP TABLE desk_case, desk_analysis`);
  return { officeId, advisorIds, openCases };
}

/** The tables the desk reads, for VACUUM (ANALYZE) after the load. */
export const DESK_TABLES = [
  'office_settings',
  'case_contact',
  'case_follow_up',
  'case_task',
  'reset_analysis',
  'reset_period_version',
];
