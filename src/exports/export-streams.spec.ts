import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { CsvTally, ExportTally, headsDigest, NdjsonTally } from './export-tally';

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
      expect(await run(chunks, new CsvTally(new ExportTally(), 0x2c))).toBe(
        'caseRef,hash\r\nc_a,h1\r\nc_b,h2\r\n',
      );
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
});
