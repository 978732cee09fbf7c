import { Module } from '@nestjs/common';
import { WebhookDeliveryModule } from './delivery/webhook-delivery.module';
import { WebhookEndpointsModule } from './endpoints/webhook-endpoints.module';
import { WebhookEventsModule } from './events/webhook-events.module';

/**
 * Webhooks for the offices' own systems: endpoints (endpoints/), the transactional outbox's
 * delivery worker and log (delivery/), and the events' sources (events/).
 */
@Module({
  imports: [WebhookEndpointsModule, WebhookEventsModule, WebhookDeliveryModule],
})
export class WebhooksModule {}
