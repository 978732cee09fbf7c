import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { createDataSource, runMigrations } from './data-source';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { setMigrationSecrets } from './migration-context';
import { prepared } from './prepared';
import { assertRequestRole, REQUEST_ROLE } from './request-role';
import { pseudonymKey } from '../history-chain/history-sealer';

/**
 * TypeORM takes no lock while migrating: two instances starting together would both apply the same
 * migration. A session advisory lock, held on a connection of its own, makes them take turns; the
 * second finds nothing left to do. (The embedded database belongs to one process and has a single
 * connection, so it migrates without.)
 */
async function migrateUnderLock(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('lotse:migrations'))`);
    return await runMigrations(dataSource);
  } finally {
    await lock
      .query(`SELECT pg_advisory_unlock(hashtext('lotse:migrations'))`)
      .catch(() => undefined);
    await lock.release();
  }
}

/**
 * The service's database, in either mode: the PostgreSQL server named by DATABASE_URL, or the
 * embedded one under the data directory. Opening it applies pending migrations as the tables'
 * owner (a failed migration stops the start), then opens the request pool as the request role,
 * which row-level security binds (request-role.ts).
 */
export class Database {
  private constructor(
    readonly dataSource: DataSource,
    readonly mode: 'server' | 'embedded',
    private readonly embedded: EmbeddedPostgres | null,
  ) {}

  static async open(config: AppConfig, logger = new Logger('Database')): Promise<Database> {
    const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir);
    const url = config.databaseUrl ?? embedded!.url;
    let dataSource: DataSource | null = null;
    try {
      const applied = await migrate(config.databaseOwnerUrl ?? url, embedded !== null, config);
      if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
      dataSource = createDataSource({
        url,
        poolSize: config.databasePoolSize,
        idleTimeoutMs: config.databaseIdleTimeoutMs,
        embedded: embedded !== null,
        ...(embedded ? { actAs: REQUEST_ROLE } : {}),
      });
      await dataSource.initialize();
      await assertRequestRole(dataSource);
    } catch (error) {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw error;
    }
    const mode = embedded ? 'embedded' : 'server';
    logger.log(
      mode === 'embedded' ? `Embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL server',
    );
    return new Database(dataSource, mode, embedded);
  }

  /** `npm run migration:run`: only the owner's part of open(). */
  static async migrateOnly(config: AppConfig): Promise<string[]> {
    const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir);
    try {
      return await migrate(
        config.databaseOwnerUrl ?? config.databaseUrl ?? embedded!.url,
        embedded !== null,
        config,
      );
    } finally {
      await embedded?.stop();
    }
  }

  /**
   * Ready = the database runs a named prepared statement (as every signed-in request does, so a
   * session that refuses them is not ready) and no migration is pending.
   */
  async isReady(): Promise<boolean> {
    try {
      await prepared(this.dataSource, 'health_ready', 'SELECT 1 AS ready', []);
      return !(await this.dataSource.showMigrations());
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    // The embedded database flushes to disk on close; skipping this would lose recent writes.
    await this.embedded?.stop();
  }
}

/** Applies pending migrations over a connection of their own, as the owner of the tables. */
async function migrate(url: string, embedded: boolean, config: AppConfig): Promise<string[]> {
  // Two connections on a server: the advisory lock holds one while the migrations run on the other.
  const owner = createDataSource({ url, poolSize: 2, embedded, applicationName: 'lotse-migrate' });
  setMigrationSecrets({ pseudonymKey: pseudonymKey(config) });
  await owner.initialize();
  try {
    return embedded ? await runMigrations(owner) : await migrateUnderLock(owner);
  } finally {
    await owner.destroy();
  }
}
