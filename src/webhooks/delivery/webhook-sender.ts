import { StringDecoder } from 'node:string_decoder';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { Agent, errors as undiciErrors, request } from 'undici';
import type { WebhookDeliveryOutcome } from '../webhook-endpoint.row';
import { WebhookDestinationPolicy } from '../webhook-destination';

/** The whole attempt (connect, send, answer, first 1 KB of the body) must end within this. */
export const DELIVERY_TIMEOUT_MS = 15_000;
/** How much of the receiver's answer the delivery log keeps. */
export const RESPONSE_BODY_BYTES = 1024;
export const USER_AGENT = 'Lotse-Webhooks/1';

/** One attempt to send, as the worker hands it over: the body is the same on every attempt. */
export interface OutgoingWebhook {
  messageId: string;
  url: string;
  body: string;
  /** The signing secrets, current first (during a rotation also the previous one). */
  secrets: readonly string[];
}

export interface SendResult {
  outcome: WebhookDeliveryOutcome;
  status: number | null;
  /** The first 1 KB of the answer (valid UTF-8, no NUL), or null when there was none. */
  body: string | null;
  /** A short reason for the log, without personal data: the code or the policy's reason. */
  error: string | null;
  /** The Retry-After header of the answer, as sent. */
  retryAfter: string | null;
  startedAt: Date;
  durationMs: number;
}

/** The Standard Webhooks signature header: one `v1,<base64>` per secret, space-separated. */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  at: Date,
  body: string,
): string {
  return secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' ');
}

/**
 * Sends webhooks over undici with one dispatcher whose connections resolve through the
 * destination policy's lookup, so the address checked is the address connected to (no DNS
 * rebinding between check and connect). Redirects are not followed (undici's request does not
 * unless asked), so a 3xx is a failed attempt with its status.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(@Inject(WebhookDestinationPolicy) private readonly policy: WebhookDestinationPolicy) {
    this.agent = new Agent({
      connect: { lookup: this.policy.lookup(), timeout: DELIVERY_TIMEOUT_MS },
      headersTimeout: DELIVERY_TIMEOUT_MS,
      bodyTimeout: DELIVERY_TIMEOUT_MS,
      // One attempt per connection would cost a TLS handshake each; keep-alive is fine, but
      // never for longer than a receiver would expect.
      keepAliveTimeout: 4_000,
    });
  }

  async send(webhook: OutgoingWebhook): Promise<SendResult> {
    const startedAt = new Date();
    const started = performance.now();
    const done = (
      partial: Omit<SendResult, 'startedAt' | 'durationMs' | 'retryAfter'> & {
        retryAfter?: string | null;
      },
    ): SendResult => ({
      retryAfter: null,
      ...partial,
      startedAt,
      durationMs: Math.max(0, Math.round(performance.now() - started)),
    });

    // The URL was checked when it was registered; the configuration may have changed since, and
    // a literal IP address never reaches the lookup, so it is checked here again.
    const refused = this.policy.refuseUrl(webhook.url);
    if (refused) return done({ outcome: 'blocked', status: null, body: null, error: refused });

    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': webhook.messageId,
      'webhook-timestamp': String(Math.floor(startedAt.getTime() / 1000)),
      'webhook-signature': signatureHeader(
        webhook.secrets,
        webhook.messageId,
        startedAt,
        webhook.body,
      ),
    };
    const signal = AbortSignal.timeout(DELIVERY_TIMEOUT_MS);
    try {
      const response = await request(webhook.url, {
        method: 'POST',
        headers,
        body: webhook.body,
        dispatcher: this.agent,
        signal,
      });
      const body = await firstBytes(response.body, RESPONSE_BODY_BYTES);
      const retryAfter = response.headers['retry-after'];
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return done({
        outcome: ok ? 'succeeded' : 'failed',
        status: response.statusCode,
        body,
        error: ok ? null : `HTTP ${response.statusCode}`,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : (retryAfter?.[0] ?? null),
      });
    } catch (error) {
      return done(failure(error, signal.aborted));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

/** What went wrong, as an outcome and a code (never a message that could carry data). */
function failure(
  error: unknown,
  timedOut: boolean,
): Pick<SendResult, 'outcome' | 'status' | 'body' | 'error'> {
  const code = codeOf(error);
  if (code === 'WEBHOOK_DESTINATION_REFUSED') {
    return { outcome: 'blocked', status: null, body: null, error: messageOf(error) };
  }
  if (
    timedOut ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return { outcome: 'timeout', status: null, body: null, error: `no answer within 15 s` };
  }
  return { outcome: 'network_error', status: null, body: null, error: code ?? 'network error' };
}

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return (error as { code?: string } | null)?.code;
}

/** The policy's reason (it names the host and its address class, nothing from the payload). */
function messageOf(error: unknown): string {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === 'WEBHOOK_DESTINATION_REFUSED')
      return String((e as Error).message);
    e = (e as { cause?: unknown }).cause;
  }
  return 'webhook destination refused';
}

/**
 * The first `limit` bytes of a body as text: cut at a character boundary (the decoder holds back
 * an incomplete last character), NUL removed (PostgreSQL text cannot hold it), and the rest of the
 * body not read.
 */
async function firstBytes(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
): Promise<string | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= limit) break;
  }
  // Leaving the loop early destroys the stream; the connection is then not reused.
  body.destroy();
  if (length === 0) return null;
  let text = new StringDecoder('utf8')
    .write(Buffer.concat(chunks).subarray(0, limit))
    .replace(/\u0000/g, '');
  // Invalid bytes decode to U+FFFD (three bytes each): trim until the text fits again.
  // (and never end on half a surrogate pair, which would be encoded as U+FFFD on the way out).
  while (Buffer.byteLength(text, 'utf8') > limit || /[\uD800-\uDBFF]$/.test(text))
    text = text.slice(0, -1);
  return text;
}
