import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { listsHosts, type MultiHostUrl, parseMultiHostUrl } from '../database/multi-host-url';

/**
 * The service's whole configuration, read from the environment once at start. Nothing else in the
 * code base reads process.env: a bad value stops the start with a message that names the variable.
 */
export interface AppConfig {
  port: number;
  host: string;
  /** Unset means the embedded PostgreSQL (PGlite) under dataDir. Requests connect with it. */
  databaseUrl: string | null;
  /**
   * The role that owns the tables and runs the migrations (server mode). Unset: migrations run over
   * databaseUrl, which then must be allowed to (and the start refuses to serve as an owner).
   */
  databaseOwnerUrl: string | null;
  dataDir: string;
  databasePoolSize: number;
  /** Idle pooled connections are closed after this; 0 = never (the default for the embedded database). */
  databaseIdleTimeoutMs: number;
  /**
   * A hot standby (DATABASE_READ_URL, server mode only) for exports, reports and the desk's lists;
   * null: they run on the primary as everything else.
   */
  databaseReadUrl: string | null;
  databaseReadPoolSize: number;
  /** How long an export waits for the standby to replay up to the primary before it runs there. */
  databaseReadMaxWaitMs: number;
  /**
   * The access log's group commit of read entries (src/access-log/read-log-committer.ts): how long
   * the first entry of a batch waits for more (0: the entries of the same event-loop turn), the most
   * entries per batch, and how many batches may commit at once.
   */
  accessLogBatchWaitMs: number;
  accessLogBatchMax: number;
  accessLogBatchConnections: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  corsOrigins: string[];
  /**
   * Which proxies may tell the client's address and protocol (X-Forwarded-For/-Proto): none
   * (false), every one (true), or these addresses and CIDR ranges.
   */
  trustProxy: boolean | string[];
  /** The service is reached over https only (a TLS proxy in front): browsers may upgrade requests. */
  httpsOnly: boolean;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  jwtSecret: string | null;
  jwtTtlSeconds: number;
  adminEmail: string | null;
  adminPassword: string | null;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  pseudonymKey: string | null;
  exportSigningKey: string | null;
  /** Encrypts the webhook signing secrets at rest (AES-256-GCM); unset: a key kept in dataDir. */
  webhookSecretKey: string | null;
  /**
   * Destinations a webhook may have although they are private or loopback, or plain http: host
   * names, addresses and CIDR ranges (WEBHOOK_ALLOWLIST). Empty: https to public addresses only.
   */
  webhookAllowlist: string[];
  /** How often an idle delivery worker looks for due messages; 0 turns the worker off. */
  webhookPollMs: number;
  /**
   * The credential cache (src/auth/credential-cache.ts): the most principals kept (0 turns it off)
   * and the longest an entry lives, a safety net beside the invalidation by LISTEN/NOTIFY.
   */
  credentialCacheMax: number;
  credentialCacheTtlMs: number;
  /** Single sign-on through an OpenID Connect provider; null: off. */
  oidc: OidcConfig | null;
}

export interface OidcConfig {
  /** OIDC_ISSUER: the issuer URL, exactly as the tokens' iss claim has it. */
  issuer: string;
  /** OIDC_AUDIENCE: the aud the access tokens must carry. */
  audience: string;
  /** OIDC_ALGORITHMS: the signature algorithms accepted (default RS256,ES256). */
  algorithms: string[];
  /** OIDC_GROUPS_CLAIM: the claim whose values map to office roles (default groups). */
  groupsClaim: string;
  /** OIDC_JWKS_COOLDOWN_MS: the least time between two fetches of the key set (default 30 s). */
  jwksCooldownMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function databaseUrl(env: Env, name = 'DATABASE_URL'): string | null {
  const raw = text(env, name);
  if (raw === null) return null;
  // libpq's multi-host form (h1:5433,h2:5434): each host is checked as a URL of its own.
  let hosts: MultiHostUrl | null = null;
  if (listsHosts(raw)) {
    if (!MULTI_HOST_NAMES.has(name)) {
      throw new ConfigError(name, 'takes one host (a multi-host list is for the primary)');
    }
    try {
      hosts = parseMultiHostUrl(raw);
    } catch (error) {
      throw new ConfigError(name, (error as Error).message.replace(/^the database URL /, ''));
    }
  }
  let url: URL;
  try {
    url = new URL(hosts ? hosts.urls[0] : raw);
  } catch {
    throw new ConfigError(name, 'is not a URL (expected postgres://user@host:port/db)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, `must use postgres://, got ${url.protocol}//`);
  }
  return raw;
}

/** The URLs that may list several hosts; the service then connects to the writable one. */
const MULTI_HOST_NAMES = new Set(['DATABASE_URL', 'DATABASE_OWNER_URL']);

function corsOrigins(env: Env): string[] {
  const raw = text(env, 'CORS_ORIGINS');
  if (raw === null) return [];
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    try {
      const url = new URL(origin);
      if (url.origin !== origin) throw new Error('not an origin');
    } catch {
      throw new ConfigError(
        'CORS_ORIGINS',
        `has "${origin}", expected e.g. https://app.example.org`,
      );
    }
  }
  return origins;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined || raw === null) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function trustProxy(env: Env): boolean | string[] {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === null || raw.toLowerCase() === 'false') return false;
  if (raw.toLowerCase() === 'true') return true;
  const addresses = raw.split(',').map((a) => a.trim());
  for (const address of addresses) {
    const [ip, bits, ...rest] = address.split('/');
    const version = isIP(ip);
    const maxBits = version === 6 ? 128 : 32;
    if (
      version === 0 ||
      rest.length > 0 ||
      (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))
    ) {
      throw new ConfigError(
        'TRUST_PROXY',
        `has "${address}", expected true, false or addresses such as 10.0.0.1,192.168.0.0/16`,
      );
    }
  }
  return addresses;
}

function secret(env: Env, name: string, minLength: number): string | null {
  const raw = text(env, name);
  if (raw !== null && raw.length < minLength) {
    throw new ConfigError(name, `must be at least ${minLength} characters long`);
  }
  return raw;
}

function list(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (raw === null) return [];
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function webhookAllowlist(env: Env): string[] {
  const entries = list(env, 'WEBHOOK_ALLOWLIST');
  for (const entry of entries) {
    const [ip, bits, ...rest] = entry.split('/');
    const version = isIP(ip);
    const validRange =
      bits === undefined ||
      (version !== 0 &&
        rest.length === 0 &&
        /^\d+$/.test(bits) &&
        Number(bits) <= (version === 6 ? 128 : 32));
    const validHost = version !== 0 || /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(entry);
    if (!validRange || !validHost) {
      throw new ConfigError(
        'WEBHOOK_ALLOWLIST',
        `has "${entry}", expected host names, addresses or CIDR ranges such as receiver.internal,10.0.0.0/8`,
      );
    }
  }
  return entries;
}

const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

function oidcConfig(env: Env): OidcConfig | null {
  const issuer = text(env, 'OIDC_ISSUER');
  const audience = text(env, 'OIDC_AUDIENCE');
  if (issuer === null && audience === null) return null;
  if (issuer === null || audience === null) {
    throw new ConfigError(
      issuer === null ? 'OIDC_ISSUER' : 'OIDC_AUDIENCE',
      'must be set together with its partner (OIDC_ISSUER and OIDC_AUDIENCE)',
    );
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(
      'OIDC_ISSUER',
      'is not a URL (expected e.g. https://sso.example.org/realms/lotse)',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('OIDC_ISSUER', `must use https://, got ${url.protocol}//`);
  }
  const algorithms = list(env, 'OIDC_ALGORITHMS');
  for (const alg of algorithms) {
    if (!OIDC_ALGORITHMS.includes(alg)) {
      throw new ConfigError(
        'OIDC_ALGORITHMS',
        `has "${alg}", expected some of ${OIDC_ALGORITHMS.join(', ')}`,
      );
    }
  }
  return {
    issuer,
    audience,
    algorithms: algorithms.length > 0 ? algorithms : ['RS256', 'ES256'],
    groupsClaim: text(env, 'OIDC_GROUPS_CLAIM') ?? 'groups',
    jwksCooldownMs: integer(env, 'OIDC_JWKS_COOLDOWN_MS', 30_000, 0, 3_600_000),
  };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const adminEmail = text(env, 'LOTSE_ADMIN_EMAIL');
  const adminPassword = text(env, 'LOTSE_ADMIN_PASSWORD');
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError(
      adminEmail === null ? 'LOTSE_ADMIN_EMAIL' : 'LOTSE_ADMIN_PASSWORD',
      'must be set together with its partner (LOTSE_ADMIN_EMAIL and LOTSE_ADMIN_PASSWORD)',
    );
  }
  if (adminPassword !== null && adminPassword.length < 12) {
    throw new ConfigError('LOTSE_ADMIN_PASSWORD', 'must be at least 12 characters long');
  }
  const serverUrl = databaseUrl(env); // null: the embedded database
  const ownerUrl = databaseUrl(env, 'DATABASE_OWNER_URL');
  if (ownerUrl !== null && serverUrl === null) {
    throw new ConfigError(
      'DATABASE_OWNER_URL',
      'needs DATABASE_URL (the embedded database has no roles to choose)',
    );
  }
  const readUrl = databaseUrl(env, 'DATABASE_READ_URL');
  if (readUrl !== null && serverUrl === null) {
    throw new ConfigError(
      'DATABASE_READ_URL',
      'needs DATABASE_URL (the embedded database has no standby)',
    );
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    databaseUrl: serverUrl,
    databaseOwnerUrl: ownerUrl,
    dataDir: resolve(text(env, 'LOTSE_DATA_DIR') ?? './data'),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    // The embedded database is one session in this process: nothing is gained by closing its
    // connection, so it is kept for ever unless a value is set (the tests set one to force churn).
    databaseIdleTimeoutMs: integer(
      env,
      'DATABASE_IDLE_TIMEOUT_MS',
      serverUrl ? 30_000 : 0,
      0,
      3_600_000,
    ),
    databaseReadUrl: readUrl,
    databaseReadPoolSize: integer(env, 'DATABASE_READ_POOL_SIZE', 10, 1, 200),
    databaseReadMaxWaitMs: integer(env, 'DATABASE_READ_MAX_WAIT_MS', 5_000, 0, 60_000),
    accessLogBatchWaitMs: integer(env, 'ACCESS_LOG_BATCH_WAIT_MS', 0, 0, 1_000),
    accessLogBatchMax: integer(env, 'ACCESS_LOG_BATCH_MAX', 256, 1, 10_000),
    accessLogBatchConnections: integer(env, 'ACCESS_LOG_BATCH_CONNECTIONS', 4, 1, 32),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    corsOrigins: corsOrigins(env),
    trustProxy: trustProxy(env),
    httpsOnly: flag(env, 'HTTPS_ONLY', false),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    jwtSecret: secret(env, 'JWT_SECRET', 32),
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 900, 30, 86_400),
    adminEmail,
    adminPassword,
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginWindowSeconds: integer(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86_400),
    pseudonymKey: secret(env, 'PSEUDONYM_KEY', 32),
    exportSigningKey: text(env, 'EXPORT_SIGNING_KEY'),
    webhookSecretKey: secret(env, 'WEBHOOK_SECRET_KEY', 32),
    webhookAllowlist: webhookAllowlist(env),
    webhookPollMs: integer(env, 'WEBHOOK_POLL_MS', 250, 0, 60_000),
    credentialCacheMax: integer(env, 'CREDENTIAL_CACHE_MAX', 10_000, 0, 1_000_000),
    credentialCacheTtlMs: integer(env, 'CREDENTIAL_CACHE_TTL_MS', 60_000, 1_000, 3_600_000),
    oidc: oidcConfig(env),
  };
}

/** Injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
