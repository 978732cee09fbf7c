import { Module } from '@nestjs/common';
import { WebhookCoreModule } from '../webhook-core.module';
import { OutboxRepository } from './outbox.repository';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookSender } from './webhook-sender';
import { WebhookWorker } from './webhook-worker';

/**
 * The outbox's delivery: the worker that sends due messages (when WEBHOOK_POLL_MS > 0), and each
 * endpoint's delivery log with redelivery.
 */
@Module({
  imports: [WebhookCoreModule],
  controllers: [WebhookDeliveriesController],
  providers: [OutboxRepository, WebhookSender, WebhookWorker, WebhookDeliveriesService],
})
export class WebhookDeliveryModule {}
