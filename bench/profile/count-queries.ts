import { writeFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * Preloaded into the service by the bench (`node --require`): counts every statement the service
 * sends to PostgreSQL (each pg Client#query is one round trip; TypeORM's START TRANSACTION and
 * COMMIT included). On SIGUSR2 the count goes to BENCH_QUERY_COUNT_FILE, so the report can show
 * round trips per request. Costs one increment per query.
 */
let count = 0;
// Taken off the prototype on purpose: the wrapper below calls it with the client as `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const query = Client.prototype.query;
Client.prototype.query = function countedQuery(this: Client, ...args: unknown[]) {
  count++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const file = process.env.BENCH_QUERY_COUNT_FILE;
if (file) process.on('SIGUSR2', () => writeFileSync(file, String(count)));
