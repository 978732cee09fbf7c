import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A secret from configuration, or else one generated once and kept in the data directory (mode
 * 0600), so that tokens, pseudonyms and signatures stay valid across restarts. Several instances
 * sharing one database must be given the secret through configuration instead.
 */
export function configuredOrStoredSecret(
  configured: string | null,
  dataDir: string,
  fileName: string,
  generate: () => string = () => randomBytes(48).toString('base64url'),
): string {
  if (configured) return configured;
  const path = join(dataDir, fileName);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = generate();
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
