import type { DataSource } from 'typeorm';

/**
 * The role the service's request connections act as (created and granted by migration
 * 1764116300000-RowLevelSecurity): it owns no table and has NOBYPASSRLS, so PostgreSQL's
 * row-level security binds every request. Migrations run as the tables' owner.
 */
export const REQUEST_ROLE = 'lotse_app';

export class RequestRoleError extends Error {}

/**
 * Refuses to serve requests as a role that row-level security would not bind: a superuser, a
 * BYPASSRLS role, or the owner of the tables (FORCE binds owners too, but an owner can switch it
 * off). Run once at start, on a connection of the request pool.
 */
export async function assertRequestRole(dataSource: DataSource): Promise<void> {
  const [role]: { name: string; superuser: boolean; bypass: boolean; owned: number }[] =
    await dataSource.query(
      `SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
            (SELECT count(*)::int FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user) AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
  const reasons = [
    role.superuser ? 'is a superuser' : null,
    role.bypass ? 'has BYPASSRLS' : null,
    role.owned > 0 ? `owns ${role.owned} tables` : null,
  ].filter(Boolean);
  if (reasons.length > 0) {
    throw new RequestRoleError(
      `The request connections act as "${role.name}", which ${reasons.join(' and ')}: row-level security ` +
        `would not bind them. Connect DATABASE_URL as a role without these (e.g. ${REQUEST_ROLE}) and run ` +
        `migrations as the owner with DATABASE_OWNER_URL (README, "Running against a PostgreSQL server").`,
    );
  }
}

/**
 * The two connections of a service on `ownerUrl`'s database, for set-ups where the owner can log in
 * as the request role without a password (tests, bench, robustness scripts on trust auth):
 * requests as lotse_app, migrations as the owner.
 */
export function requestRoleEnv(ownerUrl: string): {
  DATABASE_URL: string;
  DATABASE_OWNER_URL: string;
} {
  const url = new URL(ownerUrl);
  url.username = REQUEST_ROLE;
  url.password = '';
  return { DATABASE_URL: url.toString(), DATABASE_OWNER_URL: ownerUrl };
}

/**
 * Gives the request role a login (roles are the cluster's: created once, kept); the migration would
 * create it without one. Needs a role that may create roles.
 */
export async function ensureRequestLogin(client: {
  query(text: string): Promise<unknown>;
}): Promise<void> {
  await client.query(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${REQUEST_ROLE}') THEN
        CREATE ROLE ${REQUEST_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS;
      ELSE
        ALTER ROLE ${REQUEST_ROLE} LOGIN;
      END IF;
    END $$`);
}
