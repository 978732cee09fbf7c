import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { copyOut } from '../src/exports/copy-out';
import { TEST_DATABASE_URL } from './support/database';

/**
 * The export's COPY reader (src/exports/copy-out.ts) against a real server: it reads the
 * protocol itself and hands the rest back to pg-copy-streams and pg, so it must give the bytes
 * pg-copy-streams gives, in full chunks, and leave the connection as that would.
 */
describe('copyOut', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
  });
  afterAll(() => client.end());

  // 'data' events, not an async iterator: that joins what is buffered, and the sizes are the test.
  async function read(stream: NodeJS.ReadableStream) {
    const hash = createHash('sha256');
    const sizes: number[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        sizes.push(chunk.length);
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    return { sha256: hash.digest('hex'), bytes: sizes.reduce((a, b) => a + b, 0), sizes };
  }

  // Rows from 2 bytes to 3,000 (some larger than a chunk below), and line feeds in quoted cells.
  const ROWS = `SELECT i, repeat(chr(97 + i % 26), (i * 7919) % 3000) AS t,
                       CASE WHEN i % 5 = 0 THEN E'a\\nb, "c"' END AS q
                  FROM generate_series(1, 20000) i`;

  it('gives the bytes and row count pg-copy-streams gives, in chunks of its size but the last', async () => {
    const sql = `COPY (${ROWS}) TO STDOUT WITH (FORMAT csv, HEADER)`;
    const want = await read(client.query(copyTo(sql)));
    for (const size of [1000, 64 * 1024]) {
      const stream = client.query(copyOut(sql, size));
      const got = await read(stream);
      expect([got.sha256, got.bytes]).toEqual([want.sha256, want.bytes]);
      expect(got.sizes.slice(0, -1).every((n) => n === size)).toBe(true);
      expect(got.sizes.length).toBe(Math.ceil(want.bytes / size));
      expect(stream.rowCount).toBe(20000);
    }
    // The connection is pg's again, in order.
    expect((await client.query('SELECT 41 + 1 AS n')).rows).toEqual([{ n: 42 }]);
  });

  it('ends an empty COPY with no bytes', async () => {
    const got = await read(client.query(copyOut('COPY (SELECT 1 WHERE false) TO STDOUT')));
    expect(got.bytes).toBe(0);
    expect((await client.query('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
  });

  it('fails with the server error of a row mid-COPY and leaves the connection usable', async () => {
    const stream = client.query(
      copyOut(
        `COPY (SELECT i, 1 / (i - 15000) AS x, repeat('x', 100) FROM generate_series(1, 20000) i) TO STDOUT`,
        4096,
      ),
    );
    await expect(read(stream)).rejects.toThrow('division by zero');
    expect((await client.query('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);
  });
});
