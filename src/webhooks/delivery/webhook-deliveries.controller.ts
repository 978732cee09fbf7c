import { Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { Ctx, RequestContext } from '../../auth/request-context';
import { UuidParam } from '../../common/http/uuid-param';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import {
  WebhookDeliveryPageDto,
  WebhookDeliveryQueryDto,
  WebhookRedeliveryDto,
} from './dto/webhook-delivery.dto';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

const Params = () => (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
  ApiParam({ name: 'officeId', description: 'The office' })(target, key, descriptor);
  ApiParam({ name: 'webhookId', description: 'The webhook (endpoint)' })(target, key, descriptor);
};

@ApiTags('webhooks')
@Controller('offices/:officeId/webhooks/:webhookId/deliveries')
export class WebhookDeliveriesController {
  constructor(
    @Inject(WebhookDeliveriesService) private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Get()
  @Params()
  @Access('webhooks.administer')
  @ApiOperation({
    summary: 'A webhook\u2019s delivery log',
    description:
      'Every attempt, newest first: outcome, the receiver\u2019s status, the latency and the first 1 KB ' +
      'of its answer, and when the next attempt was due. Filter by message (webhook-id). Leads of the ' +
      'office and admins.',
  })
  @ApiOkResponse({ type: WebhookDeliveryPageDto, description: 'One page of attempts' })
  @ApiErrors('not_found')
  list(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @UuidParam('webhookId') webhookId: string,
    @Query() q: WebhookDeliveryQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    return this.deliveries.list(ctx, officeId, webhookId, q);
  }

  @Post(':deliveryId/redeliver')
  @Params()
  @ApiParam({ name: 'deliveryId', description: 'An attempt from the delivery log' })
  @Access('webhooks.administer')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send an attempt\u2019s message again',
    description:
      'The message goes back into the outbox, due at once, with the same webhook-id and body; the new ' +
      'attempt appears in the log with trigger redeliver. Still in order per case: an earlier ' +
      'undelivered message of the same case goes first. 409 while an attempt of the message is under ' +
      'way or the webhook is disabled (a paused webhook sends it when resumed).',
  })
  @ApiAcceptedResponse({ type: WebhookRedeliveryDto, description: 'Queued' })
  @ApiErrors('not_found', 'conflict')
  redeliver(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @UuidParam('webhookId') webhookId: string,
    @UuidParam('deliveryId') deliveryId: string,
  ): Promise<WebhookRedeliveryDto> {
    return this.deliveries.redeliver(ctx, officeId, webhookId, deliveryId);
  }
}
