import { createDataSource, runMigrations } from '../../src/database/data-source';
import { databaseUrl, ensureRequestLogin, withAdminClient } from './database';

/**
 * Migrates one template database per test run; every test file clones it (CREATE DATABASE …
 * TEMPLATE), which takes milliseconds instead of re-running the migrations.
 */
export default async function globalSetup(): Promise<void> {
  const template = `lotse_tpl_${process.pid}_${Date.now().toString(36)}`;
  process.env.LOTSE_TEST_TEMPLATE = template;
  await withAdminClient(async (client) => {
    // Leftovers of runs that were killed before their teardown.
    const stale = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database
        WHERE datname LIKE 'lotse\\_tpl\\_%' OR datname LIKE 'lotse\\_t\\_%'`,
    );
    for (const { datname } of stale.rows) {
      const pid = Number(datname.split('_')[2]);
      // Only databases of a jest run that is no longer running (the name carries its pid).
      if (Number.isNaN(pid) || isAlive(pid)) continue;
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await ensureRequestLogin(client);
    await client.query(`CREATE DATABASE "${template}"`);
  });
  const dataSource = createDataSource({ url: databaseUrl(template), poolSize: 1, embedded: false });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
