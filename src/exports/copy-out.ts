import type { CopyToStreamQuery } from 'pg-copy-streams';
import { to as copyTo } from 'pg-copy-streams';
import { COALESCED_BYTES } from './stream-taps';

const COPY_DATA = 0x64; // 'd'
// Messages that may come between CopyData ones (protocol-flow, "COPY Operations"): skipped.
const INTERSPERSED = new Set([0x48 /* H CopyOutResponse */, 0x53 /* S */, 0x4e /* N */, 0x41]);
const ERROR_RESPONSE = 0x45; // 'E'

const CODE = 0;
const LENGTH = 1;
const MESSAGE = 2;

/** The parts of pg-copy-streams 7's CopyStreamQuery that copyOut takes over or calls. */
interface CopyInternals {
  _parse(chunk: Buffer): boolean | undefined;
  _detach(): void;
  _cleanup(): void;
  _buffer: { push(chunk: Buffer): void; size: number };
  push(chunk: Buffer | null): boolean;
}

/**
 * `COPY … TO STDOUT` as pg-copy-streams runs it, with its protocol reader replaced by one that
 * copies the rows' bytes straight into buffers of `size` bytes. PostgreSQL sends every row as a
 * CopyData message of its own; pg-copy-streams makes a Buffer object per message and another
 * per socket read, which costs per row. Here a row costs a few integer reads and one native
 * copy, and the stages after it see a few large chunks. The rest (attaching to and detaching
 * from the connection, errors, the row count) is pg-copy-streams' own: on an ErrorResponse or at
 * the end of the data the unread bytes are handed back to it as its own reader would leave them.
 */
export function copyOut(sql: string, size = COALESCED_BYTES): CopyToStreamQuery {
  const stream = copyTo(sql);
  const self = stream as unknown as CopyInternals;
  if (
    typeof self._parse !== 'function' ||
    typeof self._detach !== 'function' ||
    typeof self._cleanup !== 'function' ||
    typeof self._buffer?.push !== 'function'
  )
    throw new Error('pg-copy-streams changed its internals; update src/exports/copy-out.ts');

  let state = CODE;
  let code = 0;
  let length = 0;
  let lengthBytes = 0;
  let remaining = 0;
  let out = Buffer.allocUnsafe(size);
  let at = 0;
  let done = false;

  /** Hands the bytes from `from` on back to pg (ReadyForQuery, an error) and ends this stream. */
  const finish = (chunk: Buffer, from: number, data: boolean): void => {
    done = true;
    if (data && at > 0) self.push(out.subarray(0, at));
    self._buffer.push(chunk.subarray(from));
    self._detach();
    if (data) {
      self.push(null);
      self._cleanup();
    }
  };

  self._parse = (chunk: Buffer): boolean => {
    // A read after the hand-back went to pg's reader as well (a 'data' event): not ours.
    if (done) return false;
    let drained = true;
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (state === CODE) {
        code = chunk[pos];
        // pg's own reader takes the error from here and fails the query (and this stream).
        if (code === ERROR_RESPONSE) {
          finish(chunk, pos, false);
          return false;
        }
        pos++;
        state = LENGTH;
        length = 0;
        lengthBytes = 0;
      }
      if (state === LENGTH) {
        if (lengthBytes === 0 && pos + 4 <= end) {
          length = chunk.readUInt32BE(pos);
          pos += 4;
        } else {
          for (; lengthBytes < 4 && pos < end; lengthBytes++) length = length * 256 + chunk[pos++];
          if (lengthBytes < 4) break;
        }
        remaining = length - 4;
        state = MESSAGE;
      }
      const take = Math.min(remaining, end - pos);
      if (code === COPY_DATA) {
        for (let from = pos, to = pos + take; from < to;) {
          const n = Math.min(to - from, size - at);
          chunk.copy(out, at, from, from + n);
          at += n;
          from += n;
          if (at === size) {
            drained = self.push(out);
            out = Buffer.allocUnsafe(size);
            at = 0;
          }
        }
      }
      pos += take;
      remaining -= take;
      if (remaining > 0) break;
      state = CODE;
      // CopyDone, or anything else that ends the COPY: the rest is pg's (CommandComplete, …).
      if (code !== COPY_DATA && !INTERSPERSED.has(code)) {
        finish(chunk, pos, true);
        return drained;
      }
    }
    return drained;
  };
  return stream;
}
