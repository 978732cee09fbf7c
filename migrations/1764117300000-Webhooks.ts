import { MigrationInterface, QueryRunner } from 'typeorm';

const IN_SCOPE = `office_id = ANY ((SELECT lotse_office_ids())::uuid[])`;

/** The event types an endpoint may subscribe to (src/webhooks/webhook-events.ts names them too). */
const EVENT_TYPES = [
  'case.created',
  'case.phase_changed',
  'case.closed',
  'case.transferred',
  'reset.decided',
  'task.due',
  'export.completed',
];

/**
 * Webhooks as a transactional outbox. An office's endpoints (webhook_endpoint); one message per
 * event and subscribed endpoint (webhook_message), written by `webhook_enqueue` in the transaction
 * of the change that causes it, so a rolled-back change sends nothing and a committed one is never
 * lost; and every delivery attempt (webhook_delivery), which the office reads as its delivery log.
 *
 * The delivery worker claims due messages with FOR UPDATE SKIP LOCKED and a lease (lease_until),
 * so several instances share the work and each attempt is made by one of them; a message whose
 * case has an earlier undelivered message waits for it (order per case, by seq).
 *
 * All three tables are office data under row-level security. `webhook_enqueue` is SECURITY
 * DEFINER and its owner has a policy of its own, because a change in one office can cause an
 * event for another (a case handed over is news to both offices).
 */
export class Webhooks1764117300000 implements MigrationInterface {
  name = 'Webhooks1764117300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        office_id uuid NOT NULL REFERENCES office (id),
        url text NOT NULL CHECK (length(url) <= 2048),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
        events text[] NOT NULL
          CHECK (cardinality(events) > 0 AND events <@ ARRAY[${EVENT_TYPES.map((t) => `'${t}'`).join(', ')}]::text[]),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
        -- Why the service disabled it ('gone': the receiver answered 410); null unless disabled.
        disabled_reason text,
        -- The signing secrets, encrypted (AES-256-GCM, src/webhooks/webhook-secret.ts): signing
        -- needs the secret itself, so it cannot be stored as a hash.
        secret_encrypted text NOT NULL,
        -- The first characters of the secret, to tell secrets apart in a list.
        secret_prefix text NOT NULL,
        -- During a rotation the old secret signs too, until it expires.
        previous_secret_encrypted text,
        previous_secret_expires_at timestamptz,
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CHECK ((status = 'disabled') = (disabled_reason IS NOT NULL)),
        CHECK ((previous_secret_encrypted IS NULL) = (previous_secret_expires_at IS NULL))
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoint_office ON webhook_endpoint (office_id) WHERE deleted_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE webhook_message (
        -- Sent as webhook-id: the same for every attempt of this event at this endpoint.
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- The order of the outbox: messages of one case are delivered in seq order.
        seq bigserial NOT NULL UNIQUE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
        office_id uuid NOT NULL REFERENCES office (id),
        event_type text NOT NULL,
        -- What delivery is ordered by: the case (or the record) the event is about.
        ordering_key text NOT NULL,
        -- Ids and codes only, never names or free text.
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        state text NOT NULL DEFAULT 'pending'
          CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_owner text,
        lease_until timestamptz,
        -- The office asked to send it again: the next attempt is logged as a redelivery.
        redeliver_requested boolean NOT NULL DEFAULT false,
        last_attempt_at timestamptz,
        delivered_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX webhook_message_due ON webhook_message (next_attempt_at, seq) WHERE state = 'pending'`,
    );
    await q.query(
      `CREATE INDEX webhook_message_order ON webhook_message (endpoint_id, ordering_key, seq) WHERE state = 'pending'`,
    );
    await q.query(`CREATE INDEX webhook_message_endpoint ON webhook_message (endpoint_id, seq)`);

    await q.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        message_id uuid NOT NULL REFERENCES webhook_message (id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
        office_id uuid NOT NULL REFERENCES office (id),
        attempt integer NOT NULL CHECK (attempt >= 1),
        -- 'schedule': the retry schedule's attempt; 'redeliver': one asked for by the office.
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'redeliver')),
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        outcome text NOT NULL
          CHECK (outcome IN ('succeeded', 'failed', 'timeout', 'network_error', 'blocked')),
        response_status integer,
        -- The first 1 KB of the receiver's answer (the office's own system).
        response_body text CHECK (octet_length(response_body) <= 1024),
        error text,
        next_attempt_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (endpoint_id, started_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX webhook_delivery_message ON webhook_delivery (message_id)`);

    for (const table of ['webhook_endpoint', 'webhook_message', 'webhook_delivery']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY office_scope ON ${table} USING (${IN_SCOPE}) WITH CHECK (${IN_SCOPE})`,
      );
    }
    // The owner, as whom webhook_enqueue runs: it reads endpoints and writes messages of any office.
    await q.query(`
      CREATE POLICY outbox_writer ON webhook_endpoint FOR SELECT TO CURRENT_USER USING (true)`);
    await q.query(`
      CREATE POLICY outbox_writer ON webhook_message FOR INSERT TO CURRENT_USER WITH CHECK (true)`);

    // One message per subscribed endpoint that is not disabled or deleted (a paused endpoint
    // keeps its messages for when it is resumed). No subscriber: one index probe, no row.
    await q.query(`
      CREATE FUNCTION webhook_enqueue(p_office uuid, p_type text, p_key text, p_data jsonb)
      RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
        INSERT INTO webhook_message (endpoint_id, office_id, event_type, ordering_key, data)
        SELECT e.id, e.office_id, p_type, p_key, p_data
          FROM webhook_endpoint e
         WHERE e.office_id = p_office AND e.deleted_at IS NULL AND e.status <> 'disabled'
           AND p_type = ANY (e.events)
      $$`);
    await q.query(
      `REVOKE EXECUTE ON FUNCTION webhook_enqueue(uuid, text, text, jsonb) FROM PUBLIC`,
    );
    await q.query(
      `GRANT EXECUTE ON FUNCTION webhook_enqueue(uuid, text, text, jsonb) TO lotse_app`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION webhook_enqueue(uuid, text, text, jsonb)`);
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook_message`);
    await q.query(`DROP TABLE webhook_endpoint`);
  }
}
