import { Module } from '@nestjs/common';
import { WebhookCoreModule } from '../webhook-core.module';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** The endpoints' management API. */
@Module({
  imports: [WebhookCoreModule],
  controllers: [WebhookEndpointsController],
  providers: [WebhookEndpointsService, WebhookEndpointsRepository],
})
export class WebhookEndpointsModule {}
