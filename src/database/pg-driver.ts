import { escapeIdentifier, escapeLiteral } from 'pg';
import type { Client, ClientConfig, Pool, PoolClient, PoolConfig, QueryResult } from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/*
 * The one place that knows how TypeORM holds its pg objects. TypeORM has no public API for the
 * pool or a query runner's client, and pg none for closing a client's socket hard; each use here
 * is checked against the real driver by test/pg-driver.e2e-spec.ts, so an upgrade that moves one
 * fails that test (or the clear error below), not a request.
 */

function missing(what: string): Error {
  return new Error(
    `${what}: TypeORM or pg changed its internals; update src/database/pg-driver.ts`,
  );
}

/** The pg pool behind a DataSource (PostgresDriver keeps it in `master`). */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as { master?: Pool }).master;
  if (!pool) throw missing('no pg pool on the DataSource');
  return pool;
}

/**
 * The pg client of the query runner an EntityManager is bound to (a transaction's own
 * connection), connecting it if it has none yet; undefined for a manager bound to no runner
 * (DataSource.manager), whose queries go to the pool.
 */
export async function clientOf(manager: EntityManager): Promise<PoolClient | undefined> {
  const runner = manager.queryRunner;
  if (!runner) return undefined;
  // PostgresQueryRunner.connect() answers the connection it already holds (typed `any`).
  const client = (await runner.connect()) as PoolClient | undefined;
  if (typeof client?.query !== 'function') throw missing('the query runner gave no pg client');
  return client;
}

/**
 * The settings new connections of a DataSource's pool are made with (pg-pool's `options`, whose
 * Client a multi-host URL replaces: src/database/writable-host.ts), for a connection or pool of its
 * own with the same role, host choice and timeouts. pg-pool keeps the password non-enumerable, so a
 * spread of its options would drop it: it is copied here.
 */
export function poolSettingsOf(dataSource: DataSource): {
  Client: new (config: ClientConfig) => Client;
  options: PoolConfig;
} {
  const pool = poolOf(dataSource) as Pool & {
    Client?: new (config: ClientConfig) => Client;
    options?: PoolConfig;
  };
  if (!pool.Client || !pool.options) throw missing('pg-pool keeps no Client and options');
  return { Client: pool.Client, options: { ...pool.options, password: pool.options.password } };
}

/**
 * A driver stand-in whose pool is `queryable`, for a DataSource-shaped stand-in that runs the
 * repositories' SQL (and their prepared statements) on one client: the bench's baseline.
 */
export function standInDriver(queryable: Pick<Pool, 'query'>): DataSource['driver'] {
  return { master: queryable } as unknown as DataSource['driver'];
}

/**
 * Closes a client's socket at once. A polite close (release, end) waits for the running query,
 * a COPY to its end; after this the server's next send fails and the query ends. Release the
 * client with an error afterwards so the pool drops it.
 */
export function destroyClient(client: PoolClient): void {
  const stream = (client as { connection?: { stream?: { destroy?(): void } } }).connection?.stream;
  if (typeof stream?.destroy !== 'function') throw missing('no socket on the pg client');
  stream.destroy();
}

/**
 * Opens a transaction on `runner` with `first` sent in the same round trip as BEGIN (pg's simple
 * query protocol takes several statements when there are no parameters), then tells TypeORM the
 * transaction is open, so that its commitTransaction and rollbackTransaction end it as one it had
 * started itself (PostgresQueryRunner keeps that in isTransactionActive and transactionDepth).
 * `more` are named statements run after `first` in the same message (as EXECUTE, prepared on the
 * connection beforehand when new to it); their rows come back, one array per statement. When one
 * of them fails the transaction counts as open, so that the caller's rollback ends it.
 */
export async function beginWith(
  runner: QueryRunner,
  begin: string,
  first: string,
  more: readonly NamedStatement[] = [],
): Promise<unknown[][]> {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth?: unknown };
  if (typeof state.transactionDepth !== 'number')
    throw missing('no transaction depth on the query runner');
  if (state.transactionDepth !== 0 || state.isTransactionActive)
    throw new Error('beginWith on a runner inside a transaction');
  const client = await runnerClient(runner);
  await ensurePrepared(client, more);
  const text = [begin, first, ...more.map((s) => executeText(client, s))].join(';\n');
  try {
    return rowsOf(await client.query(text)).slice(2);
  } finally {
    state.isTransactionActive = true;
    state.transactionDepth = 1;
  }
}

/**
 * Ends the transaction `beginWith` opened: `statements` and the COMMIT in one round trip. When one
 * of them fails nothing is committed; the transaction stays open (aborted) for the caller's
 * rollback.
 */
export async function commitWith(
  runner: QueryRunner,
  statements: readonly string[],
): Promise<void> {
  if (statements.length === 0) return runner.commitTransaction();
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth?: unknown };
  if (state.transactionDepth !== 1 || !state.isTransactionActive)
    throw new Error('commitWith outside a beginWith transaction');
  await (await runnerClient(runner)).query([...statements, 'COMMIT'].join(';\n'));
  state.isTransactionActive = false;
  state.transactionDepth = 0;
}

/** A named statement (PostgreSQL plans it once per connection), sent inside a multi-statement message. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

/** pg's record of the statements parsed on a client's connection (Connection.parsedStatements). */
function parsedOn(client: PoolClient): Record<string, string> {
  const parsed = (client as { connection?: { parsedStatements?: Record<string, string> } })
    .connection?.parsedStatements;
  if (!parsed) throw missing('no parsedStatements on the pg connection');
  return parsed;
}

/**
 * Prepares on `client` each statement it does not hold yet (a round trip each, once per
 * connection), and records it where pg records its own, so that `prepared()` and EXECUTE share
 * one plan under one name and pg never parses a name twice.
 */
export async function ensurePrepared(
  client: PoolClient,
  statements: readonly Pick<NamedStatement, 'name' | 'text'>[],
): Promise<void> {
  const parsed = parsedOn(client);
  for (const s of statements) {
    if (parsed[s.name] === s.text) continue;
    if (parsed[s.name] !== undefined)
      throw new Error(`statement ${s.name} prepared with another text`);
    await client.query(`PREPARE ${escapeIdentifier(s.name)} AS ${s.text}`);
    parsed[s.name] = s.text;
  }
}

/**
 * `EXECUTE name(literals)` of a statement prepared on `client` (ensurePrepared): one statement of
 * a simple-protocol message, so that it can travel with others (BEGIN, COMMIT) in one round trip.
 * Every value is an escaped literal, which PostgreSQL casts to the parameter's type.
 */
export function executeText(client: PoolClient, s: NamedStatement): string {
  if (parsedOn(client)[s.name] !== s.text) throw new Error(`statement ${s.name} is not prepared`);
  return s.values.length === 0
    ? `EXECUTE ${escapeIdentifier(s.name)}`
    : `EXECUTE ${escapeIdentifier(s.name)}(${s.values.map(literalOf).join(', ')})`;
}

/** A value as a PostgreSQL literal, as pg would send it as a parameter (text form). */
export function literalOf(value: unknown): string {
  if (value === null) return 'NULL';
  if (value === undefined) throw new Error('literalOf: undefined');
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  if (Buffer.isBuffer(value)) return escapeLiteral(`\\x${value.toString('hex')}`);
  if (Array.isArray(value)) return escapeLiteral(arrayText(value));
  if (typeof value === 'object') return escapeLiteral(JSON.stringify(value));
  return escapeLiteral(scalarText(value));
}

function scalarText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      throw new Error(`literalOf: a ${typeof value} has no literal`);
  }
}

/** A one-dimensional array of scalars in PostgreSQL's array syntax. */
function arrayText(items: readonly unknown[]): string {
  const element = (v: unknown): string =>
    v === null ? 'NULL' : `"${scalarText(v).replace(/["\\]/g, '\\$&')}"`;
  return `{${items.map(element).join(',')}}`;
}

/** The rows of each statement of a multi-statement simple query (pg answers one result or an array). */
function rowsOf(result: QueryResult | QueryResult[]): unknown[][] {
  return (Array.isArray(result) ? result : [result]).map((r) => r.rows as unknown[]);
}

/**
 * The runner's pg client, connected: statements sent on it directly skip TypeORM's query path
 * (logging, result wrapping), which a transition pays for on every round trip.
 */
async function runnerClient(runner: QueryRunner): Promise<PoolClient> {
  const client = (await runner.connect()) as PoolClient | undefined;
  if (typeof client?.query !== 'function') throw missing('the query runner gave no pg client');
  return client;
}

/**
 * executeText on the connection of `manager`'s transaction, preparing the statement there first
 * when it is new to that connection (one round trip, once per connection).
 */
export async function executeLater(manager: EntityManager, s: NamedStatement): Promise<string> {
  const client = await clientOf(manager);
  if (!client) throw new Error('executeLater outside a transaction');
  await ensurePrepared(client, [s]);
  return executeText(client, s);
}
