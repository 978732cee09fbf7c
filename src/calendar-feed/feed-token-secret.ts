import { createHash, randomBytes } from 'node:crypto';

/** Distinct from an API key's `lotse_`: a feed token in a log or a ticket is recognisably one. */
export const FEED_TOKEN_PREFIX = 'lotse_feed_';
const FEED_TOKEN = /^lotse_feed_[A-Za-z0-9_-]{43}$/;

/**
 * 256 random bits, like an API key, so a plain SHA-256 is a sufficient one-way hash (see
 * auth/api-key-hash.ts): the token is shown once and only its hash is stored.
 */
export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateFeedToken(): { token: string; prefix: string; hash: string } {
  const token = `${FEED_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return {
    token,
    prefix: token.slice(0, FEED_TOKEN_PREFIX.length + 6),
    hash: hashFeedToken(token),
  };
}

/** Whether a string can be a feed token at all (anything else is refused without a query). */
export function looksLikeFeedToken(value: unknown): value is string {
  return typeof value === 'string' && FEED_TOKEN.test(value);
}

/** The feed's address as a path: the instance's origin is the client's to prepend. */
export function feedPath(token: string): string {
  return `/api/v1/tasks.ics?token=${encodeURIComponent(token)}`;
}
