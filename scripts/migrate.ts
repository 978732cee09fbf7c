import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config/config';
import { Database } from '../src/database/database';

/**
 * `npm run migration:run`: applies pending migrations to the configured database (as DATABASE_OWNER_URL, else DATABASE_URL, or
 * the embedded one under LOTSE_DATA_DIR; stop the service first in embedded mode, as PGlite allows
 * one process at a time).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const applied = await Database.migrateOnly(config);
  const mode = config.databaseUrl ? 'server' : 'embedded';
  console.log(
    `Migrations are up to date (${mode} database${applied.length ? `; applied ${applied.join(', ')}` : ''}).`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
