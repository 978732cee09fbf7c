import type { QueryResultRow } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { clientOf, poolOf } from './pg-driver';
import type { Sql } from './sql';

/**
 * A named prepared statement for the few queries every request runs (credentials, the case read,
 * the locking read and write of a phase change, the access log). PostgreSQL then plans each once
 * per connection instead of on every call; planning cost more than executing for all of them.
 * Queries whose optional filters change the best plan (the list queries) stay unnamed on purpose.
 * Inside a transaction it runs on the transaction's connection. The statement may also be given
 * as built by the `sql` tag (sql.ts).
 */
export async function prepared<R extends QueryResultRow>(
  runner: DataSource | EntityManager,
  name: string,
  text: string,
  values: readonly unknown[],
): Promise<R[]>;
export async function prepared<R extends QueryResultRow>(
  runner: DataSource | EntityManager,
  name: string,
  statement: Sql<R>,
): Promise<R[]>;
export async function prepared<R extends QueryResultRow>(
  runner: DataSource | EntityManager,
  name: string,
  textOrStatement: string | Sql<R>,
  values: readonly unknown[] = [],
): Promise<R[]> {
  const statement =
    typeof textOrStatement === 'string'
      ? // pg reads the values, it does not change them.
        { name, text: textOrStatement, values: values as unknown[] }
      : { name, text: textOrStatement.text, values: textOrStatement.values };
  if (runner instanceof DataSource) return (await poolOf(runner).query<R>(statement)).rows;
  const client = await clientOf(runner);
  if (!client) return prepared(runner.connection, name, statement.text, statement.values);
  return (await client.query<R>(statement)).rows;
}
