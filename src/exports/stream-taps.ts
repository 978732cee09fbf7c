import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

const LF = 0x0a;
const CR = 0x0d;

/** PostgreSQL's COPY ends lines with LF; RFC 4180 wants CRLF. */
export class CrlfLineEndings extends Transform {
  private lastWasCr = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let count = 0;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) count++;
    if (count === 0) {
      this.lastWasCr = chunk[chunk.length - 1] === CR;
      return done(null, chunk);
    }
    const out = Buffer.allocUnsafe(chunk.length + count);
    let from = 0;
    let to = 0;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      to += chunk.copy(out, to, from, i);
      const precededByCr = i > 0 ? chunk[i - 1] === CR : this.lastWasCr;
      if (!precededByCr) out[to++] = CR;
      out[to++] = LF;
      from = i + 1;
    }
    to += chunk.copy(out, to, from);
    this.lastWasCr = chunk[chunk.length - 1] === CR;
    done(null, out.subarray(0, to));
  }
}

/** Passes bytes through and keeps their SHA-256 and length: what the client actually received. */
export class DigestTap extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
