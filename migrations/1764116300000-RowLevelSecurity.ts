import { MigrationInterface, QueryRunner } from 'typeorm';

/** The role the service's request connections act as: it owns nothing and cannot bypass RLS. */
export const REQUEST_ROLE = 'lotse_app';

/**
 * Histories, texts and EKS periods get the office of their parent row, in this order (a period
 * line's parent is its version). Their own column, not a policy through the parent: measured on
 * 250,000 history rows of one office, reading them took 2.1 times as long with a policy asking
 * the parent case (0.70 s against 0.33 s without row-level security) and the same time with the
 * row's own office id.
 */
const INHERITING: [table: string, parent: string, key: string][] = [
  ['case_history', 'founder_case', 'case_id'],
  ['case_history_text', 'founder_case', 'case_id'],
  ['reset_history', 'reset_analysis', 'analysis_id'],
  ['reset_history_text', 'reset_analysis', 'analysis_id'],
  ['reset_period_version', 'reset_analysis', 'analysis_id'],
  ['reset_period_line', 'reset_period_version', 'period_version_id'],
];

/** Tables whose rows belong to one office, by their own office_id column. */
const OFFICE_TABLES = [
  'founder',
  'founder_case',
  'case_contact',
  'reset_analysis',
  'erasure_record',
  'idempotent_request',
  ...INHERITING.map(([table]) => table),
];

/**
 * The second lock on office data: row-level security. Every table that holds an office's data is
 * ENABLEd and FORCEd (so the owner is bound too) with a policy on the transaction-local setting
 * `app.office_ids` (a comma-separated list of office ids). No setting, or an empty one, means no
 * rows. The service sets it as the first statement of every request's transaction
 * (src/database/office-transaction.ts) and connects as `lotse_app`, a role that owns no table and
 * has NOBYPASSRLS; migrations run as the owner.
 *
 * Histories, texts and EKS periods get an office_id of their own, filled from their parent row
 * (the column is not part of any hash, so the chains are unchanged). An export's chain heads are
 * bound through their manifest.
 *
 * Not under RLS, because they hold no social data and are read before any office is known: office,
 * app_user, membership, api_key (sign-in and credential lookup), auth_failure (sign-in throttle),
 * target_sector (a code list) and migrations. The code policy (src/auth/office-scope.ts) governs them.
 */
export class RowLevelSecurity1764116300000 implements MigrationInterface {
  name = 'RowLevelSecurity1764116300000';

  async up(q: QueryRunner): Promise<void> {
    await ensureRequestRole(q);
    await q.query(`
      CREATE FUNCTION lotse_office_ids() RETURNS uuid[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT COALESCE(string_to_array(NULLIF(current_setting('app.office_ids', true), ''), ',')::uuid[], '{}')
      $$`);

    // A stored answer is a copy of a case or an analysis: it belongs to that office. Answers whose
    // office cannot be read are retries of the past; dropping them only ends their replay.
    await q.query(
      `ALTER TABLE idempotent_request ADD COLUMN office_id uuid REFERENCES office (id)`,
    );
    await q.query(`
      UPDATE idempotent_request SET office_id = (body->>'officeId')::uuid
       WHERE body->>'officeId' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
         AND EXISTS (SELECT 1 FROM office o WHERE o.id::text = body->>'officeId')`);
    await q.query(`DELETE FROM idempotent_request WHERE office_id IS NULL`);
    await q.query(`ALTER TABLE idempotent_request ALTER COLUMN office_id SET NOT NULL`);

    for (const [table, parent, key] of INHERITING) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN office_id uuid REFERENCES office (id)`);
      // The append-only triggers refuse every UPDATE; this one fills a new column and changes
      // nothing the triggers protect (the hashed fields).
      await q.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await q.query(
        `UPDATE ${table} t SET office_id = p.office_id FROM ${parent} p WHERE p.id = t.${key}`,
      );
      await q.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN office_id SET NOT NULL`);
    }

    // `(SELECT lotse_office_ids())`, not the bare call: a sub-select is an InitPlan, evaluated once
    // per statement; the bare call would parse the setting again for every row it filters.
    for (const table of OFFICE_TABLES) {
      await secure(q, table, `office_id = ANY ((SELECT lotse_office_ids())::uuid[])`);
    }
    // Entries without an office (a list across offices, a user change) carry no personal data.
    await secure(
      q,
      'access_log',
      `office_id IS NULL OR office_id = ANY ((SELECT lotse_office_ids())::uuid[])`,
    );
    // An export is visible when every office it covered is in scope.
    await secure(q, 'export_manifest', `office_ids <@ (SELECT lotse_office_ids())`);
    // Chain heads of an export belong to the export: their policy asks the (small) manifest table.
    await secure(
      q,
      'export_chain_head',
      `EXISTS (SELECT 1 FROM export_manifest m WHERE m.id = export_chain_head.export_id)`,
    );

    await q.query(`GRANT USAGE ON SCHEMA public TO ${REQUEST_ROLE}`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${REQUEST_ROLE}`,
    );
    // The access log is append-only for the service too (its triggers refuse it anyway).
    await q.query(`REVOKE UPDATE, DELETE ON access_log FROM ${REQUEST_ROLE}`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON migrations FROM ${REQUEST_ROLE}`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${REQUEST_ROLE}`);
    await q.query(`GRANT EXECUTE ON FUNCTION lotse_office_ids() TO ${REQUEST_ROLE}`);
    // Tables of later migrations (created by the same owner) are the request role's to use too.
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${REQUEST_ROLE}`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${REQUEST_ROLE}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${REQUEST_ROLE}`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${REQUEST_ROLE}`,
    );
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${REQUEST_ROLE}`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${REQUEST_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${REQUEST_ROLE}`);
    const all = [...OFFICE_TABLES, 'access_log', 'export_manifest', 'export_chain_head'];
    for (const table of all) {
      await q.query(`DROP POLICY office_scope ON ${table}`);
      await q.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY`);
    }
    for (const [table] of [...INHERITING].reverse())
      await q.query(`ALTER TABLE ${table} DROP COLUMN office_id`);
    await q.query(`ALTER TABLE idempotent_request DROP COLUMN office_id`);
    await q.query(`DROP FUNCTION lotse_office_ids()`);
    // The role stays: it may hold grants in other databases of the cluster.
  }
}

async function secure(q: QueryRunner, table: string, rule: string): Promise<void> {
  await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`);
  await q.query(`CREATE POLICY office_scope ON ${table} USING (${rule}) WITH CHECK (${rule})`);
}

/**
 * Roles belong to the cluster, not the database. Where the migrating role may create roles (the
 * embedded database, a superuser, CREATEROLE) the request role is created without login; a login
 * role for DATABASE_URL is then granted membership (README). Otherwise it must exist already.
 */
async function ensureRequestRole(q: QueryRunner): Promise<void> {
  await q.query(`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${REQUEST_ROLE}') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
          RAISE EXCEPTION 'The role ${REQUEST_ROLE} does not exist and % may not create it: create it first (README, "Running against a PostgreSQL server")', current_user;
        END IF;
        CREATE ROLE ${REQUEST_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    END $$`);
}
