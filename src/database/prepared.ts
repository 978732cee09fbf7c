import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

/**
 * A named prepared statement for the few queries every request runs (credentials, the case read,
 * the locking read and write of a phase change, the access log). PostgreSQL then plans each once
 * per connection instead of on every call; planning cost more than executing for all of them.
 * Queries whose optional filters change the best plan (the list queries) stay unnamed on purpose.
 * Inside a transaction it runs on the transaction's connection.
 */
export async function prepared<R extends QueryResultRow>(
  runner: DataSource | EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const statement = { name, text, values };
  if (runner instanceof DataSource) {
    return (await (runner.driver as unknown as { master: Pool }).master.query<R>(statement)).rows;
  }
  const queryRunner = runner.queryRunner as unknown as { databaseConnection?: PoolClient; connect(): Promise<PoolClient> } | undefined;
  if (!queryRunner) return prepared(runner.connection, name, text, values);
  const client = queryRunner.databaseConnection ?? (await queryRunner.connect());
  return (await client.query<R>(statement)).rows;
}
