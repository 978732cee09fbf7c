import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { CsvTally, ExportTally, headsDigest, NdjsonTally } from './export-tally';
import { Coalesce } from './stream-taps';

async function run(chunks: string[], ...stages: NodeJS.ReadWriteStream[]): Promise<string> {
  let out = '';
  await pipeline([
    Readable.from(chunks.map((c) => Buffer.from(c))),
    ...stages,
    new Writable({
      write(chunk: Buffer, _e, done) {
        out += chunk.toString();
        done();
      },
    }),
  ] as unknown as [Readable, Writable]);
  return out;
}

/** What a tally saw, read back from its spool (and its files removed). */
async function heads(tally: ExportTally) {
  const digest = await tally.finish();
  const list: [string, string][] = [];
  for await (const h of tally.heads()) list.push(h);
  tally.dispose();
  return { rows: tally.rows, cases: tally.cases, heads: list, digest };
}

/** Every way of cutting the text into two or three chunks. */
function splits(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 1; i < text.length; i++) {
    out.push([text.slice(0, i), text.slice(i)]);
    const j = Math.min(text.length - 1, i + 7);
    if (j > i) out.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return out;
}

describe('export byte streams', () => {
  const csv = 'caseRef,seq,reason,hash\nc_a,1,"ein\nzwei, ""drei""",h1\nc_a,2,,h2\nc_b,1,x,h3\n';

  it('counts CSV records and chain heads across any chunk boundary, quoted line feeds included', async () => {
    for (const chunks of splits(csv)) {
      const tally = new ExportTally();
      const out = await run(chunks, new CsvTally(tally, 0x2c));
      // Records end with CRLF; the line feed inside the quoted text stays as it was.
      expect(out).toBe(
        'caseRef,seq,reason,hash\r\nc_a,1,"ein\nzwei, ""drei""",h1\r\nc_a,2,,h2\r\nc_b,1,x,h3\r\n',
      );
      expect(await heads(tally)).toEqual({
        rows: 3,
        cases: 2,
        heads: [
          ['c_a', 'h2'],
          ['c_b', 'h3'],
        ],
        digest: headsDigest([
          ['c_a', 'h2'],
          ['c_b', 'h3'],
        ]),
      });
    }
  });

  it('ends records with CRLF once, also when CR and LF arrive in different chunks', async () => {
    for (const chunks of splits('caseRef,hash\nc_a,h1\r\nc_b,h2\n')) {
      const tally = new ExportTally();
      expect(await run(chunks, new CsvTally(tally, 0x2c))).toBe(
        'caseRef,hash\r\nc_a,h1\r\nc_b,h2\r\n',
      );
      tally.dispose(); // its spool directory, which the test would otherwise leave in /tmp
    }
  });

  it('counts NDJSON lines by their first and last key', async () => {
    const lines =
      '{"caseRef" : "c_a", "seq" : 1, "hash" : "' +
      'a'.repeat(64) +
      '"}\n{"seq":2,"hash":"x","caseRef":"c_b"}\n';
    for (const chunks of splits(lines)) {
      const tally = new ExportTally();
      await run(chunks, new NdjsonTally(tally));
      expect((await heads(tally)).heads).toEqual([
        ['c_a', 'a'.repeat(64)],
        ['c_b', 'x'],
      ]);
    }
  });
});

/**
 * What the CSV tally must answer, worked out on the whole text at once and one character at a
 * time: records end at a line feed outside quotes, get a CR there unless one is before it, and a
 * run of records with the same first field is one case whose head is the last field of its last
 * record.
 */
function oracle(text: string, delimiter: string) {
  const records: string[] = [];
  let out = '';
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    if (text[i] !== '\n' || quoted) continue;
    const record = text.slice(start, i);
    out += text.slice(start, i) + (record.endsWith('\r') ? '\n' : '\r\n');
    records.push(record.endsWith('\r') ? record.slice(0, -1) : record);
    start = i + 1;
  }
  out += text.slice(start);
  const heads: [string, string][] = [];
  for (const record of records.slice(1)) {
    const ref = record.slice(0, record.indexOf(delimiter));
    const hash = record.slice(record.lastIndexOf(delimiter) + 1);
    if (heads.length && heads[heads.length - 1][0] === ref) heads[heads.length - 1][1] = hash;
    else heads.push([ref, hash]);
  }
  return { out, rows: Math.max(records.length - 1, 0), cases: heads.length, heads };
}

/** A small deterministic random source (the cases must be the same on every run). */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
}

const CELLS = ['', 'x', 'Köln', '"a, ""b"""', '"ein\nzwei"', '"\r\n"', '"\n"', '"""\n"""', "'=1"];

/** An export as COPY writes it: a header, then cases of 1–4 records (some refs come back later). */
function copyText(next: (n: number) => number, rows: number, d: string): string {
  let text = `caseRef${d}reason${d}hash\n`;
  let ref = 'c_0';
  for (let r = 0; r < rows; r++) {
    if (next(3) === 0) ref = `c_${next(6)}${'z'.repeat(next(3))}`;
    const cells = Array.from({ length: next(3) }, () => CELLS[next(CELLS.length)]);
    text += [ref, ...cells, `h${r}`.padEnd(8, String(next(10)))].join(d) + '\n';
  }
  return text;
}

/** The text cut at random places, 1 to 40 bytes apart (multi-byte characters cut too). */
function cuts(bytes: Buffer, next: (n: number) => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = 1 + next(40);
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

async function tallied(chunks: Buffer[], delimiter: number, coalesce: number | null) {
  const tally = new ExportTally();
  const parts: Buffer[] = [];
  await pipeline([
    Readable.from(chunks),
    ...(coalesce ? [new Coalesce(coalesce)] : []),
    new CsvTally(tally, delimiter),
    new Writable({
      write(chunk: Buffer, _e, done) {
        parts.push(chunk);
        done();
      },
    }),
  ] as unknown as [Readable, Writable]);
  const seen = await heads(tally);
  return { out: Buffer.concat(parts).toString('utf8'), ...seen };
}

describe('CSV tally against the one-character-at-a-time reading', () => {
  it('agrees on bytes, rows, cases and heads for random exports cut at random places', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const d = seed % 2 ? ',' : ';';
      const text = copyText(next, [0, 1, 2, 5, 40][seed % 5], d);
      const want = oracle(text, d);
      const got = await tallied(
        cuts(Buffer.from(text), next),
        d.charCodeAt(0),
        seed % 3 ? null : 64,
      );
      expect(got).toEqual({ ...want, digest: headsDigest(want.heads) });
    }
  });

  it('counts an empty export (header only) as no rows and no cases', async () => {
    const got = await tallied([Buffer.from('caseRef,hash\n')], 0x2c, null);
    expect(got).toEqual({
      out: 'caseRef,hash\r\n',
      rows: 0,
      cases: 0,
      heads: [],
      digest: headsDigest([]),
    });
  });

  it('takes one row cut inside its ref and its hash, byte by byte', async () => {
    const text = 'caseRef,seq,hash\nc_one,1,' + 'f'.repeat(64) + '\n';
    const bytes = Buffer.from(text);
    const got = await tallied(
      Array.from(bytes, (_b, i) => bytes.subarray(i, i + 1)),
      0x2c,
      null,
    );
    expect(got.heads).toEqual([['c_one', 'f'.repeat(64)]]);
    expect([got.rows, got.cases, got.out]).toEqual([1, 1, text.replaceAll('\n', '\r\n')]);
  });

  it('tells a ref from a longer one that begins with it, in one chunk and across chunks', async () => {
    const text = 'caseRef,hash\nc_1,h1\nc_1,h2\nc_12,h3\nc_1,h4\n';
    for (const chunks of splits(text)) {
      const got = await tallied(
        chunks.map((c) => Buffer.from(c)),
        0x2c,
        null,
      );
      expect(got.heads).toEqual([
        ['c_1', 'h2'],
        ['c_12', 'h3'],
        ['c_1', 'h4'],
      ]);
    }
  });
});

describe('Coalesce', () => {
  it('passes the bytes on in order, in chunks of at least its size but the last', async () => {
    const sizes: number[] = [];
    let out = '';
    await pipeline(
      Readable.from(['abc', 'de', 'f', 'ghij', 'k'].map((c) => Buffer.from(c))),
      new Coalesce(4),
      new Writable({
        write(chunk: Buffer, _e, done) {
          sizes.push(chunk.length);
          out += chunk.toString();
          done();
        },
      }),
    );
    expect([out, sizes]).toEqual(['abcdefghijk', [5, 5, 1]]);
  });
});

describe('ExportTally', () => {
  it('spools many cases without keeping them in memory and reads them back in order', async () => {
    const tally = new ExportTally();
    for (let c = 0; c < 20_000; c++)
      for (let s = 1; s <= 3; s++) tally.add(`c_${c}`, `h_${c}_${s}`);
    const seen = await heads(tally);
    expect(seen.rows).toBe(60_000);
    expect(seen.cases).toBe(20_000);
    expect(seen.heads[19_999]).toEqual(['c_19999', 'h_19999_3']);
    expect(seen.digest).toBe(headsDigest(seen.heads));
  });

  it('reads the spool back in blocks of whole lines, the same lines as heads()', async () => {
    const tally = new ExportTally();
    for (let c = 0; c < 5_000; c++) tally.addRun(`c_${c}`, 2, `h_${c}`);
    await tally.finish();
    const blocks: string[] = [];
    for await (const block of tally.headBlocks(1000)) blocks.push(block);
    const lines: string[] = [];
    for await (const [caseRef, head] of tally.heads()) lines.push(`${caseRef} ${head}\n`);
    tally.dispose();
    expect(blocks.length).toBeGreaterThan(50);
    expect(blocks.every((b) => b.endsWith('\n'))).toBe(true);
    expect(blocks.join('')).toBe(lines.join(''));
    expect([tally.rows, tally.cases, lines.length]).toEqual([10_000, 5_000, 5_000]);
  });
});
