import { SignJWT } from 'jose';
import type { TestApp } from './support/test-app';
import { PASSWORD, useSeededApp, World } from './support/world';

const SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123');
const TTL = 900;

describe('tokens end when credentials change', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]), { JWT_TTL_SECONDS: String(TTL) });

  let n = 0;
  async function newUser(): Promise<{ id: string; email: string }> {
    const email = `cred${n++}@lotse.test`;
    const [u] = await t.db.query(
      `INSERT INTO app_user (email, name, password_hash)
       SELECT $1, 'Cred', password_hash FROM app_user WHERE email = 'leada@lotse.test' RETURNING id`,
      [email],
    );
    await t.db.query(
      `INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'advisor')`,
      [u.id, w.officeA],
    );
    return { id: u.id, email };
  }
  const signIn = async (email: string, password = PASSWORD): Promise<string> =>
    (await t.http().post('/api/v1/auth/token').send({ email, password }).expect(200)).body
      .accessToken;
  const me = (token: string) =>
    t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);

  it('refuses tokens issued before an admin changed the password', async () => {
    const u = await newUser();
    const before = await signIn(u.email);
    await me(before).expect(200);
    await t
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set(w.as('admin'))
      .send({ password: 'a brand new password' })
      .expect(200);
    const res = await me(before).expect(401);
    expect(res.body.code).toBe('unauthenticated');
    await me(await signIn(u.email, 'a brand new password')).expect(200);
  });

  it('refuses tokens issued before the user changed their own password, the one used included', async () => {
    const u = await newUser();
    const other = await signIn(u.email);
    const used = await signIn(u.email);
    await t
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set('Authorization', `Bearer ${used}`)
      .send({ password: 'my own new password' })
      .expect(200);
    await me(other).expect(401);
    await me(used).expect(401);
  });

  it('refuses tokens issued before a deactivation that was undone within the same second', async () => {
    const u = await newUser();
    const before = await signIn(u.email);
    await t
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set(w.as('admin'))
      .send({ active: false })
      .expect(200);
    await t
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set(w.as('admin'))
      .send({ active: true })
      .expect(200);
    await me(before).expect(401);
    // A token issued right after the reactivation, in the same second as the old one, works.
    await me(await signIn(u.email)).expect(200);
  });

  it('keeps tokens when only the name, the memberships or an unchanged active flag are written', async () => {
    const u = await newUser();
    const token = await signIn(u.email);
    await t
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set(w.as('admin'))
      .send({ name: 'Neu', active: true })
      .expect(200);
    await t
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set(w.as('admin'))
      .send({ memberships: [{ officeId: w.officeA, role: 'lead' }] })
      .expect(200);
    await me(token).expect(200);
  });

  describe('token lifetime claims', () => {
    const sign = (claims: { iat?: number; exp?: number; epoch?: unknown }) => {
      const jwt = new SignJWT(claims.epoch === undefined ? {} : { epoch: claims.epoch })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(w.users.leadA.id)
        .setIssuer('lotse')
        .setAudience('lotse-api');
      if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
      if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
      return jwt.sign(SECRET);
    };
    const now = () => Math.floor(Date.now() / 1000);

    it('accepts a well-formed token (the control for the refusals below)', async () => {
      await me(await sign({ iat: now(), exp: now() + TTL, epoch: 0 })).expect(200);
    });

    it.each<[string, () => { iat?: number; exp?: number; epoch?: unknown }]>([
      ['without exp', () => ({ iat: now(), epoch: 0 })],
      ['without iat', () => ({ exp: now() + 60, epoch: 0 })],
      ['valid longer than JWT_TTL_SECONDS', () => ({ iat: now(), exp: now() + TTL + 1, epoch: 0 })],
      ['older than JWT_TTL_SECONDS', () => ({ iat: now() - TTL - 60, exp: now() + 60, epoch: 0 })],
      ['issued in the future', () => ({ iat: now() + 3600, exp: now() + 3600 + 60, epoch: 0 })],
      ['without a token epoch', () => ({ iat: now(), exp: now() + 60 })],
      [
        'with a token epoch that is not a counter',
        () => ({ iat: now(), exp: now() + 60, epoch: '0' }),
      ],
      ['with another token epoch', () => ({ iat: now(), exp: now() + 60, epoch: 1 })],
    ])('refuses a token %s', async (_, claims) => {
      const res = await me(await sign(claims())).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('unauthenticated');
    });
  });
});

describe('one credential per request', () => {
  let t: TestApp;
  let w: World;
  let keyB: string;
  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    const created = await t
      .http()
      .post(`/api/v1/offices/${w.officeB}/api-keys`)
      .set(w.as('leadB'))
      .send({ name: 'Frontend B', role: 'advisor' })
      .expect(201);
    keyB = created.body.key;
  });

  it.each<[string, () => string]>([
    ['a valid bearer token of another office', () => `Bearer ${w.tokens.advisorA}`],
    ['a forged bearer token', () => 'Bearer a.b.c'],
    ['another scheme', () => 'Basic dXNlcjpwYXNz'],
    ['an empty value', () => ''],
  ])(
    'answers 400 to X-API-Key with Authorization: %s, and serves nothing',
    async (_, authorization) => {
      const before = await t.db.query(`SELECT count(*)::int AS n FROM access_log`);
      const res = await t
        .http()
        .get(`/api/v1/offices/${w.officeB}`)
        .set('X-API-Key', keyB)
        .set('Authorization', authorization())
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('ambiguous_credentials');
      expect(JSON.stringify(res.body)).not.toContain('EXIS');
      expect(await t.db.query(`SELECT count(*)::int AS n FROM access_log`)).toEqual(before);
    },
  );

  it('answers 400 to an empty X-API-Key next to a valid bearer token', async () => {
    const res = await t
      .http()
      .get('/api/v1/auth/me')
      .set('X-API-Key', '')
      .set(w.as('advisorA'))
      .expect(400);
    expect(res.body.code).toBe('ambiguous_credentials');
  });

  it('still serves either credential alone', async () => {
    await t.http().get(`/api/v1/offices/${w.officeB}`).set('X-API-Key', keyB).expect(200);
    await t.http().get(`/api/v1/offices/${w.officeA}`).set(w.as('advisorA')).expect(200);
  });

  it.each(['bearer', 'BEARER', 'BeArEr'])(
    'accepts the %s scheme (auth schemes are case-insensitive)',
    async (scheme) => {
      const res = await t
        .http()
        .get('/api/v1/auth/me')
        .set('Authorization', `${scheme} ${w.tokens.advisorA}`)
        .expect(200);
      expect(res.body.email).toBe('advisora@lotse.test');
    },
  );
});
