import { Transform, TransformCallback } from 'node:stream';

const LF = 0x0a;
const QUOTE = 0x22;

/** Rows and each case's chain head, counted from the bytes as they are sent. */
export class ExportTally {
  rows = 0;
  readonly heads = new Map<string, string>();

  add(caseRef: string, hash: string): void {
    this.rows++;
    this.heads.set(caseRef, hash);
  }
}

/**
 * Counts CSV records and keeps each case's last hash while passing the bytes on. caseRef is the
 * first column and hash the last; neither is ever quoted, so only record boundaries need care: a
 * line feed inside a quoted text (includeText exports) does not end a record.
 */
export class CsvTally extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private headerSeen = false;

  constructor(
    private readonly tally: ExportTally,
    private readonly delimiter: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    let quotes = 0;
    let scanFrom = 0;
    for (let nl = data.indexOf(LF); nl !== -1; nl = data.indexOf(LF, nl + 1)) {
      for (let q = data.indexOf(QUOTE, scanFrom); q !== -1 && q < nl; q = data.indexOf(QUOTE, q + 1)) quotes++;
      scanFrom = nl + 1;
      if (quotes % 2 === 1) continue; // inside a quoted field
      this.record(data, start, nl);
      start = nl + 1;
      quotes = 0;
    }
    this.carry = Buffer.from(data.subarray(start));
    done(null, chunk);
  }

  private record(data: Buffer, start: number, end: number): void {
    if (!this.headerSeen) {
      this.headerSeen = true;
      return;
    }
    let last = end;
    if (data[last - 1] === 0x0d) last--;
    const firstDelimiter = data.indexOf(this.delimiter, start);
    const lastDelimiter = data.lastIndexOf(this.delimiter, last - 1);
    this.tally.add(data.toString('latin1', start, firstDelimiter), data.toString('latin1', lastDelimiter + 1, last));
  }
}

const NDJSON_HEAD = /^\{"caseRef" : "([^"]+)".*"hash" : "([0-9a-f]{64})"\}$/;

/** The same for NDJSON lines (caseRef is the first key, hash the last, as the export writes them). */
export class NdjsonTally extends Transform {
  private carry = '';

  constructor(private readonly tally: ExportTally) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const lines = (this.carry + chunk.toString('utf8')).split('\n');
    this.carry = lines.pop() ?? '';
    for (const line of lines) {
      const m = NDJSON_HEAD.exec(line);
      if (m) this.tally.add(m[1], m[2]);
      else {
        const row = JSON.parse(line) as { caseRef: string; hash: string };
        this.tally.add(row.caseRef, row.hash);
      }
    }
    done(null, chunk);
  }
}
