import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys are 256 random bits, so a plain SHA-256 is a sufficient one-way hash (a slow password
 * hash would cost every request tens of milliseconds for no gain against guessing).
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `lotse_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}
