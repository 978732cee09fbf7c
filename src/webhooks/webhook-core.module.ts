import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { WebhookDestinationPolicy } from './webhook-destination';
import { WebhookSecretCipher } from './webhook-secret';

/**
 * What the endpoints' API and the delivery worker share: the secrets' cipher and the destination
 * policy, one instance each, from the configuration.
 */
@Module({
  providers: [
    WebhookSecretCipher,
    {
      provide: WebhookDestinationPolicy,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new WebhookDestinationPolicy(config.webhookAllowlist),
    },
  ],
  exports: [WebhookSecretCipher, WebhookDestinationPolicy],
})
export class WebhookCoreModule {}
