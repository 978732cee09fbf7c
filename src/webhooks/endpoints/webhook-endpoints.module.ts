import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { WebhookDestinationPolicy } from '../webhook-destination';
import { WebhookSecretCipher } from '../webhook-secret';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/**
 * The endpoints' management API. WebhooksModule imports this module, so its providers are not
 * visible here (importing WebhooksModule back would be a cycle): the cipher and the destination
 * policy are provided here too. Both are pure functions of the configuration (the cipher's key is
 * the configured or stored one), so another instance is the same cipher.
 */
@Module({
  controllers: [WebhookEndpointsController],
  providers: [
    WebhookEndpointsService,
    WebhookEndpointsRepository,
    WebhookSecretCipher,
    {
      provide: WebhookDestinationPolicy,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new WebhookDestinationPolicy(config.webhookAllowlist),
    },
  ],
})
export class WebhookEndpointsModule {}
