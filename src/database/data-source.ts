import { type ClientBase, types } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';
import { parseMultiHostUrl } from './multi-host-url';
import { WritableHost, writableHostClient } from './writable-host';

// Calendar dates (milestones, birth dates) stay 'YYYY-MM-DD' strings: pg would otherwise turn them
// into Date objects at local midnight and shift them across time zones.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

export interface DataSourceSettings {
  url: string;
  poolSize: number;
  /** The embedded database is a single session: one connection, see embedded-postgres.ts. */
  embedded: boolean;
  /** How long an idle pooled connection is kept; 0 keeps it for ever (the default when embedded). */
  idleTimeoutMs?: number;
  applicationName?: string;
  /**
   * The embedded database has one login, a superuser: its request connections switch to this role
   * (SET ROLE) as they connect, so that row-level security binds them as in server mode.
   */
  actAs?: string;
}

/**
 * A new connection to the embedded session starts without the statements of the one before, and
 * (for request connections) as the request role.
 */
function onEmbeddedConnect(actAs: string | undefined) {
  return async (client: ClientBase): Promise<void> => {
    await client.query('DEALLOCATE ALL');
    if (actAs) await client.query(`SET ROLE ${actAs}`);
  };
}

const WRITABLE_HOSTS = new WeakMap<DataSource, WritableHost>();

/** The writable-host tracker of a DataSource on a multi-host URL; undefined for one host. */
export function writableHostOf(dataSource: DataSource): WritableHost | undefined {
  return WRITABLE_HOSTS.get(dataSource);
}

/** One DataSource definition for the service, the CLI and the tests. `synchronize` is never on. */
export function createDataSource(settings: DataSourceSettings): DataSource {
  // A multi-host URL (libpq syntax): pg takes one host, so new connections go to the writable
  // one (writable-host.ts). A single-host URL goes to pg as it is.
  const multi = settings.embedded ? null : parseMultiHostUrl(settings.url);
  const hosts = multi
    ? new WritableHost(multi, { applicationName: settings.applicationName ?? 'lotse' })
    : null;
  const dataSource = new DataSource({
    type: 'postgres',
    url: multi ? multi.urls[0] : settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Keys default to gen_random_uuid() (core since PostgreSQL 13, present in PGlite); the schema
    // comes from migrations, so TypeORM must not try to create extensions.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: false,
    applicationName: settings.applicationName ?? 'lotse',
    extra: {
      max: settings.embedded ? 1 : settings.poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: settings.idleTimeoutMs ?? (settings.embedded ? 0 : 30_000),
      // The embedded session outlives every connection to it, and so do the statements prepared in
      // it: a new connection would prepare them again and fail with 42P05 ("already exists").
      ...(settings.embedded ? { onConnect: onEmbeddedConnect(settings.actAs) } : {}),
      ...(hosts ? { Client: writableHostClient(hosts) } : {}),
      // A statement that runs away must not hold a connection (and its locks) for ever.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
    },
  });
  if (hosts) WRITABLE_HOSTS.set(dataSource, hosts);
  return dataSource;
}

/** Runs pending migrations; a failure names the migration and stops the caller. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationFailedError(reason);
  }
}

export class MigrationFailedError extends Error {
  constructor(reason: string) {
    super(`A database migration failed, the service will not start: ${reason}`);
  }
}
