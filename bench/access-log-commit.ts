/**
 * The access log's group commit alone, against one commit per entry, in the same run: CLIENTS
 * loops that each log a read entry and wait until it is committed, for LOAD_MS each way.
 *
 *   npm run build && node dist/bench/access-log-commit.js
 *
 * Env: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_CLIENTS (32),
 * BENCH_LOAD_MS (3000). A scratch database lotse_bench_<pid> with an access_log of the real
 * columns (no row-level security: the cost measured is the commit's).
 */
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { ACCESS_LOG_COLUMNS, ReadLogCommitter } from '../src/access-log/read-log-committer';
import type { AppConfig } from '../src/config/config';
import { standInDriver } from '../src/database/pg-driver';
import { createScratchDatabase, databaseUrl, dropScratchDatabase } from './lib/scratch-db';

const ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 3000);

const tuple = (n: number) => `'user', NULL, NULL, 'case', '${n}', 'read', 'bench-${n}', NULL`;

async function closedLoop(each: (n: number) => Promise<void>): Promise<number> {
  let done = 0;
  const until = Date.now() + LOAD_MS;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) await each(done++);
    }),
  );
  return done / (LOAD_MS / 1000);
}

async function main(): Promise<void> {
  const name = await createScratchDatabase(ADMIN);
  const url = databaseUrl(ADMIN, name);
  const pool = new Pool({ connectionString: url, max: CLIENTS });
  try {
    await pool.query(`CREATE TABLE access_log (
      id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), actor_type text NOT NULL,
      actor_id uuid, office_id uuid, resource_type text NOT NULL, resource_id text,
      action text NOT NULL, request_id text, details jsonb)`);
    const results: string[] = [];
    // Today's cost: each read's entry with a commit of its own (the read's transaction).
    const single = await closedLoop(async (n) => {
      await pool.query(
        `BEGIN; INSERT INTO access_log (${ACCESS_LOG_COLUMNS}) VALUES (${tuple(n)}); COMMIT`,
      );
    });
    results.push(`one commit per entry, ${CLIENTS} clients: ${single.toFixed(0)} entries/s`);
    for (const connections of [1, 2, 4, 8]) {
      for (const waitMs of [0, 2]) {
        const committer = new ReadLogCommitter(
          { driver: standInDriver(pool) } as unknown as DataSource,
          {
            databaseUrl: url,
            accessLogBatchWaitMs: waitMs,
            accessLogBatchMax: 256,
            accessLogBatchConnections: connections,
          } as AppConfig,
        );
        const rate = await closedLoop((n) =>
          committer.write({ officeIds: [null], tuples: [tuple(n)] }),
        );
        await committer.beforeApplicationShutdown();
        results.push(
          `group commit, ${connections} connection(s), wait ${waitMs} ms: ${rate.toFixed(0)} entries/s (${((rate / single) * 100).toFixed(0)} % of one commit per entry)`,
        );
      }
    }
    const [{ n }] = (await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM access_log`))
      .rows;
    console.log(results.join('\n'));
    console.log(`rows written: ${n}`);
  } finally {
    await pool.end();
    await dropScratchDatabase(ADMIN, name);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
