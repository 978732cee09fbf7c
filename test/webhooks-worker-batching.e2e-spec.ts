import { randomUUID } from 'node:crypto';
import { eventually, sleep } from './support/eventually';
import { startTestApp, type TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';
import { subscribeDirectly } from './support/webhooks';

/**
 * The worker's group commit: the attempts that finish while one record transaction runs are
 * written together by the next, a failed write is retried, and the lease still decides whether a
 * message moves on. The database's owner runs no worker; one instance under test runs beside it.
 */

describe('webhook worker: attempts recorded in batches', () => {
  let owner: TestApp;
  let instance: TestApp;
  let receiver: WebhookReceiver;
  let office: string;
  beforeAll(async () => {
    owner = await startTestApp();
    receiver = await WebhookReceiver.start();
    [{ id: office }] = await owner.db.query(
      `INSERT INTO office (code, name, region) VALUES ('T-B', 'Test', 'Test') RETURNING id`,
    );
    instance = await startTestApp({ WEBHOOK_POLL_MS: '50', WEBHOOK_ALLOWLIST: '127.0.0.1' }, owner);
  });
  afterAll(async () => {
    await instance?.close();
    await receiver?.close();
    await owner?.close();
  });

  /** The office's only endpoint from now on (the earlier ones are deleted). */
  async function endpoint(path: string): Promise<string> {
    await owner.db.query(
      `UPDATE webhook_endpoint SET deleted_at = now() WHERE office_id = $1 AND deleted_at IS NULL`,
      [office],
    );
    const { id, secret } = await subscribeDirectly(owner, office, receiver.url(path));
    receiver.setSecrets(path, secret);
    return id;
  }

  /** One case.created message per case, written as the event triggers write them. */
  async function enqueue(cases: string[]): Promise<void> {
    await owner.db.query(
      `SELECT webhook_enqueue($1::uuid, 'case.created', c, jsonb_build_object(
         'caseId', c, 'officeId', $3::text, 'founderId', c, 'phase', 'access'))
         FROM unnest($2::text[]) AS c`,
      [office, cases, office],
    );
  }

  function messages(
    endpointId: string,
  ): Promise<{ id: string; state: string; attempts: number; lease_owner: string | null }[]> {
    return owner.db.query(
      `SELECT id, state, attempts, lease_owner FROM webhook_message WHERE endpoint_id = $1`,
      [endpointId],
    );
  }

  /** Until the endpoint's one message is claimed: its attempt is under way. */
  function inFlight(endpointId: string): Promise<true> {
    return eventually(
      async () => ((await messages(endpointId))[0]?.lease_owner ? true : undefined),
      5_000,
      'the message in flight',
    );
  }

  it('writes the attempts that finish together in a few transactions, one row each', async () => {
    const path = '/batch';
    const id = await endpoint(path);
    const count = 40;
    // All answered after the same delay: they finish within a few milliseconds of each other.
    receiver.script(path, ...Array.from({ length: count }, () => ({ status: 204, delayMs: 300 })));
    await enqueue(Array.from({ length: count }, () => randomUUID()));
    await eventually(
      async () => ((await messages(id)).every((m) => m.state === 'delivered') ? true : undefined),
      15_000,
      'every message delivered',
    );
    const [log]: { rows: number; messages: number; transactions: number }[] = await owner.db.query(
      `SELECT count(*)::int AS rows, count(DISTINCT message_id)::int AS messages,
                count(DISTINCT xmin::text)::int AS transactions
           FROM webhook_delivery WHERE endpoint_id = $1`,
      [id],
    );
    expect(receiver.on(path)).toHaveLength(count);
    expect(log.rows).toBe(count);
    expect(log.messages).toBe(count);
    // One transaction per attempt would be 40.
    expect(log.transactions).toBeLessThanOrEqual(count / 4);
  });

  it('retries a record that failed: the attempt is logged once and the message delivered once', async () => {
    const path = '/flush-retry';
    const id = await endpoint(path);
    receiver.script(path, { status: 204, delayMs: 600 });
    await enqueue([randomUUID()]);
    await inFlight(id);
    // Every write of the result fails while the table is away (a real error from PostgreSQL).
    await owner.db.query(`ALTER TABLE webhook_delivery RENAME TO webhook_delivery_away`);
    try {
      await sleep(1_500);
      const [m] = await messages(id);
      expect(m.state).toBe('pending');
    } finally {
      await owner.db.query(`ALTER TABLE webhook_delivery_away RENAME TO webhook_delivery`);
    }
    // Far sooner than the 60 s lease: the worker wrote the result it kept.
    const [done] = await eventually(
      async () => {
        const m = await messages(id);
        return m[0]?.state === 'delivered' ? m : undefined;
      },
      5_000,
      'the message delivered',
    );
    expect(done).toMatchObject({ attempts: 1, lease_owner: null });
    const rows: { outcome: string }[] = await owner.db.query(
      `SELECT outcome FROM webhook_delivery WHERE endpoint_id = $1`,
      [id],
    );
    expect(rows).toEqual([{ outcome: 'succeeded' }]);
    expect(receiver.on(path)).toHaveLength(1);
  });

  it('logs an attempt whose lease was lost, and leaves its message to the new holder', async () => {
    const path = '/lease-lost';
    const id = await endpoint(path);
    receiver.script(path, { status: 204, delayMs: 600 });
    await enqueue([randomUUID()]);
    await inFlight(id);
    // Another instance took it over (as after a stall longer than the lease).
    const other = randomUUID();
    await owner.db.query(`UPDATE webhook_message SET lease_owner = $2 WHERE endpoint_id = $1`, [
      id,
      other,
    ]);
    const rows = await eventually(
      async () => {
        const r: { outcome: string }[] = await owner.db.query(
          `SELECT outcome FROM webhook_delivery WHERE endpoint_id = $1`,
          [id],
        );
        return r.length > 0 ? r : undefined;
      },
      5_000,
      'the attempt logged',
    );
    expect(rows).toEqual([{ outcome: 'succeeded' }]);
    const [m] = await messages(id);
    expect(m).toMatchObject({ state: 'pending', attempts: 0, lease_owner: other });
  });
});
