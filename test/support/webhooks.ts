import {
  WebhookSecretCipher,
  newWebhookSecret,
  secretPrefix,
} from '../../src/webhooks/webhook-secret';
import type { WebhookEventType } from '../../src/webhooks/webhook-events';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/webhook-events';
import type { TestApp } from './test-app';

/**
 * An endpoint written straight into the test's database (as the owner), for suites that test
 * delivery and events rather than the endpoints' API: the secret is encrypted as the service
 * does it, with the app's own key. Returns the id and the secret to verify with.
 */
export async function subscribeDirectly(
  t: TestApp,
  officeId: string,
  url: string,
  events: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES,
): Promise<{ id: string; secret: string }> {
  const secret = newWebhookSecret();
  const cipher = new WebhookSecretCipher(t.config);
  const [row]: { id: string }[] = await t.db.query(
    `INSERT INTO webhook_endpoint (office_id, url, events, secret_encrypted, secret_prefix)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [officeId, url, events, cipher.encrypt(secret), secretPrefix(secret)],
  );
  return { id: row.id, secret };
}
