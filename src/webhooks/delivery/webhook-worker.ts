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
import {
  type AttemptRecord,
  type ClaimedMessage,
  LEASE_SECONDS,
  OutboxRepository,
} from './outbox.repository';
import { MAX_ATTEMPTS, nextAttemptAt, retryAfterMs } from './retry-schedule';
import { type SendResult, WebhookSender } from './webhook-sender';

/**
 * Messages claimed and not yet recorded, per instance: enough for slow receivers not to hold up
 * the rest, and for one claim statement to fetch a useful batch under load.
 */
export const MAX_IN_FLIGHT = 64;
/** The longest pause after database errors (doubling from the poll interval). */
const MAX_BACKOFF_MS = 30_000;
/**
 * A flush is retried until this long before the lease ends; after that the result is given up
 * (logged), and the message is tried again when its lease has run out. The margin keeps this
 * instance from claiming the message again while a stale result of it could still be written.
 */
const LEASE_MARGIN_MS = 10_000;
/**
 * How long the claims reuse the office list (OfficeDb resolves `every` with one more query). Only
 * while the worker finds work: an empty claim looks the offices up again. So a new office's first
 * message waits at most this long, and only while other offices keep the worker busy.
 */
const OFFICES_TTL_MS = 5_000;

/** A finished attempt waiting for the next flush. */
interface Finished {
  message: ClaimedMessage;
  record: AttemptRecord;
  /** performance.now() after which the lease may have run out. */
  giveUpAt: number;
}

/**
 * The outbox's delivery worker: claims due messages, sends them concurrently (at most
 * MAX_IN_FLIGHT claimed and not yet recorded), and records every attempt. The records are
 * group-committed: a finished attempt joins a queue, and one flusher writes everything queued in
 * one transaction of one statement, while the next results queue up behind it (no timer: the
 * batch is whatever finished during the previous write). Each instance has its own owner id for
 * its leases, so several instances share one outbox. Database errors are logged (ids and codes
 * only) and waited out with a growing pause: the worker never takes the service down.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookWorker');
  readonly owner = randomUUID();
  /** Sends under way (each ends by queueing its result). */
  private readonly sending = new Set<Promise<void>>();
  /** Claimed messages not recorded or given up yet: what MAX_IN_FLIGHT bounds. */
  private claimedCount = 0;
  private readonly queue: Finished[] = [];
  private flusher: Promise<void> | null = null;
  /** Set when the shutdown time-out has passed: a failing flush gives up instead of retrying. */
  private abandoned = false;
  private offices: { ids: readonly string[]; until: number } | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private room: (() => void) | null = null;
  private flushWake: (() => void) | null = null;

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
   * then let the attempts under way finish and their results be written, up to the shutdown
   * time-out. An attempt still running then keeps its lease, and another instance retries it
   * when it expires; a result not written by then is given up (logged) the same way.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    this.room?.();
    await this.loop;
    const deadline = sleep(this.config.shutdownTimeoutMs);
    const drained = (async () => {
      await Promise.allSettled([...this.sending]);
      while (this.flusher) await this.flusher;
    })();
    await Promise.race([drained, deadline.done]);
    deadline.cancel();
    this.abandoned = true;
    this.flushWake?.();
    // A flush in its pause gives up at once; one in its statement ends with it.
    await Promise.race([this.flusher ?? Promise.resolve(), sleep(1_000).done]);
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      const free = MAX_IN_FLIGHT - this.claimedCount;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.room = resolve));
        this.room = null;
        continue;
      }
      let claimed: ClaimedMessage[];
      // Measured before the claim: its lease starts no earlier (the database's clock need not
      // match ours; only the elapsed time counts).
      const giveUpAt = performance.now() + LEASE_SECONDS * 1000 - LEASE_MARGIN_MS;
      try {
        claimed = await this.claim(free);
        backoff = 0;
      } catch (error) {
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(this.config.webhookPollMs, backoff * 2));
        this.logger.warn(`webhook claim failed (${errorCode(error)}); next try in ${backoff} ms`);
        await this.pause(backoff);
        continue;
      }
      this.claimedCount += claimed.length;
      for (const message of claimed) this.track(this.attempt(message, giveUpAt));
      // Work found: there may be more, claim again at once. Otherwise wait for the next poll.
      if (claimed.length === 0) await this.pause(this.config.webhookPollMs);
    }
  }

  /**
   * One claim statement over every office (system work). The office list is reused while
   * claims find work, and looked up again (OfficeDb's `every`) when one finds none or it is old.
   */
  private async claim(limit: number): Promise<ClaimedMessage[]> {
    const cached = this.offices && this.offices.until > performance.now() ? this.offices : null;
    let officeIds: readonly string[] = [];
    const claimed = await this.officeDb.run({ officeIds: cached ? cached.ids : 'every' }, (tx) => {
      officeIds = tx.officeIds;
      return this.outbox.claim(tx, this.owner, limit);
    });
    this.offices =
      claimed.length === 0
        ? null
        : (cached ?? { ids: officeIds, until: performance.now() + OFFICES_TTL_MS });
    return claimed;
  }

  private track(attempt: Promise<void>): void {
    this.sending.add(attempt);
    void attempt.finally(() => this.sending.delete(attempt));
  }

  /** One attempt: send, then queue its result for the next flush. Never rejects. */
  private async attempt(message: ClaimedMessage, giveUpAt: number): Promise<void> {
    const attempt = message.attempts + 1;
    const trigger = message.redeliver ? 'redeliver' : 'schedule';
    let result: SendResult;
    try {
      result = await this.send(message);
    } catch (error) {
      // The sender answers every failure as a result; this is a defect. The lease runs out and
      // the message is tried again: at least once, never lost.
      this.logger.error(
        `webhook attempt failed to run message=${message.id} office=${message.office_id} ` +
          `(${errorCode(error)}); retried when its lease ends`,
      );
      this.release(1);
      return;
    }
    this.queue.push({ message, record: toRecord(attempt, trigger, result), giveUpAt });
    this.kick();
  }

  /** Starts the flusher unless it runs (then it takes the new results with its next batch). */
  private kick(): void {
    if (this.flusher || this.queue.length === 0) return;
    this.flusher = this.flush();
  }

  /**
   * Writes the queue, batch by batch, until it is empty. A failed write is retried with a growing
   * pause; a result whose lease may have run out meanwhile is given up (logged): its message is
   * tried again by whichever instance claims it next, so nothing is lost, and the leases keep
   * anyone from sending it twice at once.
   */
  private async flush(): Promise<void> {
    let backoff = 0;
    try {
      while (this.queue.length > 0) {
        const now = performance.now();
        const expired = this.queue.filter((f) => f.giveUpAt <= now);
        if (expired.length > 0) this.giveUp(expired, 'its lease may have run out');
        // Everything queued: at most MAX_IN_FLIGHT results, so the statement stays small.
        const batch = this.queue.splice(0);
        if (batch.length === 0) break;
        const officeIds = [...new Set(batch.map((f) => f.message.office_id))];
        try {
          const moved = await this.officeDb.run({ officeIds }, (tx) =>
            this.outbox.recordAll(tx, this.owner, batch),
          );
          backoff = 0;
          for (const f of batch) this.logAttempt(f, moved.has(f.message.id));
          this.release(batch.length);
        } catch (error) {
          this.queue.unshift(...batch);
          if (this.abandoned) {
            this.giveUp(this.queue.splice(0), `the service stopped (${errorCode(error)})`);
            break;
          }
          backoff = Math.min(MAX_BACKOFF_MS, Math.max(this.config.webhookPollMs, 50, backoff * 2));
          this.logger.warn(
            `webhook attempts not recorded yet (${batch.length}, ${errorCode(error)}); ` +
              `next try in ${backoff} ms`,
          );
          const timer = sleep(backoff);
          this.flushWake = timer.cancel;
          await timer.done;
          this.flushWake = null;
        }
      }
    } finally {
      // Synchronously after the last check of the queue: a result queued later starts a new one.
      this.flusher = null;
    }
  }

  /** Drops results from the queue that will not be written; their messages are retried. */
  private giveUp(finished: readonly Finished[], why: string): void {
    const dropped = new Set(finished);
    const kept = this.queue.filter((f) => !dropped.has(f));
    this.queue.splice(0, this.queue.length, ...kept);
    for (const f of finished) {
      this.logger.error(
        `webhook attempt not recorded message=${f.message.id} office=${f.message.office_id} ` +
          `outcome=${f.record.outcome} (${why}); retried when its lease ends`,
      );
    }
    this.release(finished.length);
  }

  private logAttempt({ message, record }: Finished, kept: boolean): void {
    // Ids and codes only: the URL, the body and the answer stay in the delivery log.
    this.logger.log(
      `webhook attempt message=${message.id} endpoint=${message.endpoint_id} ` +
        `office=${message.office_id} attempt=${record.attempt} trigger=${record.trigger} ` +
        `outcome=${record.outcome} status=${record.responseStatus ?? '-'} state=${record.state}` +
        (kept ? '' : ' lease=lost'),
    );
  }

  /** Frees claim slots and lets a claim loop waiting for room go on. */
  private release(count: number): void {
    this.claimedCount -= count;
    this.room?.();
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
