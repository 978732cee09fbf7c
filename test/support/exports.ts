import type { Stream } from 'node:stream';

/** supertest parser that keeps an export's body as the exact bytes sent (CSV, NDJSON, XLSX). */
export function bufferBody(res: Stream, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
