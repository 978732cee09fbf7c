import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../../database/office-transaction';
import type { WebhookEventType } from '../webhook-events';
import type {
  WebhookDeliveryOutcome,
  WebhookDeliveryRow,
  WebhookEndpointStatus,
  WebhookMessageState,
} from '../webhook-endpoint.row';

/** How long a claim holds a message: far longer than one attempt (15 s) may take. */
export const LEASE_SECONDS = 60;

/** A message claimed for one attempt, with what sending it needs from its endpoint. */
export interface ClaimedMessage {
  id: string;
  endpoint_id: string;
  office_id: string;
  event_type: WebhookEventType;
  data: Record<string, unknown>;
  occurred_at: Date;
  /** Attempts made before this one. */
  attempts: number;
  redeliver: boolean;
  url: string;
  secret_encrypted: string;
  /** The previous secret while a rotation has not expired yet, else null. */
  previous_secret_encrypted: string | null;
}

/** The result of one attempt, as the message and the delivery log take it. */
export interface AttemptRecord {
  attempt: number;
  trigger: 'schedule' | 'redeliver';
  startedAt: Date;
  durationMs: number;
  outcome: WebhookDeliveryOutcome;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  /** The message's state after the attempt, and when the next one is due (pending only). */
  state: WebhookMessageState;
  nextAttemptAt: Date | null;
  /** 410 Gone: the receiver wants no more; the endpoint is disabled. */
  disableEndpoint: boolean;
}

/** One attempt as the delivery log lists it. */
export type DeliveryListRow = WebhookDeliveryRow & {
  event_type: WebhookEventType;
  cursor_at: string;
};

/**
 * The outbox's SQL: claiming due messages (FOR UPDATE SKIP LOCKED with a lease, so instances
 * share the work and each attempt is made by one of them), recording attempts, and the delivery
 * log. Every query filters by the transaction's office ids besides row-level security.
 */
@Injectable()
export class OutboxRepository {
  /**
   * Leases up to `limit` due messages of active endpoints to `owner`. Due: pending, its time
   * come, no live lease, and no other pending message of the same endpoint and case that is
   * earlier (order per case: a failing message holds the later ones back) or in flight (at most
   * one attempt per case at a time, also when an earlier message was sent again).
   */
  claim(tx: OfficeTx, owner: string, limit: number): Promise<ClaimedMessage[]> {
    return tx.manager.query(
      `WITH due AS (
         SELECT m.id, m.redeliver_requested AS redeliver
           FROM webhook_message m
           JOIN webhook_endpoint e ON e.id = m.endpoint_id
          WHERE m.state = 'pending' AND m.next_attempt_at <= now()
            AND (m.lease_until IS NULL OR m.lease_until < now())
            AND m.office_id = ANY ($3::uuid[])
            AND e.status = 'active' AND e.deleted_at IS NULL
            AND NOT EXISTS (
              SELECT 1 FROM webhook_message o
               WHERE o.endpoint_id = m.endpoint_id AND o.ordering_key = m.ordering_key
                 AND o.state = 'pending' AND o.id <> m.id
                 AND (o.seq < m.seq OR o.lease_until > now()))
          ORDER BY m.next_attempt_at, m.seq
          LIMIT $2
          FOR UPDATE OF m SKIP LOCKED
       ), claimed AS (
         UPDATE webhook_message m
            SET lease_owner = $1, lease_until = now() + make_interval(secs => ${LEASE_SECONDS}),
                redeliver_requested = false
           FROM due
          WHERE m.id = due.id
         RETURNING m.id, m.endpoint_id, m.office_id, m.event_type, m.data, m.occurred_at,
                   m.attempts, m.seq, due.redeliver
       )
       SELECT c.id, c.endpoint_id, c.office_id, c.event_type, c.data, c.occurred_at, c.attempts,
              c.redeliver, e.url, e.secret_encrypted,
              CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret_encrypted END
                AS previous_secret_encrypted
         FROM claimed c JOIN webhook_endpoint e ON e.id = c.endpoint_id
        ORDER BY c.seq`,
      [owner, limit, tx.officeIds],
    );
  }

  /**
   * Logs finished attempts and moves their messages on, all in one statement (the worker's
   * group commit: one transaction for every attempt that finished while the previous one was
   * written). Each attempt is logged whatever happened since: it was made. Its message moves on
   * only while `owner` still holds the lease and it is still pending (a worker that lost the lease
   * after a stall must not overwrite the next one's result; a delete has cancelled it). An
   * endpoint that answered 410 is disabled with its message's move. The log row is not written
   * twice when a batch is written again after a commit whose answer was lost. Answers the ids of
   * the messages moved on; the others had lost their lease.
   */
  async recordAll(
    tx: OfficeTx,
    owner: string,
    attempts: readonly {
      message: Pick<ClaimedMessage, 'id' | 'endpoint_id' | 'office_id'>;
      record: AttemptRecord;
    }[],
  ): Promise<Set<string>> {
    if (attempts.length === 0) return new Set();
    const rows = attempts.map(({ message: m, record: a }) => ({
      message_id: m.id,
      endpoint_id: m.endpoint_id,
      office_id: m.office_id,
      attempt: a.attempt,
      trigger: a.trigger,
      started_at: a.startedAt.toISOString(),
      duration_ms: a.durationMs,
      outcome: a.outcome,
      response_status: a.responseStatus,
      response_body: a.responseBody,
      error: a.error,
      state: a.state,
      next_attempt_at: a.nextAttemptAt?.toISOString() ?? null,
      disable_endpoint: a.disableEndpoint,
    }));
    const moved: { id: string }[] = await tx.manager.query(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
           message_id uuid, endpoint_id uuid, office_id uuid, attempt integer, trigger text,
           started_at timestamptz, duration_ms integer, outcome text, response_status integer,
           response_body text, error text, state text, next_attempt_at timestamptz,
           disable_endpoint boolean)
          WHERE r.office_id = ANY ($3::uuid[])
       ), logged AS (
         INSERT INTO webhook_delivery (message_id, endpoint_id, office_id, attempt, trigger,
           started_at, duration_ms, outcome, response_status, response_body, error, next_attempt_at)
         SELECT r.message_id, r.endpoint_id, r.office_id, r.attempt, r.trigger, r.started_at,
                r.duration_ms, r.outcome, r.response_status, r.response_body, r.error,
                r.next_attempt_at
           FROM r
          WHERE NOT EXISTS (
            SELECT 1 FROM webhook_delivery d
             WHERE d.message_id = r.message_id AND d.attempt = r.attempt
               AND d.started_at = r.started_at)
         RETURNING id
       ), moved AS (
         UPDATE webhook_message m
            SET attempts = r.attempt, state = r.state,
                next_attempt_at = COALESCE(r.next_attempt_at, m.next_attempt_at),
                last_attempt_at = r.started_at,
                delivered_at = CASE WHEN r.state = 'delivered' THEN now() ELSE m.delivered_at END,
                lease_owner = NULL, lease_until = NULL
           FROM r
          WHERE m.id = r.message_id AND m.lease_owner = $2 AND m.state = 'pending'
            AND m.office_id = ANY ($3::uuid[])
         RETURNING m.id, m.endpoint_id, r.disable_endpoint
       ), gone AS (
         UPDATE webhook_endpoint e
            SET status = 'disabled', disabled_reason = 'gone', updated_at = now()
          WHERE e.id IN (SELECT endpoint_id FROM moved WHERE disable_endpoint)
            AND e.status <> 'disabled' AND e.office_id = ANY ($3::uuid[])
         RETURNING e.id
       )
       SELECT id FROM moved`,
      [JSON.stringify(rows), owner, tx.officeIds],
    );
    return new Set(moved.map((m) => m.id));
  }

  /** The office's endpoint (not deleted), with its status; null when there is none in scope. */
  async endpoint(
    tx: OfficeTx,
    officeId: string,
    endpointId: string,
  ): Promise<{ id: string; status: WebhookEndpointStatus } | null> {
    const rows: { id: string; status: WebhookEndpointStatus }[] = await tx.manager.query(
      `SELECT id, status FROM webhook_endpoint
        WHERE id = $1 AND office_id = $2 AND office_id = ANY ($3::uuid[]) AND deleted_at IS NULL`,
      [endpointId, officeId, tx.officeIds],
    );
    return rows[0] ?? null;
  }

  /** An endpoint's attempts, newest first, keyset-paged by (started_at, id). */
  listDeliveries(
    tx: OfficeTx,
    endpointId: string,
    f: { messageId?: string; after: [string, string] | null; limit: number },
  ): Promise<DeliveryListRow[]> {
    return tx.manager.query(
      `SELECT d.*, m.event_type,
              to_char(d.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM webhook_delivery d JOIN webhook_message m ON m.id = d.message_id
        WHERE d.endpoint_id = $1 AND d.office_id = ANY ($2::uuid[])
          AND ($3::uuid IS NULL OR d.message_id = $3)
          AND ($4::timestamptz IS NULL OR (d.started_at, d.id) < ($4, $5::uuid))
        ORDER BY d.started_at DESC, d.id DESC
        LIMIT $6`,
      [
        endpointId,
        tx.officeIds,
        f.messageId ?? null,
        f.after?.[0] ?? null,
        f.after?.[1] ?? null,
        f.limit + 1,
      ],
    );
  }

  /**
   * Puts the message of an attempt back in the outbox, due now, marked as a redelivery; the
   * webhook-id stays the same. 'in_flight' while a worker holds its lease (the attempt under way
   * would overwrite the request), null when the endpoint has no such attempt.
   */
  async redeliver(
    tx: OfficeTx,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ messageId: string } | 'in_flight' | null> {
    const rows: { message_id: string; in_flight: boolean }[] = await tx.manager.query(
      `SELECT d.message_id, COALESCE(m.lease_until > now(), false) AS in_flight
         FROM webhook_delivery d JOIN webhook_message m ON m.id = d.message_id
        WHERE d.id = $1 AND d.endpoint_id = $2 AND d.office_id = ANY ($3::uuid[])
          FOR UPDATE OF m`,
      [deliveryId, endpointId, tx.officeIds],
    );
    const found = rows[0];
    if (!found) return null;
    if (found.in_flight) return 'in_flight';
    await tx.manager.query(
      `WITH again AS (
         UPDATE webhook_message
            SET state = 'pending', next_attempt_at = now(), redeliver_requested = true,
                lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND office_id = ANY ($2::uuid[])
          RETURNING id)
       SELECT id FROM again`,
      [found.message_id, tx.officeIds],
    );
    return { messageId: found.message_id };
  }
}
