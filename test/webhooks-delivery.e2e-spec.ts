import { Webhook } from 'standardwebhooks';
import { WebhookSecretCipher, newWebhookSecret } from '../src/webhooks/webhook-secret';
import type { WebhookEventType } from '../src/webhooks/webhook-events';
import { startTestApp, type TestApp } from './support/test-app';
import { eventually, sleep } from './support/eventually';
import { WebhookReceiver } from './support/webhook-receiver';
import { subscribeDirectly } from './support/webhooks';
import { useSeededApp, type World } from './support/world';

interface MessageRow {
  id: string;
  state: string;
  attempts: number;
  next_attempt_at: Date;
  lease_owner: string | null;
  lease_until: Date | null;
  delivered_at: Date | null;
}

interface DeliveryDto {
  id: string;
  messageId: string;
  eventType: string;
  attempt: number;
  trigger: string;
  startedAt: string;
  durationMs: number;
  outcome: string;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  nextAttemptAt: string | null;
}

const CASE_X = '11111111-1111-4111-8111-111111111111';
const CASE_Y = '22222222-2222-4222-8222-222222222222';

describe('webhook delivery (worker, delivery log, redeliver)', () => {
  let t: TestApp;
  let w: World;
  let receiver: WebhookReceiver;
  useSeededApp(
    (app, world) => {
      [t, w] = [app, world];
    },
    { WEBHOOK_POLL_MS: '50', WEBHOOK_ALLOWLIST: '127.0.0.1' },
  );
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver?.close());

  /**
   * The office's only endpoint from now on: webhook_enqueue writes one message per subscribed
   * endpoint, so each test retires the endpoints before it.
   */
  async function endpoint(
    path: string,
    url = receiver.url(path),
    events?: WebhookEventType[],
  ): Promise<{ id: string; secret: string }> {
    await t.db.query(
      `UPDATE webhook_endpoint SET deleted_at = now() WHERE office_id = $1 AND deleted_at IS NULL`,
      [w.officeA],
    );
    const created = await subscribeDirectly(t, w.officeA, url, events);
    receiver.setSecrets(path, created.secret);
    return created;
  }

  /** An event as the event triggers write it: through webhook_enqueue. Returns the message ids. */
  async function enqueue(endpointId: string, caseId = CASE_X, version = 1): Promise<string> {
    await t.db.query(`SELECT webhook_enqueue($1, 'case.phase_changed', $2, $3::jsonb)`, [
      w.officeA,
      caseId,
      JSON.stringify({
        caseId,
        officeId: w.officeA,
        fromPhase: 'intake',
        toPhase: 'planning',
        event: 'ADVANCE',
        version,
      }),
    ]);
    const [m]: { id: string }[] = await t.db.query(
      `SELECT id FROM webhook_message WHERE endpoint_id = $1 ORDER BY seq DESC LIMIT 1`,
      [endpointId],
    );
    return m.id;
  }

  async function message(id: string): Promise<MessageRow> {
    const [m]: MessageRow[] = await t.db.query(`SELECT * FROM webhook_message WHERE id = $1`, [id]);
    return m;
  }

  async function deliveries(
    endpointId: string,
    query: Record<string, string> = {},
    persona: Parameters<World['as']>[0] = 'leadA',
  ): Promise<{ items: DeliveryDto[]; nextCursor: string | null }> {
    const res = await t
      .http()
      .get(`/api/v1/offices/${w.officeA}/webhooks/${endpointId}/deliveries`)
      .query(query)
      .set(w.as(persona))
      .expect(200);
    return res.body;
  }

  /** Waits until the message has `count` attempts in the log (the worker records after sending). */
  function attemptsOf(endpointId: string, messageId: string, count: number) {
    return eventually(
      async () => {
        const page = await deliveries(endpointId, { messageId });
        return page.items.length >= count ? page.items : undefined;
      },
      20_000,
      `${count} attempts of ${messageId}`,
    );
  }

  it('delivers a signed Standard Webhooks request that verifies with standardwebhooks', async () => {
    const { id, secret } = await endpoint('/basic');
    const before = Math.floor(Date.now() / 1000);
    const messageId = await enqueue(id);
    await receiver.waitFor(() => receiver.on('/basic').length === 1, 10_000);
    const [got] = receiver.on('/basic');
    expect(got.id).toBe(messageId);
    expect(got.verified).toBe(true);
    // Independently of the receiver's own check: the package verifies it with the secret.
    expect(() =>
      new Webhook(secret).verify(got.body, {
        'webhook-id': got.id,
        'webhook-timestamp': got.timestamp,
        'webhook-signature': got.signature,
      }),
    ).not.toThrow();
    expect(got.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Number(got.timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(got.timestamp)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(got.json).toEqual({
      type: 'case.phase_changed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: {
        caseId: CASE_X,
        officeId: w.officeA,
        fromPhase: 'intake',
        toPhase: 'planning',
        event: 'ADVANCE',
        version: 1,
      },
    });
    // A signature with another secret does not verify: the check can fail.
    expect(() =>
      new Webhook(newWebhookSecret()).verify(got.body, {
        'webhook-id': got.id,
        'webhook-timestamp': got.timestamp,
        'webhook-signature': got.signature,
      }),
    ).toThrow();
    await eventually(async () =>
      (await message(messageId)).state === 'delivered' ? true : undefined,
    );
    const m = await message(messageId);
    expect(m).toMatchObject({ attempts: 1, lease_owner: null, lease_until: null });
    expect(m.delivered_at).not.toBeNull();
    // Once delivered, it is not sent again.
    await sleep(500);
    expect(receiver.on('/basic')).toHaveLength(1);
  });

  it('retries a 500 after 5 s with the same webhook-id and body, in order per case; another case is not held up', async () => {
    const { id } = await endpoint('/order');
    // 500, then 200 for everything after (the test 2).
    receiver.script('/order', { status: 500 }, { status: 200 }, { status: 200 }, { status: 200 });
    const first = await enqueue(id, CASE_X, 1);
    const second = await enqueue(id, CASE_X, 2);
    await receiver.waitFor(() => receiver.on('/order').length === 1, 10_000, 'the first attempt');
    expect(receiver.on('/order')[0].id).toBe(first);
    const other = await enqueue(id, CASE_Y, 1);

    await receiver.waitFor(
      () => receiver.on('/order').filter((r) => r.id === other).length === 1,
      10_000,
      'the other case',
    );
    // The second message of case X waits behind the failed first one.
    expect(receiver.on('/order').map((r) => r.id)).not.toContain(second);
    expect(receiver.on('/order').filter((r) => r.id === first)).toHaveLength(1);
    expect((await message(second)).attempts).toBe(0);

    await receiver.waitFor(
      () => receiver.on('/order').some((r) => r.id === second),
      15_000,
      'the second message of case X',
    );
    const got = receiver.on('/order');
    const firsts = got.filter((r) => r.id === first);
    expect(firsts.map((r) => r.answered)).toEqual([500, 200]);
    expect(firsts[1].body).toBe(firsts[0].body);
    expect(firsts.every((r) => r.verified)).toBe(true);
    // The schedule's second attempt comes 5 s after the first, not sooner.
    expect(firsts[1].receivedAt - firsts[0].receivedAt).toBeGreaterThanOrEqual(4_900);
    const secondAt = got.findIndex((r) => r.id === second);
    expect(secondAt).toBeGreaterThan(got.indexOf(firsts[1]));
    expect(got.indexOf(got.find((r) => r.id === other)!)).toBeLessThan(got.indexOf(firsts[1]));

    const log = await attemptsOf(id, first, 2);
    expect(log.map((d) => [d.attempt, d.outcome, d.responseStatus, d.trigger])).toEqual([
      [2, 'succeeded', 200, 'schedule'],
      [1, 'failed', 500, 'schedule'],
    ]);
    const failed = log[1];
    const waited = Date.parse(failed.nextAttemptAt!) - Date.parse(failed.startedAt);
    expect(waited).toBeGreaterThanOrEqual(5_000);
    expect(waited).toBeLessThan(6_000);
  }, 30_000);

  it('honours a Retry-After longer than the schedule', async () => {
    const { id } = await endpoint('/retry-after');
    receiver.script('/retry-after', { status: 503, headers: { 'retry-after': '8' } });
    const messageId = await enqueue(id);
    await receiver.waitFor(() => receiver.on('/retry-after').length === 2, 15_000);
    const [a, b] = receiver.on('/retry-after');
    expect(a.id).toBe(messageId);
    expect(b.id).toBe(messageId);
    expect(b.receivedAt - a.receivedAt).toBeGreaterThanOrEqual(7_900);
    const log = await attemptsOf(id, messageId, 2);
    const waited = Date.parse(log[1].nextAttemptAt!) - Date.parse(log[1].startedAt);
    expect(waited).toBeGreaterThanOrEqual(8_000);
    expect(waited).toBeLessThan(9_000);
  }, 30_000);

  it('disables the endpoint on 410 Gone and sends it nothing more', async () => {
    const { id } = await endpoint('/gone');
    receiver.script('/gone', { status: 410 });
    const messageId = await enqueue(id);
    await eventually(async () =>
      (await message(messageId)).state === 'failed' ? true : undefined,
    );
    const [e]: { status: string; disabled_reason: string | null }[] = await t.db.query(
      `SELECT status, disabled_reason FROM webhook_endpoint WHERE id = $1`,
      [id],
    );
    expect(e).toEqual({ status: 'disabled', disabled_reason: 'gone' });
    const [log] = (await deliveries(id)).items;
    expect(log).toMatchObject({ outcome: 'failed', responseStatus: 410, nextAttemptAt: null });

    await enqueue(id, CASE_Y);
    await sleep(600);
    expect(receiver.on('/gone')).toHaveLength(1);
    // A disabled endpoint's attempt is not redelivered either (409) until it is enabled again.
    await t
      .http()
      .post(`/api/v1/offices/${w.officeA}/webhooks/${id}/deliveries/${log.id}/redeliver`)
      .set(w.as('leadA'))
      .expect(409);
  });

  it('does not follow a redirect: a 3xx is a failed attempt with its status', async () => {
    const { id } = await endpoint('/redirect');
    receiver.script('/redirect', { status: 302, headers: { location: receiver.url('/target') } });
    const messageId = await enqueue(id);
    const [log] = await attemptsOf(id, messageId, 1);
    expect(log).toMatchObject({ outcome: 'failed', responseStatus: 302, attempt: 1 });
    expect((await message(messageId)).state).toBe('pending');
    expect(receiver.on('/target')).toHaveLength(0);
  });

  it('blocks destinations the policy refuses, and sends nothing', async () => {
    for (const url of [
      'http://10.0.0.1/hook',
      'https://10.0.0.1/hook',
      'https://169.254.169.254/',
    ]) {
      const { id } = await endpoint('/blocked', url);
      const messageId = await enqueue(id);
      const [log] = await attemptsOf(id, messageId, 1);
      expect(log).toMatchObject({ outcome: 'blocked', responseStatus: null, responseBody: null });
      expect(log.error).toBeTruthy();
      expect(log.durationMs).toBeLessThan(1_000);
    }
    expect(receiver.on('/blocked')).toHaveLength(0);
  });

  it('signs with both secrets during a rotation, and with one after it expired', async () => {
    const { id, secret: previous } = await endpoint('/rotation');
    const cipher = new WebhookSecretCipher(t.config);
    const current = newWebhookSecret();
    await t.db.query(
      `UPDATE webhook_endpoint SET secret_encrypted = $2, previous_secret_encrypted = $3,
              previous_secret_expires_at = now() + interval '1 hour' WHERE id = $1`,
      [id, cipher.encrypt(current), cipher.encrypt(previous)],
    );
    receiver.setSecrets('/rotation', current, previous);
    const during = await enqueue(id);
    await receiver.waitFor(() => receiver.on('/rotation').length === 1);
    const [a] = receiver.on('/rotation');
    expect(a.id).toBe(during);
    expect(a.signature.split(' ')).toHaveLength(2);
    expect(a.verifiedWith.sort()).toEqual([current, previous].sort());

    await t.db.query(
      `UPDATE webhook_endpoint SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await enqueue(id, CASE_Y);
    await receiver.waitFor(() => receiver.on('/rotation').length === 2);
    const b = receiver.on('/rotation')[1];
    expect(b.signature.split(' ')).toHaveLength(1);
    expect(b.verifiedWith).toEqual([current]);
  });

  it('logs status, latency and the first 1 KB of the answer; redeliver sends the same id again', async () => {
    const { id } = await endpoint('/log');
    // 5 KB of two-byte characters after one one-byte one: 1 KB ends inside a character.
    const answer = `x${'ä'.repeat(2560)}`;
    receiver.script('/log', { status: 500, body: answer, delayMs: 150 });
    const messageId = await enqueue(id);
    const [failed] = await attemptsOf(id, messageId, 1);
    expect(failed).toMatchObject({
      messageId,
      eventType: 'case.phase_changed',
      attempt: 1,
      trigger: 'schedule',
      outcome: 'failed',
      responseStatus: 500,
      error: 'HTTP 500',
    });
    expect(failed.durationMs).toBeGreaterThanOrEqual(150);
    expect(failed.durationMs).toBeLessThan(5_000);
    expect(Buffer.byteLength(failed.responseBody!, 'utf8')).toBe(1023);
    expect(answer.startsWith(failed.responseBody!)).toBe(true);
    expect(failed.nextAttemptAt).not.toBeNull();

    const res = await t
      .http()
      .post(`/api/v1/offices/${w.officeA}/webhooks/${id}/deliveries/${failed.id}/redeliver`)
      .set(w.as('leadA'))
      .expect(202);
    expect(res.body).toEqual({ messageId });
    await receiver.waitFor(() => receiver.on('/log').length === 2, 4_000, 'the redelivery');
    const [a, b] = receiver.on('/log');
    expect(b.id).toBe(a.id);
    expect(b.body).toBe(a.body);
    expect(b.verified).toBe(true);
    // Sent at once, not at the schedule's 5 s.
    expect(b.receivedAt - a.receivedAt).toBeLessThan(4_000);

    const log = await attemptsOf(id, messageId, 2);
    expect(log.map((d) => [d.attempt, d.trigger, d.outcome, d.responseStatus])).toEqual([
      [2, 'redeliver', 'succeeded', 204],
      [1, 'schedule', 'failed', 500],
    ]);
    await eventually(async () =>
      (await message(messageId)).state === 'delivered' ? true : undefined,
    );

    // A delivered message can be sent again too; the log pages newest first.
    await t
      .http()
      .post(`/api/v1/offices/${w.officeA}/webhooks/${id}/deliveries/${log[0].id}/redeliver`)
      .set(w.as('admin'))
      .expect(202);
    await receiver.waitFor(() => receiver.on('/log').length === 3, 4_000);
    const all = await attemptsOf(id, messageId, 3);
    expect(all.map((d) => d.attempt)).toEqual([3, 2, 1]);
    const page1 = await deliveries(id, { limit: '2' });
    expect(page1.items.map((d) => d.attempt)).toEqual([3, 2]);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await deliveries(id, { limit: '2', cursor: page1.nextCursor! });
    expect(page2.items.map((d) => d.attempt)).toEqual([1]);
    expect(page2.nextCursor).toBeNull();
    // Another message's filter finds none of these.
    expect((await deliveries(id, { messageId: CASE_Y })).items).toEqual([]);
  }, 30_000);

  it('keeps the delivery log to the office: other offices 404, other roles 403', async () => {
    const { id } = await endpoint('/isolation');
    const messageId = await enqueue(id);
    const [d] = await attemptsOf(id, messageId, 1);
    const path = `/api/v1/offices/${w.officeA}/webhooks/${id}/deliveries`;
    await t.http().get(path).set(w.as('leadB')).expect(404);
    await t
      .http()
      .get(`/api/v1/offices/${w.officeB}/webhooks/${id}/deliveries`)
      .set(w.as('leadB'))
      .expect(404);
    await t.http().get(path).set(w.as('advisorA')).expect(403);
    await t.http().get(path).set(w.as('auditorA')).expect(403);
    await t.http().get(path).set(w.as('nobody')).expect(403);
    await t.http().get(path).expect(401);
    expect((await t.http().get(path).set(w.as('admin')).expect(200)).body.items).toHaveLength(1);
    await t.http().post(`${path}/${d.id}/redeliver`).set(w.as('leadB')).expect(404);
    await t.http().post(`${path}/${d.id}/redeliver`).set(w.as('advisorA')).expect(403);
    await t
      .http()
      .post(`${path}/${CASE_X}/redeliver`)
      .set(w.as('leadA'))
      .expect(404)
      .expect('content-type', /application\/problem\+json/);
    await t.http().get(path).query({ cursor: 'nonsense' }).set(w.as('leadA')).expect(400);
    await t.http().get(path).query({ messageId: 'x' }).set(w.as('leadA')).expect(400);
    await t.http().post(`${path}/not-a-uuid/redeliver`).set(w.as('leadA')).expect(400);
    // Through the service's own pool (RLS): office B's scope sees none of office A's attempts.
    const rows = await t.serviceDb.transaction(async (m) => {
      await m.query(`SELECT set_config('app.office_ids', $1, true)`, [w.officeB]);
      return m.query(`SELECT id FROM webhook_delivery`);
    });
    expect(rows).toEqual([]);
    // A deleted endpoint's log is gone with it.
    await t.db.query(`UPDATE webhook_endpoint SET deleted_at = now() WHERE id = $1`, [id]);
    await t.http().get(path).set(w.as('leadA')).expect(404);
    expect(receiver.on('/isolation')).toHaveLength(1);
  });

  it('times out after 15 s without an answer', async () => {
    const { id } = await endpoint('/slow');
    receiver.script('/slow', { status: 204, delayMs: 16_000 });
    const messageId = await enqueue(id);
    const [log] = await attemptsOf(id, messageId, 1);
    expect(log.outcome).toBe('timeout');
    expect(log.responseStatus).toBeNull();
    expect(log.durationMs).toBeGreaterThanOrEqual(14_900);
    expect(log.durationMs).toBeLessThan(16_000);
    expect((await message(messageId)).state).toBe('pending');
  }, 30_000);
});

describe('webhook delivery without an allow-list', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_POLL_MS: '50', WEBHOOK_ALLOWLIST: '' });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  it('refuses a host name that resolves to loopback at connect time (the lookup is checked)', async () => {
    const [office]: { id: string }[] = await t.db.query(
      `INSERT INTO office (code, name, region) VALUES ('T-1', 'Test', 'Test') RETURNING id`,
    );
    // https with a host name passes the URL check; the address it resolves to does not.
    const url = receiver.url('/rebind').replace('http://127.0.0.1', 'https://localhost');
    const { id } = await subscribeDirectly(t, office.id, url);
    await t.db.query(`SELECT webhook_enqueue($1, 'case.created', $2, $3::jsonb)`, [
      office.id,
      CASE_X,
      JSON.stringify({ caseId: CASE_X, officeId: office.id, founderId: CASE_Y, phase: 'intake' }),
    ]);
    const log = await eventually(
      async () => {
        const rows: { outcome: string; error: string }[] = await t.db.query(
          `SELECT outcome, error FROM webhook_delivery WHERE endpoint_id = $1`,
          [id],
        );
        return rows.length > 0 ? rows : undefined;
      },
      10_000,
      'the attempt',
    );
    expect(log).toEqual([{ outcome: 'blocked', error: expect.stringContaining('loopback') }]);
    expect(receiver.received).toHaveLength(0);
  });
});

describe('webhook worker lifecycle', () => {
  let owner: TestApp;
  let receiver: WebhookReceiver;
  let office: string;
  const env = { WEBHOOK_POLL_MS: '50', WEBHOOK_ALLOWLIST: '127.0.0.1' };
  beforeAll(async () => {
    // The database's owner runs no worker; the instances under test run beside it.
    owner = await startTestApp();
    receiver = await WebhookReceiver.start();
    [{ id: office }] = await owner.db.query(
      `INSERT INTO office (code, name, region) VALUES ('T-2', 'Test', 'Test') RETURNING id`,
    );
  });
  afterAll(async () => {
    await receiver?.close();
    await owner?.close();
  });

  async function enqueueCreated(caseId: string): Promise<void> {
    await owner.db.query(`SELECT webhook_enqueue($1, 'case.created', $2, $3::jsonb)`, [
      office,
      caseId,
      JSON.stringify({ caseId, officeId: office, founderId: CASE_Y, phase: 'intake' }),
    ]);
  }

  it('finishes and records the attempt under way when the service shuts down', async () => {
    const { id } = await subscribeDirectly(owner, office, receiver.url('/shutdown'));
    receiver.script('/shutdown', { status: 200, delayMs: 1_000 });
    const instance = await startTestApp(env, owner);
    await enqueueCreated(CASE_X);
    await eventually(async () => {
      const [m]: { lease_owner: string | null }[] = await owner.db.query(
        `SELECT lease_owner FROM webhook_message WHERE endpoint_id = $1`,
        [id],
      );
      return m.lease_owner ? true : undefined;
    });
    const started = Date.now();
    await instance.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    const [m]: { state: string; lease_owner: string | null }[] = await owner.db.query(
      `SELECT state, lease_owner FROM webhook_message WHERE endpoint_id = $1`,
      [id],
    );
    expect(m).toEqual({ state: 'delivered', lease_owner: null });
    const rows: unknown[] = await owner.db.query(
      `SELECT 1 FROM webhook_delivery WHERE endpoint_id = $1 AND outcome = 'succeeded'`,
      [id],
    );
    expect(rows).toHaveLength(1);
    await owner.db.query(`UPDATE webhook_endpoint SET deleted_at = now() WHERE id = $1`, [id]);
  });

  it('shares the outbox between two instances: each message is sent once, in order per case', async () => {
    const { id, secret } = await subscribeDirectly(owner, office, receiver.url('/two'));
    receiver.setSecrets('/two', secret);
    const cases = Array.from({ length: 10 }, (_, i) => `case-${i}`);
    for (let round = 0; round < 4; round++) for (const c of cases) await enqueueCreated(c);
    const [one, two] = await Promise.all([startTestApp(env, owner), startTestApp(env, owner)]);
    try {
      await receiver.waitFor(() => receiver.on('/two').length >= 40, 15_000, '40 messages');
      await sleep(300);
      const got = receiver.on('/two');
      expect(got.map((r) => r.id)).toHaveLength(40);
      expect(new Set(got.map((r) => r.id)).size).toBe(40);
      expect(got.every((r) => r.verified)).toBe(true);
      const [{ attempts }]: { attempts: number }[] = await owner.db.query(
        `SELECT count(*)::int AS attempts FROM webhook_delivery WHERE endpoint_id = $1`,
        [id],
      );
      expect(attempts).toBe(40);
      // Per case, the messages arrived in the order they were written.
      const seqs: { id: string; ordering_key: string; seq: string }[] = await owner.db.query(
        `SELECT id, ordering_key, seq FROM webhook_message WHERE endpoint_id = $1`,
        [id],
      );
      const byId = new Map(seqs.map((m) => [m.id, m]));
      for (const c of cases) {
        const order = got.filter((r) => byId.get(r.id)!.ordering_key === c);
        const sent = order.map((r) => Number(byId.get(r.id)!.seq));
        expect(sent).toEqual([...sent].sort((a, b) => a - b));
      }
    } finally {
      await Promise.all([one.close(), two.close()]);
      await owner.db.query(`UPDATE webhook_endpoint SET deleted_at = now() WHERE id = $1`, [id]);
    }
  }, 30_000);

  it('survives database errors while claiming and delivers once the database is back', async () => {
    const { secret } = await subscribeDirectly(owner, office, receiver.url('/db-error'));
    receiver.setSecrets('/db-error', secret);
    const instance = await startTestApp(env, owner);
    try {
      // Every claim fails while the table is away (a real error from PostgreSQL).
      await owner.db.query(`ALTER TABLE webhook_message RENAME TO webhook_message_away`);
      await sleep(700);
      await owner.db.query(`ALTER TABLE webhook_message_away RENAME TO webhook_message`);
      await enqueueCreated(CASE_Y);
      await receiver.waitFor(() => receiver.on('/db-error').length === 1, 10_000);
      expect(receiver.on('/db-error')[0].verified).toBe(true);
      // The service itself still answers.
      await instance.http().get('/health').expect(200);
    } finally {
      await owner.db
        .query(`ALTER TABLE IF EXISTS webhook_message_away RENAME TO webhook_message`)
        .catch(() => undefined);
      await instance.close();
    }
  }, 20_000);
});
