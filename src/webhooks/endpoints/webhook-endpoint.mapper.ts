import type { WebhookEndpointDto } from './dto/webhook-endpoint.dto';
import type { WebhookEndpointView } from './webhook-endpoints.repository';

export function toWebhookEndpointDto(row: WebhookEndpointView): WebhookEndpointDto {
  return {
    id: row.id,
    officeId: row.office_id,
    url: row.url,
    description: row.description,
    events: row.events,
    status: row.status,
    disabledReason: row.disabled_reason,
    secretPrefix: row.secret_prefix,
    previousSecretExpiresAt: row.previous_secret_expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
