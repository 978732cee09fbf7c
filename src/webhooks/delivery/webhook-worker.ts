import { randomUUID } from 'node:crypto';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { OfficeDb } from '../../database/office-transaction';
import type { WebhookEnvelope } from '../webhook-events';
import { WebhookSecretCipher } from '../webhook-secret';
import { type AttemptRecord, type ClaimedMessage, OutboxRepository } from './outbox.repository';
import { MAX_ATTEMPTS, nextAttemptAt, retryAfterMs } from './retry-schedule';
import { type SendResult, WebhookSender } from './webhook-sender';

/** Attempts in flight at once per instance: enough for slow receivers not to hold up the rest. */
export const MAX_IN_FLIGHT = 16;
/** The longest pause after database errors (doubling from the poll interval). */
const MAX_BACKOFF_MS = 30_000;

/**
 * The outbox's delivery worker: claims due messages, sends them concurrently (at most
 * MAX_IN_FLIGHT), and records every attempt. Each instance has its own owner id for its leases,
 * so several instances share one outbox. Database errors are logged (ids and codes only) and
 * waited out with a growing pause: the worker never takes the service down.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookWorker');
  readonly owner = randomUUID();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
    @Inject(WebhookSender) private readonly sender: WebhookSender,
    @Inject(WebhookSecretCipher) private readonly cipher: WebhookSecretCipher,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.webhookPollMs <= 0) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Before the database closes (its module closes it in onApplicationShutdown): stop claiming,
   * then let the attempts under way finish and be recorded, up to the shutdown time-out. An
   * attempt still running then keeps its lease, and another instance retries it when it expires.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    const deadline = sleep(this.config.shutdownTimeoutMs);
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline.done]);
    deadline.cancel();
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      const free = MAX_IN_FLIGHT - this.inFlight.size;
      if (free <= 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      let claimed: ClaimedMessage[];
      try {
        claimed = await this.officeDb.run({ officeIds: 'every' }, (tx) =>
          this.outbox.claim(tx, this.owner, free),
        );
        backoff = 0;
      } catch (error) {
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(this.config.webhookPollMs, backoff * 2));
        this.logger.warn(`webhook claim failed (${errorCode(error)}); next try in ${backoff} ms`);
        await this.pause(backoff);
        continue;
      }
      for (const message of claimed) this.track(this.attempt(message));
      // Work found: there may be more, claim again at once. Otherwise wait for the next poll.
      if (claimed.length === 0) await this.pause(this.config.webhookPollMs);
    }
  }

  private track(attempt: Promise<void>): void {
    this.inFlight.add(attempt);
    void attempt.finally(() => this.inFlight.delete(attempt));
  }

  /** One attempt: send, then log it and move the message on. Never rejects. */
  private async attempt(message: ClaimedMessage): Promise<void> {
    const attempt = message.attempts + 1;
    const trigger = message.redeliver ? 'redeliver' : 'schedule';
    try {
      const result = await this.send(message);
      const record = toRecord(attempt, trigger, result);
      const kept = await this.officeDb.run({ officeIds: [message.office_id] }, (tx) =>
        this.outbox.record(tx, this.owner, message, record),
      );
      // Ids and codes only: the URL, the body and the answer stay in the delivery log.
      this.logger.log(
        `webhook attempt message=${message.id} endpoint=${message.endpoint_id} ` +
          `office=${message.office_id} attempt=${attempt} trigger=${trigger} ` +
          `outcome=${result.outcome} status=${result.status ?? '-'} state=${record.state}` +
          (kept ? '' : ' lease=lost'),
      );
    } catch (error) {
      // The lease runs out and the message is tried again: at least once, never lost.
      this.logger.error(
        `webhook attempt not recorded message=${message.id} office=${message.office_id} ` +
          `(${errorCode(error)}); retried when its lease ends`,
      );
    }
  }

  private async send(message: ClaimedMessage): Promise<SendResult> {
    let secrets: string[];
    try {
      secrets = [message.secret_encrypted, message.previous_secret_encrypted]
        .filter((s): s is string => s !== null)
        .map((s) => this.cipher.decrypt(s));
    } catch {
      // Another instance's WEBHOOK_SECRET_KEY, or a damaged row: nothing can be signed.
      const now = new Date();
      return {
        outcome: 'failed',
        status: null,
        body: null,
        error: 'the signing secret cannot be decrypted (WEBHOOK_SECRET_KEY)',
        retryAfter: null,
        startedAt: now,
        durationMs: 0,
      };
    }
    const envelope: WebhookEnvelope = {
      type: message.event_type,
      timestamp: new Date(message.occurred_at).toISOString(),
      data: message.data as unknown as WebhookEnvelope['data'],
    };
    return this.sender.send({
      messageId: message.id,
      url: message.url,
      body: JSON.stringify(envelope),
      secrets,
    });
  }

  /** Sleeps up to `ms`, or until the worker is stopped. */
  private async pause(ms: number): Promise<void> {
    if (!this.running) return;
    const timer = sleep(ms);
    this.wake = timer.cancel;
    await timer.done;
    this.wake = null;
  }
}

/** The message's next state after an attempt (the retry schedule, Retry-After, 410 Gone). */
export function toRecord(
  attempt: number,
  trigger: 'schedule' | 'redeliver',
  result: SendResult,
): AttemptRecord {
  const base = {
    attempt,
    trigger,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    outcome: result.outcome,
    responseStatus: result.status,
    responseBody: result.body,
    error: result.error,
  };
  if (result.outcome === 'succeeded') {
    return { ...base, state: 'delivered', nextAttemptAt: null, disableEndpoint: false };
  }
  if (result.status === 410) {
    return { ...base, state: 'failed', nextAttemptAt: null, disableEndpoint: true };
  }
  const now = new Date(result.startedAt.getTime() + result.durationMs);
  const next = nextAttemptAt(
    Math.min(attempt, MAX_ATTEMPTS),
    now,
    retryAfterMs(result.retryAfter, now),
  );
  return next
    ? { ...base, state: 'pending', nextAttemptAt: next, disableEndpoint: false }
    : { ...base, state: 'failed', nextAttemptAt: null, disableEndpoint: false };
}

/** A code for the log: the driver's SQLSTATE or errno, never a message that could hold data. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown';
}

function sleep(ms: number): { done: Promise<void>; cancel: () => void } {
  let cancel = () => undefined as void;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    cancel = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, cancel };
}
