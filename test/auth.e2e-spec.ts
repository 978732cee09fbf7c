import { registeredRoutes } from '../src/app.factory';
import { startTestApp, TestApp } from './support/test-app';
import { PASSWORD, Persona, seedWorld, World } from './support/world';

const PUBLIC_ROUTES = new Set([
  'GET /health',
  'GET /health/ready',
  'POST /api/v1/auth/token',
  'GET /openapi.json',
  'GET /openapi.yaml',
]);

describe('authentication and authorisation', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '600' });
    w = await seedWorld(t);
  });
  afterAll(() => t.close());

  describe('sign-in', () => {
    it('issues a bearer token that works on /auth/me', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ email: 'ADVISORA@lotse.test', password: PASSWORD })
        .expect(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      const me = await t
        .http()
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${res.body.accessToken}`)
        .expect(200);
      expect(me.body).toMatchObject({
        kind: 'user',
        email: 'advisora@lotse.test',
        memberships: [{ officeId: w.officeA, role: 'advisor' }],
      });
      expect(me.body.passwordHash).toBeUndefined();
      expect(JSON.stringify(me.body)).not.toContain('argon2');
    });

    it('answers a wrong email and a wrong password the same way', async () => {
      const wrongEmail = await t
        .http()
        .post('/api/v1/auth/token')
        .set('X-Forwarded-For', '10.0.0.1')
        .send({ email: 'nobody-here@lotse.test', password: PASSWORD })
        .expect(401);
      const wrongPassword = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ email: 'leadb@lotse.test', password: 'not the password' })
        .expect(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(wrongEmail.body)).toEqual(strip(wrongPassword.body));
      expect(wrongEmail.body.code).toBe('unauthenticated');
    });

    it('throttles repeated failures for one email with 429 and Retry-After', async () => {
      await t.db.query(`DELETE FROM auth_failure`);
      for (let i = 0; i < 3; i++) {
        await t
          .http()
          .post('/api/v1/auth/token')
          .send({ email: 'auditorb@lotse.test', password: 'wrong' })
          .expect(401);
      }
      const res = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ email: 'auditorb@lotse.test', password: PASSWORD })
        .expect(429);
      expect(res.body.code).toBe('too_many_attempts');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(500);
      expect(retryAfter).toBeLessThanOrEqual(600);
    });

    it('throttles one client address trying many emails', async () => {
      // Failures of earlier tests came from the same address (supertest's 127.0.0.1) — reset them.
      await t.db.query(`DELETE FROM auth_failure`);
      for (const email of ['x1@lotse.test', 'x2@lotse.test', 'x3@lotse.test']) {
        await t.http().post('/api/v1/auth/token').send({ email, password: 'wrong' }).expect(401);
      }
      const res = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ email: 'leada@lotse.test', password: PASSWORD });
      expect(res.status).toBe(429);
      await t.db.query(`DELETE FROM auth_failure`);
      await t
        .http()
        .post('/api/v1/auth/token')
        .send({ email: 'leada@lotse.test', password: PASSWORD })
        .expect(200);
    });

    it('rejects unknown fields in the body with 400 and field details', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ email: 'leada@lotse.test', password: PASSWORD, remember: true })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'remember' })]);
    });

    it('ends a deactivated user\u2019s tokens at once', async () => {
      const [u] = await t.db.query(
        `INSERT INTO app_user (email, name, password_hash) SELECT 'temp@lotse.test', 'Temp', password_hash FROM app_user WHERE email = 'leada@lotse.test' RETURNING id`,
      );
      await t.db.query(
        `INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'advisor')`,
        [u.id, w.officeA],
      );
      const token = (
        await t
          .http()
          .post('/api/v1/auth/token')
          .send({ email: 'temp@lotse.test', password: PASSWORD })
      ).body.accessToken;
      await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
      await t
        .http()
        .patch(`/api/v1/users/${u.id}`)
        .set(w.as('admin'))
        .send({ active: false })
        .expect(200);
      await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
      await t
        .http()
        .post('/api/v1/auth/token')
        .send({ email: 'temp@lotse.test', password: PASSWORD })
        .expect(401);
    });

    it('refuses forged, expired-looking and malformed credentials', async () => {
      const [h, p] = w.tokens.leadA.split('.');
      for (const header of [
        `Bearer ${h}.${p}.forged`,
        'Bearer nonsense',
        'Basic abc',
        `Bearer ${w.tokens.leadA}x`,
      ]) {
        const res = await t.http().get('/api/v1/auth/me').set('Authorization', header).expect(401);
        expect(res.body.code).toBe('unauthenticated');
      }
      await t.http().get('/api/v1/auth/me').set('X-API-Key', 'lotse_not-a-key').expect(401);
    });
  });

  describe('every route needs credentials except the public list', () => {
    it('answers 401 without credentials on every non-public route', async () => {
      const routes = registeredRoutes(t.app).filter(
        (r) => r.method !== 'HEAD' && r.method !== 'OPTIONS',
      );
      expect(routes.length).toBeGreaterThan(10);
      const unprotected: string[] = [];
      for (const route of routes) {
        const key = `${route.method} ${route.url}`;
        // Swagger UI's page and static assets are public by design.
        if (PUBLIC_ROUTES.has(key) || (route.method === 'GET' && route.url.startsWith('/docs')))
          continue;
        const url = route.url
          .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000')
          .replace('*', 'x');
        const res = await t.http()[route.method.toLowerCase() as 'get'](url).send({});
        if (res.status !== 401) unprotected.push(`${key} -> ${res.status}`);
      }
      expect(unprotected).toEqual([]);
    });

    it('keeps the public list public', async () => {
      await t.http().get('/health').expect(200);
      await t.http().get('/openapi.json').expect(200);
      await t.http().get('/docs').expect(200);
    });
  });

  describe('offices', () => {
    it('lets only admins create and change offices', async () => {
      const created = await t
        .http()
        .post('/api/v1/offices')
        .set(w.as('admin'))
        .send({ name: 'EXIS Dresden', code: 'EXIS-DD', region: 'Sachsen' })
        .expect(201);
      expect(created.body).toMatchObject({
        name: 'EXIS Dresden',
        code: 'EXIS-DD',
        region: 'Sachsen',
      });
      const dup = await t
        .http()
        .post('/api/v1/offices')
        .set(w.as('admin'))
        .send({ name: 'X', code: 'exis-dd' });
      expect(dup.status).toBe(400); // lower case is not a valid code
      const taken = await t
        .http()
        .post('/api/v1/offices')
        .set(w.as('admin'))
        .send({ name: 'X', code: 'EXIS-DD' })
        .expect(409);
      expect(taken.body.code).toBe('office_code_taken');
      for (const p of ['leadA', 'advisorA', 'auditorA'] as Persona[]) {
        await t
          .http()
          .post('/api/v1/offices')
          .set(w.as(p))
          .send({ name: 'Y', code: 'Y-1' })
          .expect(403);
        await t
          .http()
          .patch(`/api/v1/offices/${w.officeA}`)
          .set(w.as(p))
          .send({ name: 'Y' })
          .expect(403);
      }
      const patched = await t
        .http()
        .patch(`/api/v1/offices/${created.body.id}`)
        .set(w.as('admin'))
        .send({ region: null, name: 'EXIS Europa Dresden' })
        .expect(200);
      expect(patched.body).toMatchObject({
        name: 'EXIS Europa Dresden',
        region: null,
        code: 'EXIS-DD',
      });
    });

    it.each<[Persona, number, number]>([
      ['admin', 200, 200],
      ['leadA', 200, 404],
      ['advisorA', 200, 404],
      ['auditorA', 200, 404],
      ['leadB', 404, 200],
      ['nobody', 403, 403],
    ])('%s reads office A → %i, office B → %i', async (persona, a, b) => {
      await t.http().get(`/api/v1/offices/${w.officeA}`).set(w.as(persona)).expect(a);
      await t.http().get(`/api/v1/offices/${w.officeB}`).set(w.as(persona)).expect(b);
    });

    it('lists only the caller\u2019s offices', async () => {
      const res = await t.http().get('/api/v1/offices').set(w.as('advisorB')).expect(200);
      expect(res.body.items.map((o: { id: string }) => o.id)).toEqual([w.officeB]);
      const all = await t.http().get('/api/v1/offices').set(w.as('admin')).expect(200);
      expect(all.body.items.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('users', () => {
    it('admins create users with any membership; the hash is never returned', async () => {
      const res = await t
        .http()
        .post('/api/v1/users')
        .set(w.as('admin'))
        .send({
          email: 'New.Auditor@lotse.test',
          name: 'Neue Prüferin',
          password: 'long enough password',
          memberships: [{ officeId: w.officeB, role: 'auditor' }],
        })
        .expect(201);
      expect(res.body).toMatchObject({
        email: 'New.Auditor@lotse.test',
        admin: false,
        active: true,
        memberships: [{ officeId: w.officeB, role: 'auditor' }],
      });
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon/i);
      const [{ password_hash }] = await t.db.query(
        `SELECT password_hash FROM app_user WHERE id = $1`,
        [res.body.id],
      );
      expect(password_hash).toMatch(/^\$argon2id\$/);
      const dup = await t
        .http()
        .post('/api/v1/users')
        .set(w.as('admin'))
        .send({ email: 'new.auditor@LOTSE.test', name: 'Again', password: 'long enough password' })
        .expect(409);
      expect(dup.body.code).toBe('email_taken');
    });

    it('leads create advisors and leads of their own office only', async () => {
      const ok = await t
        .http()
        .post('/api/v1/users')
        .set(w.as('leadA'))
        .send({
          email: 'advisor2@lotse.test',
          name: 'Zweite Beraterin',
          password: 'long enough password',
          memberships: [{ officeId: w.officeA, role: 'advisor' }],
        })
        .expect(201);
      expect(ok.body.memberships).toEqual([{ officeId: w.officeA, role: 'advisor' }]);
      const cases: [object, number][] = [
        [{ memberships: [{ officeId: w.officeB, role: 'advisor' }] }, 403],
        [{ memberships: [{ officeId: w.officeA, role: 'auditor' }] }, 403],
        [{ memberships: [{ officeId: w.officeA, role: 'advisor' }], admin: true }, 403],
        [{}, 400],
      ];
      for (const [extra, status] of cases) {
        await t
          .http()
          .post('/api/v1/users')
          .set(w.as('leadA'))
          .send({
            email: `x${Math.random()}@lotse.test`,
            name: 'X',
            password: 'long enough password',
            ...extra,
          })
          .expect(status);
      }
      for (const p of ['advisorA', 'auditorA'] as Persona[]) {
        await t
          .http()
          .post('/api/v1/users')
          .set(w.as(p))
          .send({ email: 'y@lotse.test', name: 'Y', password: 'long enough password' })
          .expect(403);
      }
    });

    it.each<[Persona, Persona, number]>([
      ['admin', 'advisorB', 200],
      ['leadA', 'advisorA', 200],
      ['leadA', 'advisorB', 404],
      ['leadB', 'advisorA', 404],
      ['advisorA', 'advisorA', 200],
      ['advisorA', 'leadA', 404],
      ['auditorA', 'advisorA', 404],
    ])('%s reads user %s → %i', async (actor, target, status) => {
      await t.http().get(`/api/v1/users/${w.users[target].id}`).set(w.as(actor)).expect(status);
    });

    it('leads list the users of their office; advisors may not list', async () => {
      const res = await t.http().get('/api/v1/users').set(w.as('leadB')).expect(200);
      const emails = res.body.items.map((u: { email: string }) => u.email);
      expect(emails).toEqual(expect.arrayContaining(['leadb@lotse.test', 'advisorb@lotse.test']));
      expect(emails).not.toContain('advisora@lotse.test');
      await t.http().get('/api/v1/users').set(w.as('advisorA')).expect(403);
    });

    it('leads change memberships in their office and nothing else', async () => {
      const target = w.users.advisorA.id;
      await t
        .http()
        .patch(`/api/v1/users/${target}`)
        .set(w.as('leadA'))
        .send({ memberships: [{ officeId: w.officeA, role: 'lead' }] })
        .expect(200);
      const [{ role }] = await t.db.query(`SELECT role FROM membership WHERE user_id = $1`, [
        target,
      ]);
      expect(role).toBe('lead');
      await t
        .http()
        .patch(`/api/v1/users/${target}`)
        .set(w.as('leadA'))
        .send({ memberships: [{ officeId: w.officeA, role: 'advisor' }] })
        .expect(200);
      await t
        .http()
        .patch(`/api/v1/users/${target}`)
        .set(w.as('leadA'))
        .send({ name: 'Renamed' })
        .expect(403);
      await t
        .http()
        .patch(`/api/v1/users/${target}`)
        .set(w.as('leadA'))
        .send({ active: false })
        .expect(403);
      await t
        .http()
        .patch(`/api/v1/users/${w.users.auditorA.id}`)
        .set(w.as('leadA'))
        .send({ memberships: [] })
        .expect(403);
      await t
        .http()
        .patch(`/api/v1/users/${target}`)
        .set(w.as('leadB'))
        .send({ memberships: [] })
        .expect(404);
      await t
        .http()
        .patch(`/api/v1/users/${target}`)
        .set(w.as('advisorA'))
        .send({ name: 'Selbst Umbenannt' })
        .expect(200);
      await t
        .http()
        .patch(`/api/v1/users/${target}`)
        .set(w.as('advisorA'))
        .send({ memberships: [{ officeId: w.officeA, role: 'lead' }] })
        .expect(403);
    });
  });

  describe('API keys', () => {
    it('are created by leads, act with their role in their office, and stop when revoked', async () => {
      const created = await t
        .http()
        .post(`/api/v1/offices/${w.officeA}/api-keys`)
        .set(w.as('leadA'))
        .send({ name: 'Frontend RUN', role: 'advisor' })
        .expect(201);
      const key: string = created.body.key;
      expect(key).toMatch(/^lotse_/);
      const [{ key_hash }] = await t.db.query(`SELECT key_hash FROM api_key WHERE id = $1`, [
        created.body.id,
      ]);
      expect(key_hash).not.toContain(key);
      const listed = await t
        .http()
        .get(`/api/v1/offices/${w.officeA}/api-keys`)
        .set(w.as('leadA'))
        .expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(key);
      expect(listed.body.items[0]).toMatchObject({
        id: created.body.id,
        name: 'Frontend RUN',
        role: 'advisor',
      });

      const me = await t.http().get('/api/v1/auth/me').set('X-API-Key', key).expect(200);
      expect(me.body).toMatchObject({
        kind: 'api_key',
        memberships: [{ officeId: w.officeA, role: 'advisor' }],
      });
      await t.http().get(`/api/v1/offices/${w.officeA}`).set('X-API-Key', key).expect(200);
      await t.http().get(`/api/v1/offices/${w.officeB}`).set('X-API-Key', key).expect(404);
      await t
        .http()
        .post('/api/v1/offices')
        .set('X-API-Key', key)
        .send({ name: 'Z', code: 'ZZ' })
        .expect(403);

      await t
        .http()
        .delete(`/api/v1/offices/${w.officeA}/api-keys/${created.body.id}`)
        .set(w.as('leadA'))
        .expect(204);
      await t.http().get('/api/v1/auth/me').set('X-API-Key', key).expect(401);
    });

    it.each<[Persona, 'A' | 'B', number]>([
      ['admin', 'A', 201],
      ['leadA', 'A', 201],
      ['leadA', 'B', 404],
      ['advisorA', 'A', 403],
      ['auditorA', 'A', 403],
      ['leadB', 'A', 404],
    ])('%s creates a key in office %s → %i', async (persona, office, status) => {
      const id = office === 'A' ? w.officeA : w.officeB;
      await t
        .http()
        .post(`/api/v1/offices/${id}/api-keys`)
        .set(w.as(persona))
        .send({ name: 'k', role: 'auditor' })
        .expect(status);
      await t
        .http()
        .get(`/api/v1/offices/${id}/api-keys`)
        .set(w.as(persona))
        .expect(status === 201 ? 200 : status);
    });

    it('refuses a lead role for keys and unknown keys on revoke', async () => {
      await t
        .http()
        .post(`/api/v1/offices/${w.officeA}/api-keys`)
        .set(w.as('leadA'))
        .send({ name: 'k', role: 'lead' })
        .expect(400);
      await t
        .http()
        .delete(`/api/v1/offices/${w.officeA}/api-keys/00000000-0000-4000-8000-000000000000`)
        .set(w.as('leadA'))
        .expect(404);
    });
  });

  describe('access log', () => {
    it('records reads and changes with actor, office, resource and request id', async () => {
      const res = await t
        .http()
        .get(`/api/v1/users/${w.users.advisorB.id}`)
        .set(w.as('leadB'))
        .set('X-Request-Id', 'req-log-1')
        .expect(200);
      expect(res.body.id).toBe(w.users.advisorB.id);
      const rows = await t.db.query(`SELECT * FROM access_log WHERE request_id = 'req-log-1'`);
      expect(rows).toEqual([
        expect.objectContaining({
          actor_type: 'user',
          actor_id: w.users.leadB.id,
          resource_type: 'user',
          resource_id: w.users.advisorB.id,
          action: 'read',
        }),
      ]);
    });

    it('is append-only in the database', async () => {
      await expect(t.db.query(`UPDATE access_log SET action = 'x'`)).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only/);
    });

    it('is readable by admins and by leads for their office, filtered', async () => {
      const all = await t
        .http()
        .get(`/api/v1/access-log?userId=${w.users.leadB.id}`)
        .set(w.as('admin'))
        .expect(200);
      expect(all.body.items.length).toBeGreaterThan(0);
      expect(all.body.items.every((e: { actorId: string }) => e.actorId === w.users.leadB.id)).toBe(
        true,
      );
      await t.http().get('/api/v1/access-log').set(w.as('advisorA')).expect(403);
      await t.http().get('/api/v1/access-log?from=yesterday').set(w.as('admin')).expect(400);
    });
  });
});

describe('first admin from the environment', () => {
  it('creates the admin when no user exists, and signs in', async () => {
    const t = await startTestApp({
      LOTSE_ADMIN_EMAIL: 'first@lotse.test',
      LOTSE_ADMIN_PASSWORD: 'first admin password',
    });
    try {
      const res = await t
        .http()
        .post('/api/v1/auth/token')
        .send({ email: 'first@lotse.test', password: 'first admin password' })
        .expect(200);
      const me = await t
        .http()
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${res.body.accessToken}`)
        .expect(200);
      expect(me.body).toMatchObject({ admin: true, email: 'first@lotse.test' });
    } finally {
      await t.close();
    }
  });
});
