import { MigrationInterface, QueryRunner } from 'typeorm';

const OFFICE_SCOPE = `office_id = ANY ((SELECT lotse_office_ids())::uuid[])`;
const ANSWER = `('yes', 'no', 'not_stated')`;

/**
 * ESF Plus participant data (Regulation (EU) 2021/1057, Annex I), one participation per case.
 *
 * - esf_entry: the entry record of a case, with what the output indicators (Annex I point 1) need,
 *   copied or derived at entry so that later changes of the founder (or an erasure) do not change
 *   what was reported.
 * - esf_voluntary: the voluntary answers (disability, minority, homeless or housing exclusion),
 *   special categories under GDPR Art. 9: a table of their own, apart from the founder and the
 *   entry, deleted by an erasure, read only by advisors and leads, reported only as counts.
 * - esf_exit: the situation records within 28 days after leaving (Annex I point 2).
 * - office_settings.esf_minimum_contact_hours: below this sum of counselling minutes a case is a
 *   short contact, counted but not reported as a participant.
 */
export class EsfParticipants1764117000000 implements MigrationInterface {
  name = 'EsfParticipants1764117000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE esf_entry (
        case_id uuid PRIMARY KEY REFERENCES founder_case (id),
        office_id uuid NOT NULL REFERENCES office (id),
        entry_on date NOT NULL,
        employment_status text NOT NULL
          CHECK (employment_status IN ('unemployed', 'long_term_unemployed', 'inactive', 'employed')),
        gender text NOT NULL CHECK (gender IN ('female', 'male', 'non_binary')),
        age_at_entry smallint CHECK (age_at_entry BETWEEN 0 AND 130),
        isced_level smallint CHECK (isced_level BETWEEN 0 AND 8),
        third_country_national boolean NOT NULL,
        born_abroad boolean,
        parents_born_abroad text NOT NULL CHECK (parents_born_abroad IN ('both', 'one', 'none', 'not_stated')),
        foreign_background boolean NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_by uuid REFERENCES app_user (id),
        updated_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX esf_entry_office_entry ON esf_entry (office_id, entry_on)`);

    await q.query(`
      CREATE TABLE esf_voluntary (
        case_id uuid PRIMARY KEY REFERENCES esf_entry (case_id),
        office_id uuid NOT NULL REFERENCES office (id),
        disability text NOT NULL CHECK (disability IN ${ANSWER}),
        minority text NOT NULL CHECK (minority IN ${ANSWER}),
        homeless_or_housing_exclusion text NOT NULL CHECK (homeless_or_housing_exclusion IN ${ANSWER}),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE esf_exit (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES founder_case (id),
        office_id uuid NOT NULL REFERENCES office (id),
        "on" date NOT NULL,
        job_searching boolean NOT NULL,
        in_education_or_training boolean NOT NULL,
        gaining_qualification boolean NOT NULL,
        in_employment boolean NOT NULL,
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Annex I point 2: job searching and in employment exclude each other.
        CHECK (NOT (job_searching AND in_employment))
      )`);
    await q.query(`CREATE INDEX esf_exit_case ON esf_exit (case_id, "on")`);

    await q.query(`
      ALTER TABLE office_settings ADD COLUMN esf_minimum_contact_hours integer NOT NULL DEFAULT 8
        CHECK (esf_minimum_contact_hours BETWEEN 0 AND 1000)`);

    for (const table of ['esf_entry', 'esf_voluntary', 'esf_exit']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY office_scope ON ${table} USING (${OFFICE_SCOPE}) WITH CHECK (${OFFICE_SCOPE})`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE office_settings DROP COLUMN esf_minimum_contact_hours`);
    await q.query(`DROP TABLE esf_exit`);
    await q.query(`DROP TABLE esf_voluntary`);
    await q.query(`DROP TABLE esf_entry`);
  }
}
