import { MigrationInterface, QueryRunner } from 'typeorm';

/** Offices, users with per-office roles, API keys, sign-in failures and the append-only access log. */
export class OfficesUsersAccess1764115200000 implements MigrationInterface {
  name = 'OfficesUsersAccess1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE office (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        name text NOT NULL,
        region text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX office_code_key ON office (lower(code))`);

    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email))`);

    await q.query(`
      CREATE TABLE membership (
        user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        office_id uuid NOT NULL REFERENCES office (id),
        role text NOT NULL CHECK (role IN ('advisor', 'lead', 'auditor')),
        PRIMARY KEY (user_id, office_id)
      )`);
    await q.query(`CREATE INDEX membership_office_idx ON membership (office_id)`);

    await q.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        office_id uuid NOT NULL REFERENCES office (id),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('advisor', 'auditor')),
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_key_office_idx ON api_key (office_id)`);

    // Failed sign-ins, by email and by client address, for throttling across instances.
    await q.query(`
      CREATE TABLE auth_failure (
        id bigserial PRIMARY KEY,
        key text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX auth_failure_key_idx ON auth_failure (key, failed_at)`);

    await q.query(`
      CREATE TABLE access_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
        actor_id uuid,
        office_id uuid,
        resource_type text NOT NULL,
        resource_id text,
        action text NOT NULL,
        request_id text,
        details jsonb
      )`);
    await q.query(`CREATE INDEX access_log_actor_idx ON access_log (actor_id, at DESC)`);
    await q.query(`CREATE INDEX access_log_resource_idx ON access_log (resource_id, at DESC)`);
    await q.query(`CREATE INDEX access_log_office_idx ON access_log (office_id, at DESC)`);

    // Append-only tables refuse UPDATE and DELETE in the database itself, whoever connects.
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`
      CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log`);
    await q.query(`DROP FUNCTION refuse_change() CASCADE`);
    await q.query(`DROP TABLE auth_failure`);
    await q.query(`DROP TABLE api_key`);
    await q.query(`DROP TABLE membership`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`DROP TABLE office`);
  }
}
