import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { configuredOrStoredSecret } from '../config/secrets';

/** Standard Webhooks secrets: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** What a list shows of a secret: enough to tell two apart, too little to sign with. */
export function secretPrefix(secret: string): string {
  return `${secret.slice(0, 10)}…`;
}

/**
 * Keeps the webhook signing secrets encrypted at rest (AES-256-GCM). Unlike an API key, a signing
 * secret cannot be stored as a hash: the worker needs the secret itself to sign. The key comes from
 * WEBHOOK_SECRET_KEY or is generated once in the data directory; instances that share a database
 * must share it through configuration.
 */
@Injectable()
export class WebhookSecretCipher {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const material = configuredOrStoredSecret(
      config.webhookSecretKey,
      config.dataDir,
      'webhook-secret-key',
    );
    this.key = createHash('sha256').update(material).digest();
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, each base64url. */
  encrypt(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const encrypted = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', iv, tag, encrypted]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, encrypted] = stored.split('.');
    if (version !== 'v1' || !iv || !tag || encrypted === undefined) {
      throw new Error('a webhook secret in an unknown format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(encrypted, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
