import { setTimeout as sleep } from 'node:timers/promises';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import {
  beginWith,
  clientOf,
  commitWith,
  destroyClient,
  ensurePrepared,
  executeLater,
  poolOf,
} from '../src/database/pg-driver';
import { prepared } from '../src/database/prepared';
import { sql } from '../src/database/sql';
import { ClonedDatabase, cloneTemplate } from './support/cloned-database';
import { withAdminClient } from './support/database';

/**
 * The adapter to TypeORM's and pg's internals (src/database/pg-driver.ts) against the real driver:
 * an upgrade that renames what it reaches into fails here, not in production.
 */
describe('pg driver adapter', () => {
  let database: ClonedDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await cloneTemplate(2);
    db = database.dataSource;
  });
  afterAll(() => database.drop());

  const backendPid = async (runner: DataSource | Parameters<typeof prepared>[0]) =>
    (
      await prepared<{ pid: number }>(
        runner,
        'driver_test_pid',
        'SELECT pg_backend_pid() AS pid',
        [],
      )
    )[0].pid;

  it('runs a named prepared statement on the pool of a DataSource', async () => {
    const pool = poolOf(db);
    expect(typeof pool.connect).toBe('function');
    const client = await pool.connect();
    try {
      const statement = {
        name: 'driver_test_on_pool',
        text: 'SELECT $1::integer + 1 AS n',
        values: [41],
      };
      expect((await client.query<{ n: number }>(statement)).rows).toEqual([{ n: 42 }]);
      // Named: the session now holds the statement under that name.
      const held = await client.query(
        `SELECT statement FROM pg_prepared_statements WHERE name = 'driver_test_on_pool'`,
      );
      expect(held.rows).toHaveLength(1);
    } finally {
      client.release();
    }
    expect(
      await prepared<{ n: number }>(db, 'driver_test_on_pool', 'SELECT $1::integer + 1 AS n', [1]),
    ).toEqual([{ n: 2 }]);
    expect(
      await prepared<{ n: number }>(
        db.manager,
        'driver_test_on_pool',
        sql`SELECT ${2}::integer + 1 AS n`,
      ),
    ).toEqual([{ n: 3 }]);
    await expect(clientOf(db.manager)).resolves.toBeUndefined();
  });

  it('runs inside a transaction on the transaction’s own connection, in the transaction', async () => {
    await expect(
      db.transaction(async (tx) => {
        const [{ pid }]: { pid: number }[] = await tx.query('SELECT pg_backend_pid() AS pid');
        expect(await backendPid(tx)).toBe(pid);
        const own = await clientOf(tx);
        expect(
          (await own!.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid,
        ).toBe(pid);
        // A temporary table exists only in its own session, the row below only in this transaction.
        await tx.query('CREATE TEMPORARY TABLE driver_test_seen (n integer) ON COMMIT DROP');
        await tx.query('INSERT INTO driver_test_seen VALUES (7)');
        const rows = await prepared<{ n: number }>(
          tx,
          'driver_test_temp',
          sql`SELECT n + ${1} AS n FROM driver_test_seen`,
        );
        expect(rows).toEqual([{ n: 8 }]);
        await prepared(
          tx,
          'driver_test_write',
          sql`INSERT INTO office (code, name) VALUES (${'DRVTEST'}, ${'Rolled back'})`,
        );
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // The statement's write went with the rolled-back transaction.
    expect(
      await prepared(db, 'driver_test_office', sql`SELECT 1 FROM office WHERE code = ${'DRVTEST'}`),
    ).toEqual([]);
  });

  it('a hard destroy of a client ends the query running on it', async () => {
    const client = await poolOf(db).connect();
    client.on('error', () => undefined); // the cut connection reports here too
    const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    // generate_series in the select list streams its rows (in FROM it would first build them all).
    const copy = client.query(
      copyTo(`COPY (SELECT generate_series(1, 50000000), repeat('x', 200)) TO STDOUT`),
    );
    const failed = new Promise<Error>((resolve) => copy.on('error', resolve));
    // The reader stops reading, as a slow client does: the server blocks on a full socket.
    await new Promise((resolve) => copy.once('data', resolve));
    copy.pause();
    const running = () =>
      withAdminClient(
        async (admin) =>
          (
            await admin.query(
              `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'COPY%'`,
              [pid],
            )
          ).rows.length > 0,
      );
    expect(await running()).toBe(true);

    destroyClient(client);
    const error = await failed;
    client.release(error);
    const deadline = Date.now() + 10_000;
    while ((await running()) && Date.now() < deadline) await sleep(50);
    expect(await running()).toBe(false);
    expect(poolOf(db).totalCount).toBe(0); // released with the error: the pool dropped it
  });

  it('opens a transaction with its first statement in the same round trip, and TypeORM ends it', async () => {
    const runner = db.createQueryRunner();
    try {
      await beginWith(
        runner,
        'BEGIN ISOLATION LEVEL REPEATABLE READ',
        `SELECT set_config('app.test', 'inside', true)`,
      );
      expect(runner.isTransactionActive).toBe(true);
      const [inside] = await runner.query(
        `SELECT current_setting('app.test', true) AS v, current_setting('transaction_isolation') AS iso`,
      );
      expect(inside).toMatchObject({ v: 'inside', iso: 'repeatable read' });
      await runner.query(`CREATE TEMP TABLE driver_test_tx (n int)`);
      await runner.rollbackTransaction();
      expect(runner.isTransactionActive).toBe(false);
      // Rolled back: the table is gone, the setting with it.
      const [after] = await runner.query(
        `SELECT to_regclass('pg_temp.driver_test_tx') IS NULL AS gone, current_setting('app.test', true) AS v`,
      );
      expect(after).toMatchObject({ gone: true, v: '' });
      await beginWith(runner, 'BEGIN', `SELECT set_config('app.test', 'again', true)`);
      await runner.commitTransaction();
      expect(runner.isTransactionActive).toBe(false);
      await expect(beginWith(runner, 'BEGIN', 'SELECT 1')).resolves.toEqual([]);
      await expect(beginWith(runner, 'BEGIN', 'SELECT 1')).rejects.toThrow(/inside a transaction/);
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
  });

  it('sends named statements with BEGIN as EXECUTE of literals, prepared once per connection, and answers their rows', async () => {
    const runner = db.createQueryRunner();
    try {
      const echo = {
        name: 'driver_test_echo',
        text: `SELECT $1::text AS s, $2::timestamptz AS at, $3::uuid[] AS ids, $4::jsonb AS j, $5::int AS n, $6::boolean AS b, $7::text AS none`,
      };
      const at = new Date('2026-03-29T01:30:00.123Z');
      const values = [
        `it's a "quote" \\ and ;`,
        at,
        ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
        JSON.stringify({ a: "b'c" }),
        42,
        false,
        null,
      ];
      const rows = await beginWith(runner, 'BEGIN', 'SELECT 1', [
        { ...echo, values },
        { ...echo, values: ['second', at, [], '[]', 0, true, 'x'] },
      ]);
      expect(rows).toEqual([
        [{ s: values[0], at, ids: values[2], j: { a: "b'c" }, n: 42, b: false, none: null }],
        [{ s: 'second', at, ids: [], j: [], n: 0, b: true, none: 'x' }],
      ]);
      // Prepared where pg keeps its own: prepared() under the same name reuses the plan.
      const [again] = await prepared(runner.manager, echo.name, echo.text, values);
      expect(again).toMatchObject({ s: values[0], n: 42 });
      // A statement sent later with the COMMIT, prepared on this connection already.
      await runner.query('CREATE TEMP TABLE driver_test_later (s text)');
      const insert = {
        name: 'driver_test_later_insert',
        text: 'INSERT INTO driver_test_later (s) VALUES ($1)',
        values: ["o'neil"],
      };
      const later = await executeLater(runner.manager, insert);
      expect(later).toBe(`EXECUTE "driver_test_later_insert"('o''neil')`);
      await commitWith(runner, [later]);
      expect(await runner.query('SELECT s FROM driver_test_later')).toEqual([{ s: "o'neil" }]);
      // Already prepared: nothing sent.
      await ensurePrepared((await clientOf(runner.manager))!, [insert]);
      await expect(
        ensurePrepared((await clientOf(runner.manager))!, [{ ...insert, text: 'SELECT 2' }]),
      ).rejects.toThrow(/another text/);
    } finally {
      await runner.release();
    }
  });

  it('counts a transaction whose statement after BEGIN failed as open, so that the rollback ends it', async () => {
    const runner = db.createQueryRunner();
    try {
      await expect(
        beginWith(runner, 'BEGIN', 'SELECT 1', [
          { name: 'driver_test_fail', text: 'SELECT 1 / $1::int AS x', values: [0] },
        ]),
      ).rejects.toThrow(/division by zero/);
      expect(runner.isTransactionActive).toBe(true);
      await runner.rollbackTransaction();
      const [state] = await runner.query(`SELECT 1 AS ok`);
      expect(state).toEqual({ ok: 1 });
    } finally {
      await runner.release();
    }
  });
});
