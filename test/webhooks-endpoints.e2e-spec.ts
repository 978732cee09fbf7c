import { Client } from 'pg';
import { WEBHOOK_EVENT_TYPES } from '../src/webhooks/webhook-events';
import { WebhookSecretCipher } from '../src/webhooks/webhook-secret';
import { requestUrl } from './support/database';
import { startTestApp, type TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';
import { useSeededApp, type Persona, type World } from './support/world';

/** A public address as an IP literal: accepted without DNS (the test machine may have none). */
const PUBLIC_URL = 'https://93.184.215.14/lotse/hooks';
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const DAY_MS = 24 * 60 * 60 * 1000;

interface EndpointRow {
  id: string;
  office_id: string;
  url: string;
  description: string;
  events: string[];
  status: string;
  disabled_reason: string | null;
  secret_encrypted: string;
  secret_prefix: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  created_by: string | null;
  deleted_at: Date | null;
}

describe('webhook endpoints API', () => {
  let t: TestApp;
  let w: World;
  let receiver: WebhookReceiver;
  let cipher: WebhookSecretCipher;
  useSeededApp(
    (app, world) => {
      [t, w] = [app, world];
      cipher = new WebhookSecretCipher(t.config);
    },
    { WEBHOOK_ALLOWLIST: '127.0.0.1' },
  );
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver?.close());

  const base = (office: string) => `/api/v1/offices/${office}/webhooks`;

  async function create(
    persona: Persona = 'leadA',
    body: Record<string, unknown> = { url: receiver.url('/a'), events: ['case.created'] },
    office = w.officeA,
  ): Promise<{ id: string; secret: string } & Record<string, unknown>> {
    const res = await t.http().post(base(office)).set(w.as(persona)).send(body).expect(201);
    return res.body;
  }

  async function row(id: string): Promise<EndpointRow> {
    const [found]: EndpointRow[] = await t.db.query(
      `SELECT * FROM webhook_endpoint WHERE id = $1`,
      [id],
    );
    return found;
  }

  async function logOf(id: string): Promise<Record<string, unknown>[]> {
    return t.db.query(
      `SELECT actor_type, actor_id, office_id, resource_type, resource_id, action, details, request_id
         FROM access_log WHERE resource_id = $1 ORDER BY id`,
      [id],
    );
  }

  describe('create', () => {
    it('answers the secret once (whsec_, 32 bytes), stores it encrypted, and lists without it', async () => {
      const res = await t
        .http()
        .post(base(w.officeA))
        .set(w.as('leadA'))
        .send({
          url: PUBLIC_URL,
          events: ['case.phase_changed', 'case.created'],
          description: 'Büro-Frontend',
        })
        .expect(201);
      const secret: string = res.body.secret;
      expect(secret).toMatch(SECRET);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      expect(res.body).toMatchObject({
        officeId: w.officeA,
        url: PUBLIC_URL,
        events: ['case.phase_changed', 'case.created'],
        description: 'Büro-Frontend',
        status: 'active',
        disabledReason: null,
        secretPrefix: `${secret.slice(0, 10)}…`,
        previousSecretExpiresAt: null,
      });

      const stored = await row(res.body.id);
      expect(JSON.stringify(stored)).not.toContain(secret.slice('whsec_'.length));
      expect(stored.secret_encrypted).toMatch(/^v1\./);
      expect(cipher.decrypt(stored.secret_encrypted)).toBe(secret);
      expect(stored).toMatchObject({
        office_id: w.officeA,
        created_by: w.users.leadA.id,
        previous_secret_encrypted: null,
        deleted_at: null,
      });

      const listed = await t.http().get(base(w.officeA)).set(w.as('leadA')).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      const item = listed.body.items.find((e: { id: string }) => e.id === res.body.id);
      expect(item).toEqual({ ...res.body, secret: undefined });
      expect(item).not.toHaveProperty('secret');

      const one = await t
        .http()
        .get(`${base(w.officeA)}/${res.body.id}`)
        .set(w.as('leadA'))
        .expect(200);
      expect(one.body).toEqual(item);
    });

    it('accepts http://127.0.0.1:port when WEBHOOK_ALLOWLIST names 127.0.0.1', async () => {
      const created = await create('leadA', {
        url: receiver.url('/allowed'),
        events: ['task.due'],
      });
      expect(created).toMatchObject({ url: receiver.url('/allowed'), description: '' });
    });

    it('lets an admin register one, and lists the office\u2019s endpoints oldest first', async () => {
      const first = await create('admin', { url: receiver.url('/admin'), events: ['case.closed'] });
      expect((await row(first.id)).created_by).toBe(w.users.admin.id);
      const listed = await t.http().get(base(w.officeA)).set(w.as('admin')).expect(200);
      const ids = listed.body.items.map((e: { id: string }) => e.id);
      expect(ids[ids.length - 1]).toBe(first.id);
      expect(listed.body.items.every((e: { officeId: string }) => e.officeId === w.officeA)).toBe(
        true,
      );
    });

    it('writes an access-log entry with ids only', async () => {
      const created = await create();
      const res = await t
        .http()
        .patch(`${base(w.officeA)}/${created.id}`)
        .set(w.as('leadA'))
        .set('X-Request-Id', 'h1-update-1')
        .send({ status: 'paused', description: 'Pause über Ostern' })
        .expect(200);
      expect(res.body.status).toBe('paused');
      const log = await logOf(created.id);
      expect(log).toEqual([
        expect.objectContaining({
          actor_type: 'user',
          actor_id: w.users.leadA.id,
          office_id: w.officeA,
          resource_type: 'webhook_endpoint',
          action: 'create',
          details: null,
        }),
        expect.objectContaining({
          action: 'update',
          request_id: 'h1-update-1',
          details: { fields: ['description', 'status'] },
        }),
      ]);
      expect(JSON.stringify(log)).not.toContain('Ostern');
    });
  });

  describe('validation', () => {
    async function refused(
      body: Record<string, unknown>,
      field: string,
      message: RegExp,
      app: TestApp = t,
    ): Promise<void> {
      const before = await t.db.query(`SELECT count(*)::int AS n FROM webhook_endpoint`);
      const res = await app.http().post(base(w.officeA)).set(w.as('leadA')).send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual(
        expect.arrayContaining([{ field, message: expect.stringMatching(message) }]),
      );
      expect(await t.db.query(`SELECT count(*)::int AS n FROM webhook_endpoint`)).toEqual(before);
    }

    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['an http URL', { url: 'http://93.184.215.14/h' }, 'url', /must use https/],
      [
        'a private address',
        { url: 'https://10.0.0.1/h' },
        'url',
        /private address \(10\.0\.0\.1\)/,
      ],
      ['a link-local (metadata) address', { url: 'https://169.254.169.254/' }, 'url', /linkLocal/],
      ['no URL', { url: 'not a url' }, 'url', /is not a URL/],
      ['credentials in the URL', { url: 'https://u:p@93.184.215.14/' }, 'url', /user name/],
      ['a URL that is too long', { url: `https://a.example/${'x'.repeat(2048)}` }, 'url', /2048/],
      ['an unknown event', { events: ['case.created', 'case.deleted'] }, 'events', /one of/],
      ['empty events', { events: [] }, 'events', /at least one/],
      ['a repeated event', { events: ['task.due', 'task.due'] }, 'events', /only once/],
      ['events as a string', { events: 'case.created' }, 'events', /array/],
      ['a long description', { description: 'x'.repeat(501) }, 'description', /500/],
      ['a null description', { description: null }, 'description', /string/],
      ['an unknown field', { secret: 'whsec_mine' }, 'secret', /should not exist/],
    ])('refuses %s (400, nothing written)', async (_, change, field, message) => {
      await refused({ url: PUBLIC_URL, events: ['case.created'], ...change }, field, message);
    });

    it('refuses 127.0.0.1 when the allow-list does not name it, over http and https', async () => {
      const strict = await startTestApp({}, t);
      try {
        await refused(
          { url: receiver.url('/a'), events: ['case.created'] },
          'url',
          /must use https/,
          strict,
        );
        await refused(
          {
            url: `https://127.0.0.1:${new URL(receiver.url('/')).port}/a`,
            events: ['case.created'],
          },
          'url',
          /loopback address \(127\.0\.0\.1\)/,
          strict,
        );
        await refused(
          { url: 'https://[::1]/a', events: ['case.created'] },
          'url',
          /loopback address/,
          strict,
        );
      } finally {
        await strict.close();
      }
    });

    it('refuses a change to a refused URL and leaves the endpoint as it was', async () => {
      const created = await create();
      const res = await t
        .http()
        .patch(`${base(w.officeA)}/${created.id}`)
        .set(w.as('leadA'))
        .send({ url: 'https://192.168.1.20/h', description: 'neu' })
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'url', message: expect.stringMatching(/private/) },
      ]);
      expect(await row(created.id)).toMatchObject({ url: receiver.url('/a'), description: '' });
    });

    it.each<[string, Record<string, unknown>]>([
      ['an empty body', {}],
      ['status disabled (only the service disables)', { status: 'disabled' }],
      ['a null url', { url: null }],
      ['null events', { events: null }],
      ['empty events', { events: [] }],
      ['an unknown field', { secret: 'x' }],
    ])('refuses a change with %s', async (_, body) => {
      const created = await create();
      const res = await t
        .http()
        .patch(`${base(w.officeA)}/${created.id}`)
        .set(w.as('leadA'))
        .send(body)
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(await logOf(created.id)).toHaveLength(1);
    });

    it('refuses malformed ids and unknown offices', async () => {
      await t
        .http()
        .get(`${base(w.officeA)}/not-a-uuid`)
        .set(w.as('leadA'))
        .expect(400);
      await t.http().get(base('not-a-uuid')).set(w.as('admin')).expect(400);
      const unknown = '00000000-0000-4000-8000-000000000000';
      await t.http().get(base(unknown)).set(w.as('admin')).expect(404);
      await t
        .http()
        .post(base(unknown))
        .set(w.as('admin'))
        .send({ url: PUBLIC_URL, events: ['case.created'] })
        .expect(404);
      await t
        .http()
        .get(`${base(w.officeA)}/${unknown}`)
        .set(w.as('leadA'))
        .expect(404);
      await t
        .http()
        .patch(`${base(w.officeA)}/${unknown}`)
        .set(w.as('leadA'))
        .send({ status: 'paused' })
        .expect(404);
      await t
        .http()
        .post(`${base(w.officeA)}/${unknown}/rotate-secret`)
        .set(w.as('leadA'))
        .expect(404);
      await t
        .http()
        .delete(`${base(w.officeA)}/${unknown}`)
        .set(w.as('leadA'))
        .expect(404);
    });
  });

  describe('update, pause and resume', () => {
    it('changes url, events and description, and keeps what is absent', async () => {
      const created = await create('leadA', {
        url: receiver.url('/a'),
        events: ['case.created'],
        description: 'alt',
      });
      const res = await t
        .http()
        .patch(`${base(w.officeA)}/${created.id}`)
        .set(w.as('leadA'))
        .send({ events: ['export.completed', 'reset.decided'], url: PUBLIC_URL })
        .expect(200);
      expect(res.body).toMatchObject({
        url: PUBLIC_URL,
        events: ['export.completed', 'reset.decided'],
        description: 'alt',
        status: 'active',
        secretPrefix: created.secretPrefix,
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(
        Date.parse(created.updatedAt as string),
      );
      const stored = await row(created.id);
      expect(stored.events).toEqual(['export.completed', 'reset.decided']);
      expect(cipher.decrypt(stored.secret_encrypted)).toBe(created.secret);
      const cleared = await t
        .http()
        .patch(`${base(w.officeA)}/${created.id}`)
        .set(w.as('leadA'))
        .send({ description: '' })
        .expect(200);
      expect(cleared.body.description).toBe('');
    });

    it('pauses and resumes; a paused endpoint keeps collecting events', async () => {
      const created = await create('leadA', { url: receiver.url('/p'), events: ['case.created'] });
      const url = `${base(w.officeA)}/${created.id}`;
      const paused = await t.http().patch(url).set(w.as('leadA')).send({ status: 'paused' });
      expect(paused.status).toBe(200);
      expect(paused.body.status).toBe('paused');
      await t.db.query(`SELECT webhook_enqueue($1, 'case.created', 'k-paused', '{}'::jsonb)`, [
        w.officeA,
      ]);
      const kept = await t.db.query(`SELECT state FROM webhook_message WHERE endpoint_id = $1`, [
        created.id,
      ]);
      expect(kept).toEqual([{ state: 'pending' }]);
      const resumed = await t.http().patch(url).set(w.as('leadA')).send({ status: 'active' });
      expect(resumed.body).toMatchObject({ status: 'active', disabledReason: null });
      expect((await row(created.id)).status).toBe('active');
    });

    it('re-enables an endpoint the service disabled, clearing disabledReason', async () => {
      const created = await create();
      const url = `${base(w.officeA)}/${created.id}`;
      // What the delivery worker does on a 410.
      await t.db.query(
        `UPDATE webhook_endpoint SET status = 'disabled', disabled_reason = 'gone' WHERE id = $1`,
        [created.id],
      );
      const seen = await t.http().get(url).set(w.as('leadA')).expect(200);
      expect(seen.body).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
      // A change that does not name the status leaves it disabled.
      const renamed = await t.http().patch(url).set(w.as('leadA')).send({ description: 'x' });
      expect(renamed.body).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
      const enabled = await t.http().patch(url).set(w.as('leadA')).send({ status: 'active' });
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({ status: 'active', disabledReason: null });
      expect(await row(created.id)).toMatchObject({ status: 'active', disabled_reason: null });
    });
  });

  describe('delete', () => {
    it('soft-deletes, cancels the pending messages in the same transaction, and is gone for the API', async () => {
      const created = await create('leadA', { url: receiver.url('/d'), events: ['case.created'] });
      const other = await create('leadA', { url: receiver.url('/o'), events: ['case.created'] });
      await t.db.query(`SELECT webhook_enqueue($1, 'case.created', 'k1', '{"caseId":"c1"}')`, [
        w.officeA,
      ]);
      await t.db.query(`SELECT webhook_enqueue($1, 'case.created', 'k2', '{"caseId":"c2"}')`, [
        w.officeA,
      ]);
      await t.db.query(
        `UPDATE webhook_message SET state = 'delivered', delivered_at = now()
          WHERE endpoint_id = $1 AND ordering_key = 'k1'`,
        [created.id],
      );
      await t
        .http()
        .delete(`${base(w.officeA)}/${created.id}`)
        .set(w.as('leadA'))
        .set('X-Request-Id', 'h1-delete-1')
        .expect(204);

      const states = await t.db.query(
        `SELECT endpoint_id, ordering_key, state FROM webhook_message
          WHERE endpoint_id = ANY($1) ORDER BY endpoint_id = $2 DESC, ordering_key`,
        [[created.id, other.id], created.id],
      );
      expect(states).toEqual([
        { endpoint_id: created.id, ordering_key: 'k1', state: 'delivered' },
        { endpoint_id: created.id, ordering_key: 'k2', state: 'cancelled' },
        { endpoint_id: other.id, ordering_key: 'k1', state: 'pending' },
        { endpoint_id: other.id, ordering_key: 'k2', state: 'pending' },
      ]);
      const stored = await row(created.id);
      expect(stored.deleted_at).toBeInstanceOf(Date);
      expect(await logOf(created.id)).toEqual([
        expect.objectContaining({ action: 'create' }),
        expect.objectContaining({
          action: 'delete',
          request_id: 'h1-delete-1',
          details: { cancelledMessages: 1 },
        }),
      ]);

      const url = `${base(w.officeA)}/${created.id}`;
      await t.http().get(url).set(w.as('leadA')).expect(404);
      await t.http().patch(url).set(w.as('leadA')).send({ status: 'active' }).expect(404);
      await t.http().post(`${url}/rotate-secret`).set(w.as('leadA')).expect(404);
      const listed = await t.http().get(base(w.officeA)).set(w.as('leadA')).expect(200);
      expect(listed.body.items.map((e: { id: string }) => e.id)).not.toContain(created.id);
      expect(listed.body.items.map((e: { id: string }) => e.id)).toContain(other.id);
      // As revoking a revoked API key: deleting again changes nothing.
      await t.http().delete(url).set(w.as('leadA')).expect(204);
      expect((await row(created.id)).deleted_at).toEqual(stored.deleted_at);
      // A deleted endpoint collects no more events.
      await t.db.query(`SELECT webhook_enqueue($1, 'case.created', 'k3', '{}')`, [w.officeA]);
      const after = await t.db.query(
        `SELECT count(*)::int AS n FROM webhook_message WHERE endpoint_id = $1 AND ordering_key = 'k3'`,
        [created.id],
      );
      expect(after).toEqual([{ n: 0 }]);
    });
  });

  describe('rotate-secret', () => {
    it('gives a new secret; the old one stays decryptable beside it for 24 hours', async () => {
      const created = await create();
      const url = `${base(w.officeA)}/${created.id}/rotate-secret`;
      const before = Date.now();
      const first = await t.http().post(url).set(w.as('leadA')).expect(200);
      expect(first.body.secret).toMatch(SECRET);
      expect(first.body.secret).not.toBe(created.secret);
      expect(first.body.secretPrefix).toBe(`${first.body.secret.slice(0, 10)}…`);
      const expires = Date.parse(first.body.previousSecretExpiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + DAY_MS - 60_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + DAY_MS + 60_000);

      let stored = await row(created.id);
      expect(cipher.decrypt(stored.secret_encrypted)).toBe(first.body.secret);
      expect(cipher.decrypt(stored.previous_secret_encrypted!)).toBe(created.secret);
      expect(stored.previous_secret_expires_at!.getTime()).toBe(expires);
      expect(JSON.stringify(stored)).not.toContain(first.body.secret.slice(6));

      const seen = await t
        .http()
        .get(`${base(w.officeA)}/${created.id}`)
        .set(w.as('leadA'));
      expect(JSON.stringify(seen.body)).not.toContain(first.body.secret);
      expect(seen.body.previousSecretExpiresAt).toBe(first.body.previousSecretExpiresAt);

      // Rotating during a rotation: the current secret becomes the previous one, the oldest is gone.
      const second = await t.http().post(url).set(w.as('leadA')).expect(200);
      stored = await row(created.id);
      expect(cipher.decrypt(stored.secret_encrypted)).toBe(second.body.secret);
      expect(cipher.decrypt(stored.previous_secret_encrypted!)).toBe(first.body.secret);
      expect(new Set([created.secret, first.body.secret, second.body.secret]).size).toBe(3);

      expect((await logOf(created.id)).map((e) => [e.action, e.details])).toEqual([
        ['create', null],
        ['update', { fields: ['secret'] }],
        ['update', { fields: ['secret'] }],
      ]);

      // Once the previous secret has expired it is answered as none.
      await t.db.query(
        `UPDATE webhook_endpoint SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`,
        [created.id],
      );
      const later = await t
        .http()
        .get(`${base(w.officeA)}/${created.id}`)
        .set(w.as('leadA'));
      expect(later.body.previousSecretExpiresAt).toBeNull();
    });
  });

  describe('who may', () => {
    let endpointA: string;
    beforeAll(async () => {
      endpointA = (await create()).id;
    });

    const routes = (office: string, id: string) =>
      [
        ['post', base(office), { url: PUBLIC_URL, events: ['case.created'] }],
        ['get', base(office), undefined],
        ['get', `${base(office)}/${id}`, undefined],
        ['patch', `${base(office)}/${id}`, { description: 'x' }],
        ['post', `${base(office)}/${id}/rotate-secret`, undefined],
        ['delete', `${base(office)}/${id}`, undefined],
      ] as const;

    it.each<[Persona, number]>([
      ['advisorA', 403],
      ['auditorA', 403],
      ['advisorB', 403],
      ['nobody', 403],
      ['leadB', 404],
    ])('%s gets %i on every route of office A', async (persona, status) => {
      const before = await row(endpointA);
      for (const [method, path, body] of routes(w.officeA, endpointA)) {
        const res = await t.http()[method](path).set(w.as(persona)).send(body);
        expect([method, path, res.status]).toEqual([method, path, status]);
        expect(res.body.code).toBe(status === 403 ? 'forbidden' : 'not_found');
      }
      expect(await row(endpointA)).toEqual(before);
      expect(await logOf(endpointA)).toHaveLength(1);
    });

    it('gives leadB a 404 for office A\u2019s endpoint under office B, and lists only B\u2019s', async () => {
      const mine = await create('leadB', undefined, w.officeB);
      for (const [method, path, body] of routes(w.officeB, endpointA).slice(2)) {
        const res = await t.http()[method](path).set(w.as('leadB')).send(body);
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
      const listed = await t.http().get(base(w.officeB)).set(w.as('leadB')).expect(200);
      expect(listed.body.items.map((e: { id: string }) => e.id)).toEqual([mine.id]);
      expect((await row(endpointA)).deleted_at).toBeNull();
    });

    it('lets leads and admins use every route', async () => {
      for (const persona of ['leadA', 'admin'] as const) {
        const created = await create(persona);
        for (const [method, path, body] of routes(w.officeA, created.id).slice(1)) {
          const res = await t.http()[method](path).set(w.as(persona)).send(body);
          expect([method, path, res.status]).toEqual([
            method,
            path,
            method === 'delete' ? 204 : 200,
          ]);
        }
      }
    });
  });

  describe('office isolation (row-level security)', () => {
    async function asRequestRole<T>(work: (c: Client) => Promise<T>): Promise<T> {
      const database = new URL(t.config.databaseUrl!).pathname.slice(1);
      const client = new Client({ connectionString: requestUrl(database) });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    }

    it('shows a lotse_app query in office B none of office A\u2019s endpoints, and lets it change none', async () => {
      const a = await create();
      await create('leadB', undefined, w.officeB);
      const seen = await asRequestRole(async (c) => {
        const inScope = async (office: string) => {
          await c.query(`BEGIN`);
          await c.query(`SELECT set_config('app.office_ids', $1, true)`, [office]);
          const rows = (await c.query(`SELECT id, office_id FROM webhook_endpoint`)).rows as {
            id: string;
            office_id: string;
          }[];
          const changed = await c.query(
            `UPDATE webhook_endpoint SET status = 'paused' WHERE id = $1`,
            [a.id],
          );
          await c.query(`ROLLBACK`);
          return { rows, changed: changed.rowCount };
        };
        return { b: await inScope(w.officeB), a: await inScope(w.officeA) };
      });
      expect(seen.b.rows.length).toBeGreaterThan(0);
      expect(seen.b.rows.every((r) => r.office_id === w.officeB)).toBe(true);
      expect(seen.b.rows.map((r) => r.id)).not.toContain(a.id);
      expect(seen.b.changed).toBe(0);
      // The same query in office A does see it: the policy, not an empty table, hid it.
      expect(seen.a.rows.map((r) => r.id)).toContain(a.id);
      expect(seen.a.changed).toBe(1);
    });
  });

  it('accepts every event of the catalogue', async () => {
    const created = await create('leadA', { url: PUBLIC_URL, events: [...WEBHOOK_EVENT_TYPES] });
    expect(created.events).toEqual(WEBHOOK_EVENT_TYPES);
  });
});
