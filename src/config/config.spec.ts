import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded database on port 3000', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeNull();
    expect(config.port).toBe(3000);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.jwtTtlSeconds).toBe(900);
  });

  it('trusts no proxy and assumes no https unless told', () => {
    expect(loadConfig({})).toMatchObject({ trustProxy: false, httpsOnly: false });
    expect(loadConfig({ TRUST_PROXY: 'true', HTTPS_ONLY: 'TRUE' })).toMatchObject({
      trustProxy: true,
      httpsOnly: true,
    });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
    ]);
  });

  it('keeps the embedded connection for ever and closes idle server connections after 30 s', () => {
    // The embedded session outlives its connections, so replacing one gains nothing there.
    expect(loadConfig({}).databaseIdleTimeoutMs).toBe(0);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).databaseIdleTimeoutMs).toBe(
      30_000,
    );
    expect(loadConfig({ DATABASE_IDLE_TIMEOUT_MS: '100' }).databaseIdleTimeoutMs).toBe(100);
  });

  it('group-commits read entries of the access log at once, 256 at most, 4 batches at a time', () => {
    expect(loadConfig({})).toMatchObject({
      accessLogBatchWaitMs: 0,
      accessLogBatchMax: 256,
      accessLogBatchConnections: 4,
    });
    expect(
      loadConfig({
        ACCESS_LOG_BATCH_WAIT_MS: '2',
        ACCESS_LOG_BATCH_MAX: '64',
        ACCESS_LOG_BATCH_CONNECTIONS: '1',
      }),
    ).toMatchObject({
      accessLogBatchWaitMs: 2,
      accessLogBatchMax: 64,
      accessLogBatchConnections: 1,
    });
    expect(() => loadConfig({ ACCESS_LOG_BATCH_MAX: '0' })).toThrow('ACCESS_LOG_BATCH_MAX');
    expect(() => loadConfig({ ACCESS_LOG_BATCH_CONNECTIONS: '33' })).toThrow(
      'ACCESS_LOG_BATCH_CONNECTIONS',
    );
  });

  it('takes a read replica only beside a server database, with a pool size of its own', () => {
    expect(loadConfig({})).toMatchObject({
      databaseReadUrl: null,
      databaseReadPoolSize: 10,
      databaseReadMaxWaitMs: 5_000,
    });
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@primary:5432/db',
      DATABASE_READ_URL: 'postgres://u@standby:5432/db',
      DATABASE_READ_POOL_SIZE: '4',
    });
    expect(config).toMatchObject({
      databaseReadUrl: 'postgres://u@standby:5432/db',
      databaseReadPoolSize: 4,
    });
    // The embedded database has no standby: a read URL without DATABASE_URL is a mistake.
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://u@standby:5432/db' })).toThrow(
      'DATABASE_READ_URL',
    );
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://u@h/db', DATABASE_READ_URL: 'mysql://x@y/z' }),
    ).toThrow('DATABASE_READ_URL');
  });

  it('takes a multi-host DATABASE_URL (libpq syntax) and its owner URL, not a multi-host read URL', () => {
    const url = 'postgres://lotse@h1:5433,h2:5434/lotse?target_session_attrs=read-write';
    const owner = 'postgres://owner@h1:5433,h2:5434/lotse';
    const config = loadConfig({ DATABASE_URL: url, DATABASE_OWNER_URL: owner });
    expect([config.databaseUrl, config.databaseOwnerUrl]).toEqual([url, owner]);
    expect(() => loadConfig({ DATABASE_URL: url, DATABASE_READ_URL: owner })).toThrow(
      'DATABASE_READ_URL takes one host',
    );
  });

  it('takes a read URL whose password holds a comma: one host, not a list', () => {
    const read = 'postgres://lotse_app:p%2Cw,x@standby:5432/lotse';
    const config = loadConfig({
      DATABASE_URL: 'postgres://lotse_app@primary/lotse',
      DATABASE_READ_URL: read,
    });
    expect(config.databaseReadUrl).toBe(read);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'postgres://u@h1:5433,/db'],
    ['DATABASE_URL', 'postgres://u@h1:5433,h2:99999/db'],
    ['DATABASE_URL', 'postgres://u@h1,h2/db?target_session_attrs=standby'],
    ['LOG_LEVEL', 'loud'],
    ['CORS_ORIGINS', 'https://ok.example,notanorigin'],
    ['JWT_SECRET', 'short'],
    ['LOTSE_ADMIN_EMAIL', 'admin@example.org'],
    ['HTTPS_ONLY', 'yes'],
    ['TRUST_PROXY', 'proxy.example'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '2'],
  ])('stops with a message that names %s when it is %p', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });

  it('parses lists and numbers', () => {
    const config = loadConfig({
      PORT: '8080',
      CORS_ORIGINS: 'https://a.example, https://b.example:8443',
      DATABASE_URL: 'postgres://u@h:5432/db',
    });
    expect(config.port).toBe(8080);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(config.databaseUrl).toBe('postgres://u@h:5432/db');
  });

  it('keeps up to 10,000 credentials for at most 60 s unless told; 0 turns the cache off', () => {
    const defaults = loadConfig({});
    expect([defaults.credentialCacheMax, defaults.credentialCacheTtlMs]).toEqual([10_000, 60_000]);
    const off = loadConfig({ CREDENTIAL_CACHE_MAX: '0', CREDENTIAL_CACHE_TTL_MS: '5000' });
    expect([off.credentialCacheMax, off.credentialCacheTtlMs]).toEqual([0, 5_000]);
    expect(() => loadConfig({ CREDENTIAL_CACHE_TTL_MS: '10' })).toThrow('CREDENTIAL_CACHE_TTL_MS');
    expect(() => loadConfig({ CREDENTIAL_CACHE_MAX: '-1' })).toThrow('CREDENTIAL_CACHE_MAX');
  });
});
