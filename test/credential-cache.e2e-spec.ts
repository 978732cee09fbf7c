import { Client } from 'pg';
import { CredentialCache } from '../src/auth/credential-cache';
import { CredentialsRepository } from '../src/auth/credentials.repository';
import { eventually, sleep } from './support/eventually';
import { startTestApp, type TestApp } from './support/test-app';
import { PASSWORD, seedWorld, type World } from './support/world';

// Issue 16, "credentials without a round trip": two instances on one database, each with its
// credential cache, invalidated by the triggers' NOTIFY. Every change takes effect on the very next
// request on both instances; a lost listening connection means lookups until it is back.

describe('the credential cache across two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let w: World;
  const cache = (t: TestApp) => t.app.get(CredentialCache);
  const until = (condition: () => boolean, ms: number, what: string) =>
    eventually(() => Promise.resolve(condition() || undefined), ms, what);

  beforeAll(async () => {
    a = await startTestApp();
    w = await seedWorld(a);
    b = await startTestApp({}, a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  // Statements sent to PostgreSQL by anyone in this process, by text.
  const sent: string[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with its client
  const original = Client.prototype.query;
  beforeAll(() => {
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      const config = args[0] as string | { text?: string };
      sent.push(typeof config === 'string' ? config : (config.text ?? ''));
      return (original as (...x: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  });
  afterAll(() => {
    Client.prototype.query = original;
  });
  const keyLookups = () => sent.filter((s) => s.includes('FROM api_key WHERE key_hash')).length;
  const userLookups = () => sent.filter((s) => s.includes('u.token_epoch = $2')).length;

  let n = 0;
  async function newKey(): Promise<{ id: string; key: string }> {
    const res = await a
      .http()
      .post(`/api/v1/offices/${w.officeA}/api-keys`)
      .set(w.as('leadA'))
      .send({ name: `Frontend ${n++}`, role: 'advisor' })
      .expect(201);
    return { id: res.body.id, key: res.body.key };
  }
  const meByKey = (t: TestApp, key: string) =>
    t.http().get('/api/v1/auth/me').set('X-API-Key', key);
  const meByToken = (t: TestApp, token: string) =>
    t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
  const revoke = (t: TestApp, id: string) =>
    t.http().delete(`/api/v1/offices/${w.officeA}/api-keys/${id}`).set(w.as('leadA')).expect(204);

  async function newUser(): Promise<{ id: string; email: string; token: string }> {
    const email = `cache${n++}@lotse.test`;
    const [u] = await a.db.query(
      `INSERT INTO app_user (email, name, password_hash)
       SELECT $1, 'Cache', password_hash FROM app_user WHERE email = 'leada@lotse.test' RETURNING id`,
      [email],
    );
    await a.db.query(
      `INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'advisor')`,
      [u.id, w.officeA],
    );
    const signed = await a
      .http()
      .post('/api/v1/auth/token')
      .send({ email, password: PASSWORD })
      .expect(200);
    return { id: u.id, email, token: signed.body.accessToken };
  }

  beforeAll(async () => {
    await until(() => cache(a).active && cache(b).active, 10_000, 'both to listen');
  });

  it('answers a known key from memory: no lookup statement, one per instance for the first request', async () => {
    const { key } = await newKey();
    const before = keyLookups();
    await meByKey(a, key).expect(200);
    await meByKey(b, key).expect(200);
    expect(keyLookups() - before).toBe(2);
    const hits = cache(a).counts.hits + cache(b).counts.hits;
    for (let i = 0; i < 5; i++) {
      await meByKey(a, key).expect(200);
      await meByKey(b, key).expect(200);
    }
    expect(keyLookups() - before).toBe(2);
    expect(cache(a).counts.hits + cache(b).counts.hits - hits).toBe(10);
  });

  it('answers a known user token from memory', async () => {
    const u = await newUser();
    await meByToken(b, u.token).expect(200);
    const before = userLookups();
    await meByToken(b, u.token).expect(200);
    await meByToken(b, u.token).expect(200);
    expect(userLookups() - before).toBe(0);
  });

  it('refuses a revoked key on the very next request on both instances, revoked through either', async () => {
    for (let i = 0; i < 10; i++) {
      const { id, key } = await newKey();
      await meByKey(a, key).expect(200);
      await meByKey(b, key).expect(200);
      await meByKey(b, key).expect(200); // cached on both now
      await revoke(i % 2 === 0 ? a : b, id);
      await meByKey(b, key).expect(401);
      await meByKey(a, key).expect(401);
    }
  });

  it('refuses a key revoked in the database by hand (the trigger, not the service, tells)', async () => {
    const { id, key } = await newKey();
    await meByKey(b, key).expect(200);
    await meByKey(b, key).expect(200);
    await a.db.query(`UPDATE api_key SET revoked_at = now() WHERE id = $1`, [id]);
    await meByKey(b, key).expect(401);
  });

  it('ends a deactivated user on both instances at once', async () => {
    const u = await newUser();
    await meByToken(b, u.token).expect(200);
    await meByToken(b, u.token).expect(200);
    await a
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set(w.as('admin'))
      .send({ active: false })
      .expect(200);
    await meByToken(b, u.token).expect(401);
    await meByToken(a, u.token).expect(401);
  });

  it('ends tokens issued before a password change on the other instance at once', async () => {
    const u = await newUser();
    await meByToken(b, u.token).expect(200);
    await meByToken(b, u.token).expect(200);
    await a
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set(w.as('admin'))
      .send({ password: 'another long password' })
      .expect(200);
    await meByToken(b, u.token).expect(401);
  });

  it('shows a membership change on the other instance at the next request', async () => {
    const u = await newUser();
    const me1 = await meByToken(b, u.token).expect(200);
    expect(me1.body.memberships).toEqual([{ officeId: w.officeA, role: 'advisor' }]);
    await meByToken(b, u.token).expect(200);
    await a
      .http()
      .patch(`/api/v1/users/${u.id}`)
      .set(w.as('admin'))
      .send({ memberships: [{ officeId: w.officeB, role: 'auditor' }] })
      .expect(200);
    const me2 = await meByToken(b, u.token).expect(200);
    expect(me2.body.memberships).toEqual([{ officeId: w.officeB, role: 'auditor' }]);
    // And the routes follow: office A is no longer theirs.
    await b
      .http()
      .get(`/api/v1/offices/${w.officeA}`)
      .set('Authorization', `Bearer ${u.token}`)
      .expect(404);
  });

  it('does not keep what a lookup read before a change that arrived while it ran', async () => {
    const { id, key } = await newKey();
    const repository = b.app.get(CredentialsRepository);
    const lookup = repository.apiKeyPrincipal.bind(repository);
    const spy = jest.spyOn(repository, 'apiKeyPrincipal').mockImplementationOnce(async (hash) => {
      const principal = await lookup(hash); // still valid when read
      const changes = cache(b).counts.changes;
      await a.db.query(`UPDATE api_key SET revoked_at = now() WHERE id = $1`, [id]);
      await until(() => cache(b).counts.changes > changes, 5_000, 'the notification');
      return principal;
    });
    try {
      await meByKey(b, key).expect(200); // answered with what it read before the revocation
      await meByKey(b, key).expect(401); // but not kept
    } finally {
      spy.mockRestore();
    }
  });

  it('looks up on every request while the listening connection is down, then caches again', async () => {
    const { id, key } = await newKey();
    await meByKey(b, key).expect(200);
    await meByKey(b, key).expect(200);
    const pid = cache(b).listenerPid;
    expect(pid).not.toBeNull();
    // B's reconnects fail until released (a client to a closed port instead of the database).
    const listener = (cache(b) as unknown as { listener: { newClient: () => Client } }).listener;
    const connect = listener.newClient;
    listener.newClient = () => new Client({ host: '127.0.0.1', port: 1 });
    try {
      await a.db.query(`SELECT pg_terminate_backend($1)`, [pid]);
      // Revoked right away, possibly before B has noticed the loss: its sync fails, it looks up.
      await revoke(a, id);
      await meByKey(b, key).expect(401);

      const other = await newKey();
      await until(() => !cache(b).active, 5_000, 'B to see the loss');
      const before = keyLookups();
      const bypassed = cache(b).counts.bypassed;
      for (let i = 0; i < 3; i++) await meByKey(b, other.key).expect(200);
      expect(keyLookups() - before).toBe(3);
      expect(cache(b).counts.bypassed - bypassed).toBe(3);
      // A revocation while B does not listen counts at once too (B looks it up).
      await a.db.query(`UPDATE api_key SET revoked_at = now() WHERE id = $1`, [other.id]);
      await meByKey(b, other.key).expect(401);
    } finally {
      listener.newClient = connect;
    }

    await until(() => cache(b).active, 15_000, 'B to listen again');
    expect(cache(b).listenerPid).not.toBe(pid);
    const third = await newKey();
    await meByKey(b, third.key).expect(200);
    const before = keyLookups();
    await meByKey(b, third.key).expect(200);
    expect(keyLookups() - before).toBe(0);
    // And invalidation works on the new connection.
    await revoke(a, third.id);
    await meByKey(b, third.key).expect(401);
  });

  it('bypasses the cache while the listener cannot reconnect, and recovers', async () => {
    const { key } = await newKey();
    // Terminate B's listener again and again for a while: requests keep working (by lookup).
    const bypassed = cache(b).counts.bypassed;
    const deadline = Date.now() + 600;
    let terminated = 0;
    while (Date.now() < deadline) {
      const pid = cache(b).listenerPid;
      if (pid) {
        await a.db.query(`SELECT pg_terminate_backend($1)`, [pid]);
        terminated++;
      }
      await meByKey(b, key).expect(200);
      await sleep(20);
    }
    expect(terminated).toBeGreaterThan(0);
    expect(cache(b).counts.bypassed).toBeGreaterThan(bypassed);
    await until(() => cache(b).active, 15_000, 'B to listen again');
    await meByKey(b, key).expect(200);
    const before = keyLookups();
    await meByKey(b, key).expect(200);
    expect(keyLookups() - before).toBe(0);
  });
});
