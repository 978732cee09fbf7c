import type {
  HeaderObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  SchemaObject,
} from '@nestjs/swagger';
import { DELIVERY_TIMEOUT_MS, RESPONSE_BODY_BYTES } from '../webhooks/delivery/webhook-sender';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from '../webhooks/delivery/retry-schedule';
import {
  WEBHOOK_EVENT_EXAMPLES,
  webhookEventSchemaName,
  webhookEventSchemas,
  webhookEventText,
} from '../webhooks/webhook-event-schemas';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-events';

/**
 * The requests Lotse sends to an office's endpoints, as OpenAPI 3.1 `webhooks`: one entry per
 * event type, named by it, whose body is the event's component schema and whose headers are the
 * Standard Webhooks ones. Merged into the document by finishDocument (document.ts).
 */

/** The Standard Webhooks headers, declared once under components.parameters. */
const HEADERS: Record<string, ParameterObject> = {
  'webhook-id': {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description:
      'The message\u2019s id: the same on every attempt and redelivery of one event, unique per event and endpoint. Use it to drop duplicates (delivery is at least once).',
    schema: { type: 'string', format: 'uuid' },
  },
  'webhook-timestamp': {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description:
      'When this attempt was sent, in seconds since 1970-01-01 UTC. Refuse a request whose timestamp is far from your clock (the standardwebhooks libraries allow 5 minutes), against replays.',
    schema: { type: 'string', pattern: '^[0-9]{1,12}$' },
  },
  'webhook-signature': {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      '`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, keyed with the endpoint\u2019s secret (the base64 after `whsec_`), where id and timestamp are the two headers above and body the raw request body. During a secret rotation (24 h) two signatures are sent, space-separated: one with the new and one with the previous secret; accept the request if any of them matches. Verify with a Standard Webhooks library (e.g. `standardwebhooks`) before parsing the body.',
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$' },
  },
};

const RETRY_AFTER: HeaderObject = {
  description:
    'Seconds (or an HTTP date) to wait before the next attempt; honoured when it is longer than the schedule\u2019s pause, up to 24 hours',
  schema: { type: 'string' },
};

/** A pause of the schedule as people write it: 5 s, 30 min, 2 h. */
const pause = (ms: number): string =>
  ms < 60_000 ? `${ms / 1000} s` : ms < 3_600_000 ? `${ms / 60_000} min` : `${ms / 3_600_000} h`;

const DELIVERY =
  `Lotse sends a POST with a JSON body to each active endpoint of the office subscribed to the event. ` +
  `Events of one case arrive in the order they happened (the next waits until the one before is delivered or given up). ` +
  `An attempt must be answered within ${DELIVERY_TIMEOUT_MS / 1000} s; redirects are not followed. ` +
  `A failed attempt is retried on the Standard Webhooks schedule (${RETRY_DELAYS_MS.map(pause).join(', ')} after the previous one; ${MAX_ATTEMPTS} attempts in all), ` +
  `and every attempt is listed in the endpoint\u2019s delivery log (GET /api/v1/offices/{officeId}/webhooks/{webhookId}/deliveries).`;

function operation(type: (typeof WEBHOOK_EVENT_TYPES)[number]): OperationObject {
  const { summary, description } = webhookEventText(type);
  return {
    tags: ['webhooks'],
    operationId: `webhook${webhookEventSchemaName(type).replace(/^WebhookEvent/, '')}`,
    summary,
    description: `${description}\n\n${DELIVERY}`,
    // The request is authenticated by its signature (webhook-signature), not by a security scheme.
    security: [],
    parameters: Object.keys(HEADERS).map((name) => ({
      $ref: `#/components/parameters/${name}`,
    })),
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${webhookEventSchemaName(type)}` },
          example: WEBHOOK_EVENT_EXAMPLES[type],
        },
      },
    },
    responses: {
      '2XX': {
        description: `Delivered: any 2xx status. The body is not read beyond its first ${RESPONSE_BODY_BYTES} bytes, which the delivery log keeps.`,
      },
      '410': {
        description:
          'Gone: the message is given up and the endpoint disabled (status `disabled`, disabledReason `gone`); nothing more is sent or kept until a lead sets it active again.',
      },
      default: {
        description:
          'Any other status (also a 3xx), like a time-out or a connection failure: the attempt failed and is retried on the schedule.',
        headers: { 'Retry-After': RETRY_AFTER },
      },
    },
  };
}

/** The document's `webhooks`, and the components they refer to. */
export function webhooksDocument(): {
  webhooks: Record<string, PathItemObject>;
  schemas: Record<string, SchemaObject>;
  parameters: Record<string, ParameterObject>;
} {
  const schemas = webhookEventSchemas();
  return {
    webhooks: Object.fromEntries(
      WEBHOOK_EVENT_TYPES.map((type) => [type, { post: operation(type) }]),
    ),
    schemas: Object.fromEntries(
      WEBHOOK_EVENT_TYPES.map((type) => [webhookEventSchemaName(type), schemas[type]]),
    ),
    parameters: HEADERS,
  };
}
