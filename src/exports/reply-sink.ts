import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { FastifyReply } from 'fastify';

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * Takes the response over from Fastify and sends an export's headers before its first byte: the
 * file is named `<kind>-<exportId>.<format>`, and the export id is known from the start.
 */
export function startExportResponse(
  reply: FastifyReply,
  kind: string,
  format: keyof typeof CONTENT_TYPES,
  exportId: string,
): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="${kind}-${exportId}.${format}"`,
    'cache-control': 'no-store',
    'x-export-id': exportId,
  });
}

/**
 * Writes an export's body to the raw response with backpressure. `write` gets the sink to pipe
 * the body into; when the client goes away first, the sink is destroyed (which ends the pipeline
 * feeding it), `onAbort` stops any source outside that pipeline, and the answer is false.
 */
export async function writeToReply(
  raw: ServerResponse,
  write: (sink: Writable) => Promise<void>,
  onAbort?: () => void,
): Promise<boolean> {
  let closed = false;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (raw.write(chunk)) done();
      else raw.once('drain', () => done());
    },
  });
  const onClose = () => {
    if (!raw.writableEnded) {
      closed = true;
      sink.destroy(new Error('client disconnected'));
      onAbort?.();
    }
  };
  raw.once('close', onClose);
  try {
    await write(sink);
    return true;
  } catch (error) {
    if (closed) return false;
    throw error;
  } finally {
    raw.off('close', onClose);
  }
}
