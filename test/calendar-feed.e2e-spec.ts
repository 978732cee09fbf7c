import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import ical, { type VEvent } from 'node-ical';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { createLogger } from '../src/common/logging/logger';
import { todayInBerlin } from '../src/common/time/calendar-date';
import { insertFounder, openCase } from './support/cases';
import type { TestApp } from './support/test-app';
import { useSeededApp, World, type Persona } from './support/world';

const DISTINCTIVE_NAME = 'Zwetschgenbaum';

function daysAgo(n: number): string {
  const d = new Date(`${todayInBerlin()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

/** node-ical gives an all-day date as local midnight. */
const day = (d: Date | undefined): string =>
  d
    ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    : 'none';

/** node-ical gives a property with parameters (URL;VALUE=URI) as { params, val }. */
const href = (e: VEvent): unknown => {
  const url: unknown = e.url;
  return typeof url === 'object' && url !== null && 'val' in url ? url.val : url;
};

function eventsOf(body: string): VEvent[] {
  return Object.values(ical.sync.parseICS(body))
    .filter(
      (c): c is VEvent => typeof c === 'object' && c !== null && 'type' in c && c.type === 'VEVENT',
    )
    .sort((a, b) => a.uid.localeCompare(b.uid));
}

describe('the calendar feed (GET /tasks.ics) and feed tokens', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  const createToken = async (persona: Persona, name = 'Outlook') =>
    (
      await t
        .http()
        .post('/api/v1/users/me/feed-tokens')
        .set(w.as(persona))
        .send({ name })
        .expect(201)
    ).body as { id: string; token: string; feedUrl: string; prefix: string; createdAt: string };

  const fetchFeed = (token: string) => t.http().get('/api/v1/tasks.ics').query({ token });

  /** A case in access whose scheduled first counselling has passed: first_counselling_overdue. */
  async function overdueCase(
    persona: Persona,
    officeId: string,
    advisorId: string,
    scheduledOn = daysAgo(10),
    lastName = 'Haddad',
  ): Promise<string> {
    const founder = await insertFounder(t, officeId, { last_name: lastName });
    const { id } = await openCase(t, w, persona, founder);
    await t.db.query(
      `UPDATE founder_case SET advisor_id = $2, first_counselling_scheduled_on = $3 WHERE id = $1`,
      [id, advisorId, scheduledOn],
    );
    return id;
  }

  describe('tokens', () => {
    it('creates a token shown once, lists it without secret, and revokes it', async () => {
      const created = await createToken('advisorA', 'Thunderbird at home');
      expect(created).toEqual({
        id: expect.any(String),
        name: 'Thunderbird at home',
        prefix: created.token.slice(0, 17),
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
        token: expect.stringMatching(/^lotse_feed_[A-Za-z0-9_-]{43}$/),
        feedUrl: `/api/v1/tasks.ics?token=${created.token}`,
      });
      const [stored] = await t.db.query(
        `SELECT user_id, token_hash, token_prefix FROM feed_token WHERE id = $1`,
        [created.id],
      );
      expect(stored.user_id).toBe(w.users.advisorA.id);
      expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.token_hash).not.toContain(created.token);

      const list = await t
        .http()
        .get('/api/v1/users/me/feed-tokens')
        .set(w.as('advisorA'))
        .expect(200);
      const item = list.body.items.find((i: { id: string }) => i.id === created.id);
      expect(item).toEqual({
        id: created.id,
        name: 'Thunderbird at home',
        prefix: created.prefix,
        createdAt: created.createdAt,
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(JSON.stringify(list.body)).not.toContain(created.token);
      // Another user's list holds none of advisorA's tokens.
      const other = await t
        .http()
        .get('/api/v1/users/me/feed-tokens')
        .set(w.as('leadA'))
        .expect(200);
      expect(other.body.items.map((i: { id: string }) => i.id)).not.toContain(created.id);

      await fetchFeed(created.token).expect(200);
      await t
        .http()
        .delete(`/api/v1/users/me/feed-tokens/${created.id}`)
        .set(w.as('advisorA'))
        .expect(204);
      const revoked = await fetchFeed(created.token).expect(401);
      expect(revoked.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(revoked.body.code).toBe('unauthenticated');
      // Revoking again changes nothing.
      await t
        .http()
        .delete(`/api/v1/users/me/feed-tokens/${created.id}`)
        .set(w.as('advisorA'))
        .expect(204);
      const after = await t
        .http()
        .get('/api/v1/users/me/feed-tokens')
        .set(w.as('advisorA'))
        .expect(200);
      expect(after.body.items.find((i: { id: string }) => i.id === created.id).revokedAt).toEqual(
        expect.any(String),
      );
    });

    it('does not let another user revoke a token (404), and logs creation and revocation', async () => {
      const created = await createToken('advisorA');
      const res = await t
        .http()
        .delete(`/api/v1/users/me/feed-tokens/${created.id}`)
        .set(w.as('leadA'))
        .expect(404);
      expect(res.body.code).toBe('not_found');
      await fetchFeed(created.token).expect(200);
      const entries = await t.db.query(
        `SELECT actor_id, action FROM access_log WHERE resource_type = 'feed_token' AND resource_id = $1`,
        [created.id],
      );
      expect(entries).toEqual([{ actor_id: w.users.advisorA.id, action: 'create' }]);
    });

    it('refuses API keys (a feed is a person\u2019s), roles without tasks.read, and bad input', async () => {
      const key = await t
        .http()
        .post(`/api/v1/offices/${w.officeA}/api-keys`)
        .set(w.as('leadA'))
        .send({ name: 'Frontend', role: 'advisor' })
        .expect(201);
      for (const [method, path] of [
        ['post', '/api/v1/users/me/feed-tokens'],
        ['get', '/api/v1/users/me/feed-tokens'],
      ] as const) {
        const res = await t.http()[method](path).set('X-API-Key', key.body.key).send({ name: 'x' });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      for (const persona of ['auditorA', 'nobody'] as const) {
        await t
          .http()
          .post('/api/v1/users/me/feed-tokens')
          .set(w.as(persona))
          .send({ name: 'x' })
          .expect(403);
      }
      for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'x', extra: 1 }]) {
        const res = await t
          .http()
          .post('/api/v1/users/me/feed-tokens')
          .set(w.as('advisorA'))
          .send(body)
          .expect(400);
        expect(res.body.code).toBe('validation_failed');
      }
      await t
        .http()
        .delete('/api/v1/users/me/feed-tokens/not-a-uuid')
        .set(w.as('advisorA'))
        .expect(400);
      expect(
        (await t.db.query(`SELECT count(*)::int AS n FROM feed_token WHERE name = ''`))[0].n,
      ).toBe(0);
    });
  });

  describe('the feed', () => {
    let token: string;
    let tokenId: string;
    let mine: string;
    let othersCase: string;
    let officeBCase: string;
    beforeAll(async () => {
      ({ token, id: tokenId } = await createToken('advisorA'));
      mine = await overdueCase(
        'advisorA',
        w.officeA,
        w.users.advisorA.id,
        daysAgo(10),
        DISTINCTIVE_NAME,
      );
      othersCase = await overdueCase('advisorA', w.officeA, w.users.leadA.id);
      // Assigned to advisorA, but in an office where advisorA holds nothing.
      officeBCase = await overdueCase('advisorB', w.officeB, w.users.advisorA.id);
    });

    it('holds exactly the user\u2019s open tasks, as RFC 5545 all-day events', async () => {
      const res = await fetchFeed(token).expect(200);
      expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(res.headers['cache-control']).toBe('private, no-store');
      const calendar = ical.sync.parseICS(res.text);
      expect(calendar.vcalendar?.['WR-CALNAME']).toBe('Lotse');
      const events = eventsOf(res.text);
      expect(events.map((e) => e.uid)).toEqual([`first_counselling_overdue:${mine}@lotse`]);
      const [event] = events;
      expect(event.datetype).toBe('date');
      expect(day(event.start)).toBe(daysAgo(10));
      expect(event.summary).toBe(`First counselling overdue · case ${mine.slice(0, 8)}`);
      expect(event.description).toContain(`scheduledOn: ${daysAgo(10)}`);
      expect(res.text).not.toContain(othersCase);
      expect(res.text).not.toContain(officeBCase);
    });

    it('carries no names: not the founder\u2019s, not a manual task\u2019s title', async () => {
      const [manual] = await t.db.query(
        `INSERT INTO case_task (office_id, case_id, assignee_id, title, due_on, created_by)
         VALUES ($1, $2, $3, $4, $5, $3) RETURNING id`,
        [w.officeA, mine, w.users.advisorA.id, `Call Frau ${DISTINCTIVE_NAME}`, daysAgo(1)],
      );
      const res = await fetchFeed(token).expect(200);
      const event = eventsOf(res.text).find((e) => e.uid === `manual:${manual.id}@lotse`);
      expect(event?.summary).toBe(`Follow-up (Wiedervorlage) · case ${mine.slice(0, 8)}`);
      expect(day(event?.start)).toBe(daysAgo(1));
      expect(res.text).not.toMatch(new RegExp(DISTINCTIVE_NAME, 'i'));
      expect(res.text).not.toMatch(/Samira/);
      // Done: it leaves the feed (and the other tests' exact lists).
      await t.db.query(`UPDATE case_task SET done_at = now() WHERE id = $1`, [manual.id]);
      const done = eventsOf((await fetchFeed(token).expect(200)).text).map((e) => e.uid);
      expect(done).toEqual([`first_counselling_overdue:${mine}@lotse`]);
    });

    it('keeps a task\u2019s UID when its deadline moves, and moves its DTSTART', async () => {
      const before = eventsOf((await fetchFeed(token).expect(200)).text);
      await t.db.query(
        `UPDATE founder_case SET first_counselling_scheduled_on = $2 WHERE id = $1`,
        [mine, daysAgo(3)],
      );
      const after = eventsOf((await fetchFeed(token).expect(200)).text);
      const uid = `first_counselling_overdue:${mine}@lotse`;
      expect(day(before.find((e) => e.uid === uid)?.start)).toBe(daysAgo(10));
      expect(day(after.find((e) => e.uid === uid)?.start)).toBe(daysAgo(3));
      expect(after.map((e) => e.uid)).toEqual(before.map((e) => e.uid));
    });

    it('links the case with the office\u2019s URL template', async () => {
      await t.db.query(
        `INSERT INTO office_settings (office_id, eks_final_offset_months, funding_lead_days, einstiegsgeld_warning_days, stale_days, case_url_template)
         VALUES ($1, 2, 14, 60, '{}', 'https://desk.run-mainz.example/cases/{caseId}')`,
        [w.officeA],
      );
      const [event] = eventsOf((await fetchFeed(token).expect(200)).text);
      expect(href(event)).toBe(`https://desk.run-mainz.example/cases/${mine}`);
      await t.db.query(`DELETE FROM office_settings WHERE office_id = $1`, [w.officeA]);
      const [plain] = eventsOf((await fetchFeed(token).expect(200)).text);
      expect(href(plain)).toBeUndefined();
    });

    it('follows the memberships at request time', async () => {
      await t.db.query(
        `INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'advisor')`,
        [w.users.advisorA.id, w.officeB],
      );
      const joined = eventsOf((await fetchFeed(token).expect(200)).text).map((e) => e.uid);
      expect(joined).toContain(`first_counselling_overdue:${officeBCase}@lotse`);
      await t.db.query(`DELETE FROM membership WHERE user_id = $1 AND office_id = $2`, [
        w.users.advisorA.id,
        w.officeB,
      ]);
      const left = eventsOf((await fetchFeed(token).expect(200)).text).map((e) => e.uid);
      expect(left).toEqual([`first_counselling_overdue:${mine}@lotse`]);
    });

    it('marks the token used and logs the read per office, with codes only', async () => {
      await t.db.query(`UPDATE feed_token SET last_used_at = NULL WHERE id = $1`, [tokenId]);
      // The access log is append-only: entries are told apart by id.
      const [{ last }] = await t.db.query(`SELECT COALESCE(max(id), 0) AS last FROM access_log`);
      await fetchFeed(token).expect(200);
      const [used] = await t.db.query(`SELECT last_used_at FROM feed_token WHERE id = $1`, [
        tokenId,
      ]);
      expect(used.last_used_at).toBeInstanceOf(Date);
      // At most one write a minute.
      await fetchFeed(token).expect(200);
      const [again] = await t.db.query(`SELECT last_used_at FROM feed_token WHERE id = $1`, [
        tokenId,
      ]);
      expect(again.last_used_at).toEqual(used.last_used_at);

      const entries = await t.db.query(
        `SELECT actor_type, actor_id, office_id, resource_id, action, details
           FROM access_log WHERE resource_type = 'task_feed' AND id > $1 ORDER BY id`,
        [last],
      );
      expect(entries).toHaveLength(2);
      expect(entries[0]).toEqual({
        actor_type: 'user',
        actor_id: w.users.advisorA.id,
        office_id: w.officeA,
        resource_id: tokenId,
        action: 'list',
        details: { count: 1 },
      });
      expect(JSON.stringify(entries)).not.toContain(token);
    });

    it('ignores any Authorization or X-API-Key header: the token is the only credential', async () => {
      await fetchFeed(token)
        .set('Authorization', 'Bearer not.a.token')
        .set('X-API-Key', 'x')
        .expect(200);
      // No token at all: no credential, whatever else the request carries.
      const res = await t.http().get('/api/v1/tasks.ics').set(w.as('advisorA')).expect(401);
      expect(res.body.code).toBe('unauthenticated');
    });

    it('refuses unknown and malformed tokens with 401, revealing nothing', async () => {
      const unknown = `lotse_feed_${'A'.repeat(43)}`;
      const answers = await Promise.all(
        [unknown, 'lotse_feed_short', 'anything', w.tokens.advisorA].map((x) => fetchFeed(x)),
      );
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('unauthenticated');
        expect(res.body.detail).toBe(answers[0].body.detail);
      }
    });

    it('grants nothing else: as bearer or API key on any other route, 401', async () => {
      for (const path of ['/api/v1/auth/me', '/api/v1/tasks', '/api/v1/users/me/feed-tokens']) {
        const bearer = await t.http().get(path).set('Authorization', `Bearer ${token}`);
        expect(bearer.status).toBe(401);
        const key = await t.http().get(path).set('X-API-Key', token);
        expect(key.status).toBe(401);
      }
    });

    it('outlives a password change (revoked on its own), unlike the user\u2019s bearer tokens', async () => {
      await t.db.query(`UPDATE app_user SET token_epoch = token_epoch + 1 WHERE id = $1`, [
        w.users.advisorA.id,
      ]);
      await t.http().get('/api/v1/auth/me').set(w.as('advisorA')).expect(401);
      await fetchFeed(token).expect(200);
      await t.db.query(`UPDATE app_user SET token_epoch = token_epoch - 1 WHERE id = $1`, [
        w.users.advisorA.id,
      ]);
    });

    it('ends with the user: a deactivated user\u2019s feed is refused', async () => {
      const b = await createToken('advisorB');
      await fetchFeed(b.token).expect(200);
      await t.db.query(`UPDATE app_user SET is_active = false WHERE id = $1`, [
        w.users.advisorB.id,
      ]);
      const res = await fetchFeed(b.token).expect(401);
      expect(res.body.code).toBe('unauthenticated');
      await t.db.query(`UPDATE app_user SET is_active = true WHERE id = $1`, [w.users.advisorB.id]);
    });
  });

  describe('the document', () => {
    it('describes the feed: secured by the feed token in the query only, text/calendar or 401', async () => {
      const doc = (await t.http().get('/openapi.json').expect(200)).body;
      const op = doc.paths['/api/v1/tasks.ics'].get;
      expect(op.security).toEqual([{ feedToken: [] }]);
      expect(doc.components.securitySchemes.feedToken).toMatchObject({
        type: 'apiKey',
        in: 'query',
        name: 'token',
      });
      expect(op.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'token', in: 'query' })]),
      );
      expect(Object.keys(op.responses['200'].content)).toEqual(['text/calendar']);
      expect(Object.keys(op.responses['401'].content)).toEqual(['application/problem+json']);
    });
  });

  describe('logging', () => {
    let logged: NestFastifyApplication;
    const lines: string[] = [];
    beforeAll(async () => {
      const logger = createLogger({ logLevel: 'info' });
      // The service's own logger and serializers, writing to this array instead of stdout.
      (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
        write: (line: string) => void lines.push(line),
      };
      logged = await createApp(t.config, logger);
      await logged.init();
      await logged.getHttpAdapter().getInstance().ready();
    });
    afterAll(() => logged.close());

    it('never writes the token to a log line', async () => {
      const { token } = await createToken('advisorA');
      const server = logged.getHttpServer();
      await request(server).get('/api/v1/tasks.ics').query({ token }).expect(200);
      await request(server)
        .get('/api/v1/tasks.ics')
        .query({ token: `lotse_feed_${'B'.repeat(43)}` })
        .expect(401);
      const requestLines = lines.filter((l) => l.includes('/api/v1/tasks.ics'));
      expect(requestLines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain('lotse_feed_');
    });
  });
});
