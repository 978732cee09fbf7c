import { MigrationInterface, QueryRunner } from 'typeorm';

/** Founders (the people served, one office each) and the configurable target sectors. */
export class Founders1764115300000 implements MigrationInterface {
  name = 'Founders1764115300000';

  async up(q: QueryRunner): Promise<void> {
    // Configuration, not code: sectors change per Jobcenter and year, so they live in a table.
    await q.query(`
      CREATE TABLE target_sector (
        code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{1,49}$'),
        label_de text NOT NULL,
        label_en text NOT NULL,
        wz_section text NOT NULL CHECK (wz_section ~ '^[A-U]$'),
        sort smallint NOT NULL
      )`);
    await q.query(`
      INSERT INTO target_sector (code, label_de, label_en, wz_section, sort) VALUES
        ('trade', 'Handel (stationär und online)', 'Retail and trade', 'G', 1),
        ('gastronomy', 'Gastronomie und Beherbergung', 'Food service and accommodation', 'I', 2),
        ('crafts', 'Handwerk und Herstellung', 'Crafts and small-scale manufacturing', 'C', 3),
        ('personal_services', 'Persönliche Dienstleistungen (Friseur, Kosmetik)',
         'Personal services (hairdressing, cosmetics)', 'S', 4),
        ('business_services', 'Unternehmensnahe und freiberufliche Dienstleistungen',
         'Business and professional services', 'M', 5),
        ('it_media', 'Information, IT und Medien', 'IT and media', 'J', 6),
        ('health_care', 'Gesundheit, Pflege und Soziales', 'Health and care', 'Q', 7),
        ('transport_logistics', 'Verkehr und Logistik', 'Transport and logistics', 'H', 8),
        ('construction_cleaning', 'Bau, Ausbau und Gebäudereinigung',
         'Construction, finishing and cleaning', 'F', 9)`);

    await q.query(`
      CREATE TABLE founder (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        office_id uuid NOT NULL REFERENCES office (id),
        first_name text NOT NULL,
        last_name text NOT NULL,
        birth_date date,
        gender text NOT NULL DEFAULT 'unknown'
          CHECK (gender IN ('female', 'male', 'non_binary', 'unknown')),
        email text,
        phone text,
        postal_code text,
        city text,
        country_of_birth text CHECK (country_of_birth ~ '^[A-Z]{2}$'),
        nationalities text[] NOT NULL DEFAULT '{}',
        migration_background boolean,
        languages jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(languages) = 'array'),
        german_level text
          CHECK (german_level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native', 'none')),
        self_employment_permitted text NOT NULL DEFAULT 'unknown'
          CHECK (self_employment_permitted IN ('yes', 'applied', 'no', 'not_required', 'unknown')),
        benefit_status text CHECK (benefit_status IN ('sgb2', 'sgb3', 'none', 'other')),
        jobcenter text,
        jobcenter_customer_number text,
        isced_level smallint CHECK (isced_level BETWEEN 0 AND 8),
        foreign_qualification_recognition text CHECK (foreign_qualification_recognition IN
          ('not_needed', 'pending', 'recognised', 'partial', 'refused', 'unknown')),
        consent_given_on date,
        consent_version text,
        profile jsonb CHECK (profile IS NULL OR jsonb_typeof(profile) = 'object'),
        created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        erased_at timestamptz,
        -- Consent is recorded with its date and version together, or not at all.
        CHECK ((consent_given_on IS NULL) = (consent_version IS NULL))
      )`);
    await q.query(
      `CREATE INDEX founder_name_idx ON founder (office_id, lower(last_name), lower(first_name))`,
    );
    await q.query(`
      CREATE INDEX founder_duplicate_idx
        ON founder (office_id, lower(first_name), lower(last_name), postal_code)`);
    // The list is paged newest-updated first per office.
    await q.query(
      `CREATE INDEX founder_updated_idx ON founder (office_id, updated_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE founder`);
    await q.query(`DROP TABLE target_sector`);
  }
}
