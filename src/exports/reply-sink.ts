import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

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
