import { databaseUrl, serviceDatabaseEnv, withAdminClient } from './support/database';
import { runServiceToExit, startService } from './support/service-process';

/** The built service as `npm start` runs it, against a PostgreSQL server (DATABASE_URL set). */
describe('the service process on a PostgreSQL server', () => {
  const name = `lotse_t_${process.pid}_proc_${Date.now().toString(36)}`;
  const secrets = {
    JWT_SECRET: 'process-test-secret-process-test-secret-01',
    PSEUDONYM_KEY: 'process-test-pseudonym-key-0123456789ab',
  };
  beforeAll(() => withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`)));
  afterAll(() => withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));

  it('migrates an empty database, answers ready, exits cleanly on SIGTERM and keeps its data', async () => {
    const env = {
      ...secrets,
      ...serviceDatabaseEnv(name),
      LOTSE_ADMIN_EMAIL: 'admin@lotse.test',
      LOTSE_ADMIN_PASSWORD: 'admin password 1234',
    };
    const first = await startService(env);
    expect(await (await fetch(`${first.url}/health/ready`)).json()).toEqual({
      status: 'ready',
      database: 'server',
    });
    expect(await first.stop('SIGTERM')).toBe(0);
    const second = await startService(env);
    try {
      const res = await fetch(`${second.url}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@lotse.test', password: 'admin password 1234' }),
      });
      expect(res.status).toBe(200);
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  }, 60_000);

  it('refuses to serve requests as a role that row-level security would not bind', async () => {
    // DATABASE_URL as the superuser that owns the tables, no DATABASE_OWNER_URL: it migrates, then stops.
    const { code, output } = await runServiceToExit({
      ...secrets,
      DATABASE_URL: databaseUrl(name),
    });
    expect(code).toBe(1);
    expect(output).toContain('row-level security would not bind them');
    expect(output).toContain('is a superuser');
  }, 30_000);

  it('stops the start with a message naming a bad configuration variable', async () => {
    const { code, output } = await runServiceToExit({
      ...secrets,
      DATABASE_URL: databaseUrl(name),
      PORT: 'eighty',
    });
    expect(code).toBe(78);
    expect(output).toContain('PORT must be a whole number');
  });

  it('stops the start with a clear message when a migration fails', async () => {
    const broken = `${name}_broken`;
    await withAdminClient((c) => c.query(`CREATE DATABASE "${broken}"`));
    try {
      // A table in the way of the first migration.
      await withAdminClient(async () => {
        const { Client } = await import('pg');
        const c = new Client({ connectionString: databaseUrl(broken) });
        await c.connect();
        await c.query(`CREATE TABLE office (id int)`);
        await c.end();
      });
      const { code, output } = await runServiceToExit({
        ...secrets,
        ...serviceDatabaseEnv(broken),
      });
      expect(code).toBe(1);
      expect(output).toContain('A database migration failed, the service will not start');
      expect(output).toContain('relation \\"office\\" already exists');
    } finally {
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${broken}" WITH (FORCE)`));
    }
  }, 30_000);
});
