import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform, TransformCallback } from 'node:stream';

const LF = 0x0a;
const QUOTE = 0x22;
const CR = 0x0d;

/**
 * Rows, cases and each case's chain head, taken from the bytes as they are sent. Rows come ordered
 * by case, so a case's head is final when the next case begins; finished heads go to a spool file
 * rather than memory, so memory stays flat whatever the number of cases. The heads' digest
 * (SHA-256 over "caseRef head\n" lines in file order) is what the manifest signs.
 */
export class ExportTally {
  rows = 0;
  cases = 0;
  private caseRef: string | null = null;
  private head = '';
  private readonly digest = createHash('sha256');
  private readonly dir = mkdtempSync(join(tmpdir(), 'lotse-export-'));
  private readonly spool: WriteStream = createWriteStream(join(this.dir, 'heads'));
  private finished = false;
  private spoolError: Error | null = null;

  constructor() {
    // Kept for finish(); without a listener a late write after a disconnect would crash the process.
    this.spool.on('error', (error: Error) => (this.spoolError ??= error));
  }

  add(caseRef: string, hash: string): void {
    this.rows++;
    if (caseRef !== this.caseRef) {
      this.close();
      this.caseRef = caseRef;
      this.cases++;
    }
    this.head = hash;
  }

  /** True when the spool wants the writer to wait (backpressure). */
  get congested(): boolean {
    return this.spool.writableNeedDrain;
  }

  drained(): Promise<void> {
    return new Promise((resolve) => this.spool.once('drain', resolve));
  }

  async finish(): Promise<string> {
    if (this.spoolError) throw this.spoolError;
    if (!this.finished) {
      this.close();
      this.finished = true;
      await new Promise<void>((resolve, reject) =>
        this.spool.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    }
    return this.digest.digest('hex');
  }

  /** The heads in file order, read back from the spool. */
  async *heads(): AsyncGenerator<[string, string]> {
    for await (const line of createInterface({
      input: createReadStream(join(this.dir, 'heads')),
    })) {
      const space = line.indexOf(' ');
      yield [line.slice(0, space), line.slice(space + 1)];
    }
  }

  dispose(): void {
    this.finished = true;
    this.spool.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private close(): void {
    if (this.caseRef === null) return;
    const line = `${this.caseRef} ${this.head}\n`;
    this.digest.update(line);
    // After a disconnect the spool is gone while the last chunk may still be counted.
    if (!this.spool.destroyed) this.spool.write(line);
    this.caseRef = null;
  }
}

/** Digest of chain heads in order, as ExportTally computes it (for verifiers). */
export function headsDigest(heads: Iterable<[string, string]>): string {
  const digest = createHash('sha256');
  for (const [caseRef, head] of heads) digest.update(`${caseRef} ${head}\n`);
  return digest.digest('hex');
}

/** Passes chunks on once the tally's spool has room again. */
function passOn(tally: ExportTally, chunk: Buffer, done: TransformCallback): void {
  if (tally.congested) void tally.drained().then(() => done(null, chunk));
  else done(null, chunk);
}

/**
 * Counts CSV records, keeps each case's last hash, and ends records with CRLF (RFC 4180; COPY writes
 * LF) while passing the bytes on. caseRef is the first column and hash the last; neither is ever
 * quoted, so only record boundaries need care: a line feed inside a quoted text (includeText
 * exports) neither ends a record nor is changed.
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
    const carried = this.carry.length;
    const data = carried ? Buffer.concat([this.carry, chunk]) : chunk;
    const recordEnds: number[] = []; // offsets in chunk of LFs that end a record without a CR
    let start = 0;
    let quotes = 0;
    let scanFrom = 0;
    for (let nl = data.indexOf(LF); nl !== -1; nl = data.indexOf(LF, nl + 1)) {
      for (
        let q = data.indexOf(QUOTE, scanFrom);
        q !== -1 && q < nl;
        q = data.indexOf(QUOTE, q + 1)
      )
        quotes++;
      scanFrom = nl + 1;
      if (quotes % 2 === 1) continue; // inside a quoted field
      this.record(data, start, nl);
      if (data[nl - 1] !== CR) recordEnds.push(nl - carried);
      start = nl + 1;
      quotes = 0;
    }
    this.carry = Buffer.from(data.subarray(start));
    passOn(this.tally, withCrBefore(chunk, recordEnds), done);
  }

  private record(data: Buffer, start: number, end: number): void {
    if (!this.headerSeen) {
      this.headerSeen = true;
      return;
    }
    let last = end;
    if (data[last - 1] === CR) last--;
    const firstDelimiter = data.indexOf(this.delimiter, start);
    const lastDelimiter = data.lastIndexOf(this.delimiter, last - 1);
    this.tally.add(
      data.toString('latin1', start, firstDelimiter),
      data.toString('latin1', lastDelimiter + 1, last),
    );
  }
}

/** The chunk with a CR inserted before each of the given LF offsets. */
function withCrBefore(chunk: Buffer, lfs: number[]): Buffer {
  if (lfs.length === 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length + lfs.length);
  let from = 0;
  let to = 0;
  for (const lf of lfs) {
    to += chunk.copy(out, to, from, lf);
    out[to++] = CR;
    from = lf;
  }
  to += chunk.copy(out, to, from);
  return out;
}

const NDJSON_HEAD = /^\{"(?:caseRef|analysisRef)" : "([^"]+)".*"hash" : "([0-9a-f]{64})"\}$/;

/** The same for NDJSON lines (the chain's ref is the first key, hash the last, as the export writes them). */
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
        const row = JSON.parse(line) as { caseRef?: string; analysisRef?: string; hash: string };
        this.tally.add(row.caseRef ?? row.analysisRef ?? '', row.hash);
      }
    }
    passOn(this.tally, chunk, done);
  }
}
