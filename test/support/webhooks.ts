import {
  WebhookSecretCipher,
  newWebhookSecret,
  secretPrefix,
} from '../../src/webhooks/webhook-secret';
import type { WebhookEventType } from '../../src/webhooks/webhook-events';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/webhook-events';
import type { TestApp } from './test-app';
import { WebhookReceiver } from './webhook-receiver';

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

/**
 * A receiver with one endpoint per office, at /a (office A) and /b (office B), subscribed to every
 * event and dated a month back, so that task.due (which announces nothing due before the
 * subscription) announces the tasks the suites make due.
 */
export async function receiverForBothOffices(
  t: TestApp,
  offices: { officeA: string; officeB: string },
): Promise<{
  receiver: WebhookReceiver;
  a: { id: string; secret: string };
  b: { id: string; secret: string };
}> {
  const receiver = await WebhookReceiver.start();
  const a = await subscribeDirectly(t, offices.officeA, receiver.url('/a'));
  receiver.setSecrets('/a', a.secret);
  const b = await subscribeDirectly(t, offices.officeB, receiver.url('/b'));
  receiver.setSecrets('/b', b.secret);
  await t.db.query(`UPDATE webhook_endpoint SET created_at = now() - interval '30 days'`);
  return { receiver, a, b };
}
