import type { WebhookEventType } from './webhook-events';

export type WebhookEndpointStatus = 'active' | 'paused' | 'disabled';

/** @table webhook_endpoint */
export interface WebhookEndpointRow {
  id: string;
  office_id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  status: WebhookEndpointStatus;
  disabled_reason: string | null;
  secret_encrypted: string;
  secret_prefix: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export type WebhookMessageState = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** @table webhook_message */
export interface WebhookMessageRow {
  id: string;
  seq: string;
  endpoint_id: string;
  office_id: string;
  event_type: WebhookEventType;
  ordering_key: string;
  data: Record<string, unknown>;
  occurred_at: Date;
  state: WebhookMessageState;
  attempts: number;
  next_attempt_at: Date;
  lease_owner: string | null;
  lease_until: Date | null;
  redeliver_requested: boolean;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
}

export type WebhookDeliveryOutcome =
  'succeeded' | 'failed' | 'timeout' | 'network_error' | 'blocked';

/** @table webhook_delivery */
export interface WebhookDeliveryRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  office_id: string;
  attempt: number;
  trigger: 'schedule' | 'redeliver';
  started_at: Date;
  duration_ms: number;
  outcome: WebhookDeliveryOutcome;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  next_attempt_at: Date | null;
}
