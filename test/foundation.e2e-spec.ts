import { startTestApp, TestApp } from './support/test-app';

describe('service foundation (PostgreSQL server)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      CORS_ORIGINS: 'https://frontend.run-mainz.example',
      BODY_LIMIT_BYTES: '2048',
    });
  });
  afterAll(() => t.close());

  it('answers liveness and readiness', async () => {
    await t.http().get('/health').expect(200, { status: 'ok' });
    await t.http().get('/health/ready').expect(200, { status: 'ready', database: 'server' });
  });

  it('is not ready when a migration is pending', async () => {
    const [last] = await t.db.query(`SELECT * FROM migrations ORDER BY id DESC LIMIT 1`);
    await t.db.query(`DELETE FROM migrations WHERE id = $1`, [last.id]);
    const res = await t.http().get('/health/ready').expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('database_unavailable');
    await t.db.query(`INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)`, [
      last.id,
      last.timestamp,
      last.name,
    ]);
    await t.http().get('/health/ready').expect(200);
  });

  it('answers a malformed JSON body with 400 problem+json', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/token')
      .set('content-type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 400,
      code: 'malformed_body',
      type: expect.any(String),
    });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/token')
      .send({ email: 'x'.repeat(4000), password: 'y' })
      .expect(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.http().get('/api/v1/nothing-here').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('route_not_found');
  });

  it('keeps a harmless X-Request-Id and replaces a hostile one', async () => {
    const kept = await t.http().get('/health').set('X-Request-Id', 'abc-123');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await t.http().get('/health').set('X-Request-Id', 'a b\u00e9<script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and CORS only for configured origins', async () => {
    const res = await t.http().get('/health').set('Origin', 'https://frontend.run-mainz.example');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['access-control-allow-origin']).toBe('https://frontend.run-mainz.example');
    const other = await t.http().get('/health').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const doc = await t.http().get('/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/health/ready']).toBeDefined();
    // Security schemes and each route's roles are part of the document.
    expect(doc.body.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    const events = doc.body.paths['/api/v1/cases/{id}/events'].post;
    expect(events['x-required-roles']).toEqual(['advisor', 'lead']);
    expect(events.security).toEqual(expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]));
    expect(doc.body.paths['/api/v1/offices'].post['x-required-roles']).toEqual(['admin']);
    await t.http().get('/docs').expect(200);
  });
});

describe('readiness and prepared statements', () => {
  let t: TestApp;
  // Two connections (the fewest that server mode starts with: migrations take turns under a lock
  // held on a connection of its own), so the statement planted below is in every session.
  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '2' });
  });
  afterAll(() => t.close());

  async function onEveryConnection(sql: string): Promise<void> {
    const runners = [t.serviceDb.createQueryRunner(), t.serviceDb.createQueryRunner()];
    await Promise.all(runners.map((r) => r.connect()));
    try {
      await Promise.all(runners.map((r) => r.query(sql)));
    } finally {
      await Promise.all(runners.map((r) => r.release()));
    }
  }

  it('is not ready when the session cannot prepare the statements requests need', async () => {
    // The embedded database once failed this way: the session held a statement that the driver's
    // new connection tried to prepare again (42P05). SELECT 1 kept answering all the while.
    await onEveryConnection(`PREPARE health_ready AS SELECT 1`);
    const res = await t.http().get('/health/ready').expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('database_unavailable');
    // (pool.query drops a connection whose query failed, so one of them may be new by now.)
    await onEveryConnection(`DEALLOCATE ALL`);
    await t.http().get('/health/ready').expect(200, { status: 'ready', database: 'server' });
  });
});
