import { Module } from '@nestjs/common';
import { WebhookSecretCipher } from '../webhook-secret';
import { OutboxRepository } from './outbox.repository';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookSender } from './webhook-sender';
import { WebhookWorker } from './webhook-worker';

/**
 * The outbox's delivery: the worker that sends due messages (when WEBHOOK_POLL_MS > 0), and each
 * endpoint's delivery log with redelivery. The cipher is provided here too (same key, stateless)
 * because WebhooksModule imports this module and cannot also be imported by it.
 */
@Module({
  controllers: [WebhookDeliveriesController],
  providers: [
    OutboxRepository,
    WebhookSender,
    WebhookWorker,
    WebhookDeliveriesService,
    WebhookSecretCipher,
  ],
})
export class WebhookDeliveryModule {}
