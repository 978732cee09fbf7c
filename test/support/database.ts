import { Client } from 'pg';
import { ensureRequestLogin, requestRoleEnv } from '../../src/database/request-role';

/** Where the tests find PostgreSQL; each test file gets its own database cloned from a template. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The database as its owner (the tests' superuser): migrations, set-up and checks; bypasses RLS. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The database as the service's request role (lotse_app, row-level security binds it). */
export function requestUrl(name: string): string {
  return requestRoleEnv(databaseUrl(name)).DATABASE_URL;
}

/** The service's two connections: requests as lotse_app, migrations as the owner. */
export function serviceDatabaseEnv(name: string): {
  DATABASE_URL: string;
  DATABASE_OWNER_URL: string;
} {
  return requestRoleEnv(databaseUrl(name));
}

export { ensureRequestLogin };

export async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Template name shared by one `jest` run (set by global-setup, inherited by the workers). */
export function templateName(): string {
  const name = process.env.LOTSE_TEST_TEMPLATE;
  if (!name) throw new Error('LOTSE_TEST_TEMPLATE is not set: run the tests through jest');
  return name;
}
