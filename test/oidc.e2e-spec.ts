import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { startTestApp, type TestApp } from './support/test-app';
import { PASSWORD, seedWorld, type World } from './support/world';

/**
 * Single sign-on against a real OpenID provider (oidc-provider, run as a child process by
 * test/support/oidc-provider.mjs on 127.0.0.1): real access tokens from its client_credentials
 * grant (sub = the client id), real discovery and JWKS, restarts with rotated keys.
 */

const AUDIENCE = 'https://lotse.test/api';
const OTHER_AUDIENCE = 'https://other.test/api';
const SCRIPT = join(__dirname, 'support', 'oidc-provider.mjs');

interface TestClient {
  id: string;
  email?: string;
  name?: string;
  groups?: string[] | string;
  ttl?: number;
}

const CLIENTS: TestClient[] = [
  { id: 'sso-lead', email: 'lead.sso@idp.test', name: 'Lea Lead', groups: ['lotse-lead-a', 'x'] },
  { id: 'sso-advisor', email: 'advisor.sso@idp.test', groups: ['lotse-advisor-a'] },
  // Several groups for one office: the strongest role counts.
  { id: 'sso-both', email: 'both.sso@idp.test', groups: ['lotse-advisor-a', 'lotse-lead-a'] },
  // The claim as one string, as some providers send a single group.
  { id: 'sso-auditor', email: 'auditor.sso@idp.test', groups: 'lotse-auditor-b' },
  { id: 'sso-stranger', email: 'stranger.sso@idp.test', groups: ['nobody-mapped-this'] },
  { id: 'sso-short', email: 'short.sso@idp.test', groups: ['lotse-advisor-a'], ttl: 1 },
  // The email of the seeded local lead of office A (who has a password).
  { id: 'sso-clash', email: 'leada@lotse.test', groups: ['lotse-lead-a'] },
  { id: 'sso-noemail', groups: ['lotse-lead-a'] },
  { id: 'sso-removed', email: 'removed.sso@idp.test', groups: ['lotse-removed'] },
  { id: 'sso-inactive', email: 'inactive.sso@idp.test', groups: ['lotse-advisor-a'] },
];

const secretOf = (id: string) => `${id}-secret-0123456789-0123456789`;

class Provider {
  private constructor(
    readonly issuer: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  static async start(keys: JWK[], port = 0, clients = CLIENTS): Promise<Provider> {
    const child = spawn(process.execPath, [SCRIPT], {
      env: {
        ...process.env,
        OIDC_TEST_PORT: String(port),
        OIDC_TEST_JWKS: JSON.stringify({ keys }),
        OIDC_TEST_AUDIENCES: JSON.stringify([AUDIENCE, OTHER_AUDIENCE]),
        OIDC_TEST_CLIENTS: JSON.stringify(clients.map((c) => ({ ...c, secret: secretOf(c.id) }))),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const issuer = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()).issuer));
      child.once('exit', (code) => reject(new Error(`provider exited (${code}): ${stderr}`)));
    });
    return new Provider(issuer, Number(new URL(issuer).port), child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  async token(clientId: string, resource = AUDIENCE): Promise<string> {
    const response = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${secretOf(clientId)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!response.ok || !body.access_token) throw new Error(`token: ${JSON.stringify(body)}`);
    return body.access_token;
  }
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface SigningKey {
  jwk: JWK;
  key: PrivateKey;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
    key: privateKey,
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('single sign-on through OpenID Connect', () => {
  let t: TestApp;
  let w: World;
  let provider: Provider | null = null;
  let other: Provider | null = null;
  let issuer: string;
  let port: number;
  let first: SigningKey;
  const mappings: Record<string, string> = {};

  beforeAll(async () => {
    first = await signingKey('key-1');
    // The provider starts only in the first test: Lotse must start without it and fetch its
    // discovery document at the first token.
    port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_COOLDOWN_MS: '0',
    });
    w = await seedWorld(t);
    for (const [group, officeId, role] of [
      ['lotse-lead-a', w.officeA, 'lead'],
      ['lotse-advisor-a', w.officeA, 'advisor'],
      ['lotse-auditor-b', w.officeB, 'auditor'],
      ['lotse-removed', w.officeA, 'advisor'],
    ] as const) {
      const res = await t
        .http()
        .post('/api/v1/oidc-mappings')
        .set(w.as('admin'))
        .send({ claimValue: group, officeId, role })
        .expect(201);
      mappings[group] = res.body.id;
    }
  });

  afterAll(async () => {
    await provider?.stop();
    await other?.stop();
    await t?.close();
  });

  /** A token signed with the provider's own key, for when the provider is not running. */
  const ownSigned = (key: SigningKey, claims: Record<string, unknown> = {}) =>
    new SignJWT({ email: 'early.sso@idp.test', groups: ['lotse-advisor-a'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject('sso-early')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.key);

  const me = (token: string) => t.http().get('/api/v1/auth/me').set(bearer(token));
  const cases = (token: string) => t.http().get('/api/v1/cases').set(bearer(token));
  const apiKeys = (token: string) =>
    t.http().get(`/api/v1/offices/${w.officeA}/api-keys`).set(bearer(token));

  it('fetches the discovery document at the first token and again after it failed', async () => {
    const token = await ownSigned(first);
    const down = await me(token).expect(503);
    expect(down.body.code).toBe('identity_provider_unavailable');
    provider = await Provider.start([first.jwk], port);
    expect(provider.issuer).toBe(issuer);
    const up = await me(token).expect(200);
    expect(up.body.memberships).toEqual([{ officeId: w.officeA, role: 'advisor' }]);
  });

  it('accepts a valid token: creates the user from sub and email, with the mapped role', async () => {
    const token = await provider!.token('sso-lead');
    const res = await me(token).expect(200);
    expect(res.body).toMatchObject({
      kind: 'user',
      email: 'lead.sso@idp.test',
      name: 'Lea Lead',
      memberships: [{ officeId: w.officeA, role: 'lead' }],
    });
    const [row] = await t.db.query(
      `SELECT id, oidc_issuer, oidc_subject, password_hash, is_admin FROM app_user WHERE email = $1`,
      ['lead.sso@idp.test'],
    );
    expect(row).toEqual({
      id: res.body.id,
      oidc_issuer: issuer,
      oidc_subject: 'sso-lead',
      password_hash: null,
      is_admin: false,
    });
    // The same user again on the next token, not a second one.
    await me(await provider!.token('sso-lead')).expect(200);
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM app_user WHERE oidc_subject = 'sso-lead'`,
    );
    expect(n).toBe(1);
    // A lead of office A: lead-only routes of office A open, other offices' not.
    await apiKeys(token).expect(200);
    await t.http().get(`/api/v1/offices/${w.officeB}/api-keys`).set(bearer(token)).expect(404);
  });

  it('maps groups to roles: advisor, the strongest of several, a single string, an unknown group', async () => {
    const advisor = await provider!.token('sso-advisor');
    await cases(advisor).expect(200);
    expect((await apiKeys(advisor).expect(403)).body.code).toBe('forbidden');

    const both = await me(await provider!.token('sso-both')).expect(200);
    expect(both.body.memberships).toEqual([{ officeId: w.officeA, role: 'lead' }]);

    const auditor = await me(await provider!.token('sso-auditor')).expect(200);
    expect(auditor.body.memberships).toEqual([{ officeId: w.officeB, role: 'auditor' }]);

    const stranger = await provider!.token('sso-stranger');
    const who = await me(stranger).expect(200);
    expect(who.body.memberships).toEqual([]);
    expect((await cases(stranger).expect(403)).body.code).toBe('forbidden');
  });

  it('mirrors the mapped memberships into membership, which the office features read', async () => {
    const token = await provider!.token('sso-advisor');
    const { body } = await me(token).expect(200);
    const rows = await t.db.query(`SELECT office_id, role FROM membership WHERE user_id = $1`, [
      body.id,
    ]);
    expect(rows).toEqual([{ office_id: w.officeA, role: 'advisor' }]);
    // The office's lead (a local user) sees the single sign-on advisor among the office's users.
    const users = await t.http().get('/api/v1/users').set(w.as('leadA')).expect(200);
    expect(users.body.items.map((u: { id: string }) => u.id)).toContain(body.id);
  });

  it('refuses a token for another audience', async () => {
    const token = await provider!.token('sso-lead', OTHER_AUDIENCE);
    expect((await me(token).expect(401)).body.code).toBe('unauthenticated');
  });

  it('refuses a token of another issuer, even one signed with the same key', async () => {
    other = await Provider.start([first.jwk]);
    expect(other.issuer).not.toBe(issuer);
    const token = await other.token('sso-lead');
    expect((await me(token).expect(401)).body.code).toBe('unauthenticated');
    // The same token signed as our issuer claims is accepted: it was the issuer that was refused.
    await me(await ownSigned(first)).expect(200);
  });

  it('refuses an expired token', async () => {
    const token = await provider!.token('sso-short');
    await me(token).expect(200);
    // Lifetime 1 s, and 5 s of clock tolerance.
    await sleep(7_000);
    expect((await me(token).expect(401)).body.code).toBe('unauthenticated');
  }, 20_000);

  it('refuses a token signed with a key that is not in the key set', async () => {
    const rogue = await signingKey('rogue');
    await me(await ownSigned(rogue)).expect(401);
    // A key of its own under the provider's key id.
    const impostor = await signingKey(first.jwk.kid!);
    await me(await ownSigned(impostor)).expect(401);
    // An algorithm outside OIDC_ALGORITHMS (HS256 with the public modulus as the secret).
    const hs = await new SignJWT({ groups: ['lotse-lead-a'] })
      .setProtectedHeader({ alg: 'HS256', kid: first.jwk.kid })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject('sso-lead')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(first.jwk.n));
    await me(hs).expect(401);
  });

  it('refuses a token without sub or exp', async () => {
    const noExp = await new SignJWT({ email: 'x.sso@idp.test' })
      .setProtectedHeader({ alg: 'RS256', kid: first.jwk.kid })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject('sso-noexp')
      .sign(first.key);
    await me(noExp).expect(401);
    const noSub = await new SignJWT({ email: 'x.sso@idp.test' })
      .setProtectedHeader({ alg: 'RS256', kid: first.jwk.kid })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(first.key);
    await me(noSub).expect(401);
  });

  it('does not link a token to a local account with the same email', async () => {
    const res = await me(await provider!.token('sso-clash')).expect(401);
    expect(res.body.code).toBe('oidc_account_conflict');
    const [local] = await t.db.query(
      `SELECT id, oidc_subject FROM app_user WHERE lower(email) = 'leada@lotse.test'`,
    );
    expect(local).toEqual({ id: w.users.leadA.id, oidc_subject: null });
    // The local lead's own token still acts as before.
    await me(w.tokens.leadA).expect(200);

    // Linked explicitly by an administrator (as the README says): the token acts as that user.
    await t.db.query(
      `UPDATE app_user SET oidc_issuer = $1, oidc_subject = 'sso-clash' WHERE id = $2`,
      [issuer, w.users.leadA.id],
    );
    const linked = await me(await provider!.token('sso-clash')).expect(200);
    expect(linked.body).toMatchObject({
      id: w.users.leadA.id,
      memberships: [{ officeId: w.officeA, role: 'lead' }],
    });
  });

  it('refuses to create a user from a token without an email', async () => {
    expect((await me(await provider!.token('sso-noemail')).expect(401)).body.code).toBe(
      'unauthenticated',
    );
    const rows = await t.db.query(`SELECT 1 FROM app_user WHERE oidc_subject = 'sso-noemail'`);
    expect(rows).toEqual([]);
  });

  it('refuses a deactivated single sign-on user, and password sign-in for a user without password', async () => {
    const token = await provider!.token('sso-inactive');
    const { body } = await me(token).expect(200);
    await t
      .http()
      .post('/api/v1/auth/token')
      .send({ email: 'inactive.sso@idp.test', password: PASSWORD })
      .expect(401);
    await t
      .http()
      .patch(`/api/v1/users/${body.id}`)
      .set(w.as('admin'))
      .send({ active: false })
      .expect(200);
    expect((await me(token).expect(401)).body.code).toBe('unauthenticated');
    await me(await provider!.token('sso-inactive')).expect(401);
  });

  it('takes the removal of a mapping into account at the next request', async () => {
    const token = await provider!.token('sso-removed');
    await cases(token).expect(200);
    await t
      .http()
      .delete(`/api/v1/oidc-mappings/${mappings['lotse-removed']}`)
      .set(w.as('admin'))
      .expect(204);
    expect((await cases(token).expect(403)).body.code).toBe('forbidden');
    const who = await me(token).expect(200);
    expect(who.body.memberships).toEqual([]);
    const rows = await t.db.query(`SELECT 1 FROM membership WHERE user_id = $1`, [who.body.id]);
    expect(rows).toEqual([]);
  });

  it('keeps its own tokens and API keys working next to the provider', async () => {
    const signIn = await t
      .http()
      .post('/api/v1/auth/token')
      .send({ email: 'advisora@lotse.test', password: PASSWORD })
      .expect(200);
    await cases(signIn.body.accessToken).expect(200);
    const created = await t
      .http()
      .post(`/api/v1/offices/${w.officeA}/api-keys`)
      .set(w.as('leadA'))
      .send({ name: 'Frontend', role: 'advisor' })
      .expect(201);
    await t.http().get('/api/v1/cases').set('X-API-Key', created.body.key).expect(200);
  });

  it('picks up a rotated signing key without a restart, and updates a changed email', async () => {
    const before = await provider!.token('sso-lead');
    await me(before).expect(200);
    await provider!.stop();
    const second = await signingKey('key-2');
    const clients = CLIENTS.map((c) =>
      c.id === 'sso-lead' ? { ...c, email: 'lea.lead@idp.test' } : c,
    );
    provider = await Provider.start([second.jwk], port, clients);
    const after = await provider.token('sso-lead');
    const res = await me(after).expect(200);
    expect(res.body.email).toBe('lea.lead@idp.test');
    expect(res.body.memberships).toEqual([{ officeId: w.officeA, role: 'lead' }]);
    // The old key left the key set: a token signed with it no longer passes.
    await me(before).expect(401);
  });

  it('answers 503 for a key it cannot fetch while the provider is down, not 401 or 500', async () => {
    await provider!.stop();
    const unknownKey = await signingKey('key-3');
    const res = await me(await ownSigned(unknownKey)).expect(503);
    expect(res.body.code).toBe('identity_provider_unavailable');
  });
});

describe('the OIDC mapping API', () => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await startTestApp({
      OIDC_ISSUER: 'https://sso.example.org/realms/lotse',
      OIDC_AUDIENCE: 'lotse',
    });
    w = await seedWorld(t);
  });
  afterAll(() => t?.close());

  const post = (body: unknown) =>
    t
      .http()
      .post('/api/v1/oidc-mappings')
      .set(w.as('admin'))
      .send(body as object);

  it('is for administrators only', async () => {
    for (const persona of ['leadA', 'advisorA', 'auditorA', 'nobody'] as const) {
      await t
        .http()
        .post('/api/v1/oidc-mappings')
        .set(w.as(persona))
        .send({ claimValue: 'g', officeId: w.officeA, role: 'lead' })
        .expect(403);
      await t.http().get('/api/v1/oidc-mappings').set(w.as(persona)).expect(403);
    }
    await t.http().get('/api/v1/oidc-mappings').expect(401);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM oidc_mapping`);
    expect(n).toBe(0);
  });

  it('creates, lists and deletes mappings, each in the access log', async () => {
    const created = await post({
      claimValue: 'run-mainz',
      officeId: w.officeA,
      role: 'advisor',
    }).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      claimValue: 'run-mainz',
      officeId: w.officeA,
      role: 'advisor',
      createdBy: w.users.admin.id,
      createdAt: expect.any(String),
    });
    // The same group in another office is another mapping.
    await post({ claimValue: 'run-mainz', officeId: w.officeB, role: 'auditor' }).expect(201);
    const listed = await t.http().get('/api/v1/oidc-mappings').set(w.as('admin')).expect(200);
    expect(listed.body.items.map((m: { officeId: string }) => m.officeId).sort()).toEqual(
      [w.officeA, w.officeB].sort(),
    );
    await t
      .http()
      .delete(`/api/v1/oidc-mappings/${created.body.id}`)
      .set(w.as('admin'))
      .expect(204);
    await t
      .http()
      .delete(`/api/v1/oidc-mappings/${created.body.id}`)
      .set(w.as('admin'))
      .expect(404);
    const log = await t.db.query(
      `SELECT action, resource_id, office_id FROM access_log WHERE resource_type = 'oidc_mapping' ORDER BY id`,
    );
    expect(log).toEqual([
      { action: 'create', resource_id: created.body.id, office_id: w.officeA },
      { action: 'create', resource_id: expect.any(String), office_id: w.officeB },
      { action: 'list', resource_id: null, office_id: null },
      { action: 'delete', resource_id: created.body.id, office_id: w.officeA },
    ]);
  });

  it('refuses a duplicate with 409 and an unknown office with 422', async () => {
    await post({ claimValue: 'dup', officeId: w.officeA, role: 'lead' }).expect(201);
    const dup = await post({ claimValue: 'dup', officeId: w.officeA, role: 'advisor' }).expect(409);
    expect(dup.body.code).toBe('oidc_mapping_exists');
    const unknown = await post({
      claimValue: 'dup',
      officeId: '00000000-0000-4000-8000-000000000000',
      role: 'lead',
    }).expect(422);
    expect(unknown.body.code).toBe('office_unknown');
  });

  it('validates the body and the path', async () => {
    const valid = { claimValue: 'g', officeId: w.officeA, role: 'lead' };
    for (const body of [
      {},
      { ...valid, claimValue: '' },
      { ...valid, claimValue: 'x'.repeat(201) },
      { ...valid, claimValue: 'a\u0000b' },
      { ...valid, claimValue: 7 },
      { ...valid, officeId: 'office-a' },
      { ...valid, role: 'admin' },
      { ...valid, extra: true },
    ]) {
      const res = await post(body).expect(400);
      expect(res.body.code).toBe('validation_failed');
    }
    await t.http().delete('/api/v1/oidc-mappings/not-a-uuid').set(w.as('admin')).expect(400);
    const [{ n }] = await t.db.query(
      `SELECT count(*)::int AS n FROM oidc_mapping WHERE claim_value = 'g'`,
    );
    expect(n).toBe(0);
  });
});
