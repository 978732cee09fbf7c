import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform, TransformCallback } from 'node:stream';

const LF = 0x0a;
const QUOTE = 0x22;
const CR = 0x0d;

/** Heads are written to the spool and digested in batches of about this many characters. */
const SPOOL_BATCH = 64 * 1024;
/** The size of the blocks headBlocks() reads back. */
const HEAD_BLOCK_BYTES = 1024 * 1024;

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
  // Finished heads not yet digested and spooled: one write per batch, not one per case.
  private pending = '';
  private readonly digest = createHash('sha256');
  private readonly dir = mkdtempSync(join(tmpdir(), 'lotse-export-'));
  private readonly spool: WriteStream = createWriteStream(join(this.dir, 'heads'), {
    highWaterMark: 4 * SPOOL_BATCH,
  });
  private finished = false;
  private spoolError: Error | null = null;

  constructor() {
    // Kept for finish(); without a listener a late write after a disconnect would crash the process.
    this.spool.on('error', (error: Error) => (this.spoolError ??= error));
  }

  add(caseRef: string, hash: string): void {
    this.addRun(caseRef, 1, hash);
  }

  /** `rows` consecutive rows of one case, the last with hash `head`: the same as `rows` add() calls. */
  addRun(caseRef: string, rows: number, head: string): void {
    this.rows += rows;
    if (caseRef !== this.caseRef) {
      this.close();
      this.caseRef = caseRef;
      this.cases++;
    }
    this.head = head;
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
      this.flush();
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

  /**
   * The spool as it was written, in blocks of whole "ref head\n" lines of about `size` bytes:
   * for a store that splits them itself (one statement per block, no string per head here).
   */
  async *headBlocks(size = HEAD_BLOCK_BYTES): AsyncGenerator<string> {
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of createReadStream(join(this.dir, 'heads'), {
      highWaterMark: size,
    }) as AsyncIterable<Buffer>) {
      const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const end = data.lastIndexOf(LF) + 1;
      if (end > 0) yield data.toString('utf8', 0, end);
      rest = Buffer.from(data.subarray(end));
    }
    if (rest.length) yield rest.toString('utf8');
  }

  dispose(): void {
    this.finished = true;
    this.spool.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private close(): void {
    if (this.caseRef === null) return;
    this.pending += `${this.caseRef} ${this.head}\n`;
    this.caseRef = null;
    if (this.pending.length >= SPOOL_BATCH) this.flush();
  }

  private flush(): void {
    if (this.pending === '') return;
    // The digest of the batches is the digest of the lines: SHA-256 takes its input in any cuts.
    this.digest.update(this.pending);
    // After a disconnect the spool is gone while the last chunk may still be counted.
    if (!this.spool.destroyed) this.spool.write(this.pending);
    this.pending = '';
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

const EMPTY = Buffer.alloc(0);

/**
 * Counts CSV records, keeps each case's last hash, and ends records with CRLF (RFC 4180; COPY writes
 * LF) while passing the bytes on. caseRef is the first column and hash the last; neither is ever
 * quoted, so only record boundaries need care: a line feed inside a quoted text (includeText
 * exports) neither ends a record nor is changed.
 *
 * The work per record is a few native byte searches and comparisons on the chunk as it came
 * (no copy of the chunk, no string per record): a record whose first field is the current case's
 * ref only counts; strings are made where a case begins and ends, and once per chunk.
 */
export class CsvTally extends Transform {
  /** The bytes of a record begun in an earlier chunk, and the quotes in them. */
  private carry: Buffer = EMPTY;
  private carryQuotes = 0;
  private headerSeen = false;
  /** The current case: its ref as bytes (to compare) and as text, and its records so far. */
  private ref: Buffer | null = null;
  private refText = '';
  private runRows = 0;
  /** The last record seen, in the chunk at hand, or its hash once that chunk is passed on. */
  private prevBuf: Buffer | null = null;
  private prevStart = 0;
  private prevEnd = 0;
  private prevHash = '';
  /** Offsets of the LFs of one chunk that get a CR before them (reused from chunk to chunk). */
  private lfs: Uint32Array<ArrayBuffer> = new Uint32Array(1024);

  constructor(
    private readonly tally: ExportTally,
    private readonly delimiter: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let carry = this.carry;
    let quotes = this.carryQuotes;
    let crs = 0;
    let start = 0;
    let q = chunk.indexOf(QUOTE);
    for (let nl = chunk.indexOf(LF); nl !== -1; nl = chunk.indexOf(LF, nl + 1)) {
      for (; q !== -1 && q < nl; q = chunk.indexOf(QUOTE, q + 1)) quotes++;
      if (quotes % 2 === 1) continue; // inside a quoted field
      const before = nl > 0 ? chunk[nl - 1] : carry.length > 0 ? carry[carry.length - 1] : -1;
      if (before !== CR) {
        if (crs === this.lfs.length) this.lfs = grown(this.lfs);
        this.lfs[crs++] = nl;
      }
      if (carry.length > 0) {
        const record = Buffer.concat([carry, chunk.subarray(0, nl)]);
        carry = EMPTY;
        this.record(record, 0, record.length);
      } else this.record(chunk, start, nl);
      start = nl + 1;
      quotes = 0;
    }
    for (; q !== -1; q = chunk.indexOf(QUOTE, q + 1)) quotes++;
    const rest = chunk.subarray(start);
    this.carry = carry.length > 0 ? Buffer.concat([carry, rest]) : Buffer.from(rest);
    this.carryQuotes = quotes;
    // The chunk is not kept: the last record's hash is taken out of it now.
    if (this.prevBuf) {
      this.prevHash = this.hashOf(this.prevBuf, this.prevStart, this.prevEnd);
      this.prevBuf = null;
    }
    passOn(this.tally, withCrBefore(chunk, this.lfs, crs), done);
  }

  override _flush(done: TransformCallback): void {
    this.endRun();
    done();
  }

  private record(data: Buffer, start: number, end: number): void {
    if (!this.headerSeen) {
      this.headerSeen = true;
      return;
    }
    const ref = this.ref;
    const refEnd = ref ? start + ref.length : -1;
    if (
      ref &&
      refEnd < end &&
      data[refEnd] === this.delimiter &&
      ref.compare(data, start, refEnd) === 0
    ) {
      this.runRows++;
    } else {
      this.endRun();
      let firstDelimiter = data.indexOf(this.delimiter, start);
      if (firstDelimiter === -1 || firstDelimiter > end) firstDelimiter = end;
      this.refText = data.toString('latin1', start, firstDelimiter);
      this.ref = Buffer.from(data.subarray(start, firstDelimiter));
      this.runRows = 1;
    }
    this.prevBuf = data;
    this.prevStart = start;
    this.prevEnd = end;
  }

  /** Hands the finished case to the tally, with the hash of its last record. */
  private endRun(): void {
    if (this.ref === null) return;
    const head = this.prevBuf
      ? this.hashOf(this.prevBuf, this.prevStart, this.prevEnd)
      : this.prevHash;
    this.tally.addRun(this.refText, this.runRows, head);
    this.ref = null;
  }

  private hashOf(data: Buffer, start: number, end: number): string {
    let last = end;
    if (data[last - 1] === CR) last--;
    const lastDelimiter = data.lastIndexOf(this.delimiter, last - 1);
    return data.toString('latin1', Math.max(lastDelimiter + 1, start), last);
  }
}

function grown(lfs: Uint32Array): Uint32Array<ArrayBuffer> {
  const more = new Uint32Array(lfs.length * 2);
  more.set(lfs);
  return more;
}

/** The chunk with a CR inserted before each of the first `count` LF offsets in `lfs`. */
function withCrBefore(chunk: Buffer, lfs: Uint32Array, count: number): Buffer {
  if (count === 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length + count);
  let from = 0;
  let to = 0;
  for (let i = 0; i < count; i++) {
    const lf = lfs[i];
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
