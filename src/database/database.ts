import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { createDataSource, runMigrations } from './data-source';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { setMigrationSecrets } from './migration-context';
import { prepared } from './prepared';
import { pseudonymKey } from '../history-chain/history-sealer';

/**
 * The service's database, in either mode: the PostgreSQL server named by DATABASE_URL, or the
 * embedded one under the data directory. Opening it applies pending migrations; a failed migration
 * stops the start.
 */
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

export class Database {
  private constructor(
    readonly dataSource: DataSource,
    readonly mode: 'server' | 'embedded',
    private readonly embedded: EmbeddedPostgres | null,
  ) {}

  static async open(config: AppConfig, logger = new Logger('Database')): Promise<Database> {
    const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir);
    const dataSource = createDataSource({
      url: config.databaseUrl ?? embedded!.url,
      poolSize: config.databasePoolSize,
      idleTimeoutMs: config.databaseIdleTimeoutMs,
      embedded: embedded !== null,
    });
    setMigrationSecrets({ pseudonymKey: pseudonymKey(config) });
    try {
      await dataSource.initialize();
      const applied = embedded
        ? await runMigrations(dataSource)
        : await migrateUnderLock(dataSource);
      if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw error;
    }
    const mode = embedded ? 'embedded' : 'server';
    logger.log(
      mode === 'embedded' ? `Embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL server',
    );
    return new Database(dataSource, mode, embedded);
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
