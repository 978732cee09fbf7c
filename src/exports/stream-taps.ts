import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

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

/** What Coalesce and copyOut gather before they pass bytes on (tally, digest, socket write). */
export const COALESCED_BYTES = 256 * 1024;

/**
 * Gathers small chunks into buffers of about `size` bytes. A socket read brings some 16–64 KB,
 * and every stage after this one (tally, digest, the reply's socket write) costs per chunk as
 * well as per byte: a few large chunks cost less than many small ones (one write call, one
 * digest update, one allocation each). The bytes stay as they are, in order.
 */
export class Coalesce extends Transform {
  private parts: Buffer[] = [];
  private length = 0;

  constructor(private readonly size = COALESCED_BYTES) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.parts.push(chunk);
    this.length += chunk.length;
    if (this.length >= this.size) done(null, this.gathered());
    else done();
  }

  override _flush(done: TransformCallback): void {
    done(null, this.length > 0 ? this.gathered() : undefined);
  }

  private gathered(): Buffer {
    const out = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    return out;
  }
}
