import { Body, Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { Ctx, RequestContext } from '../../auth/request-context';
import { UuidParam } from '../../common/http/uuid-param';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import {
  CreateWebhookEndpointDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

const WHO = 'Leads of the office and admins; another office\u2019s endpoints are not found.';

@ApiTags('webhooks')
@Controller('offices/:officeId/webhooks')
export class WebhookEndpointsController {
  constructor(
    @Inject(WebhookEndpointsService) private readonly endpoints: WebhookEndpointsService,
  ) {}

  @Post()
  @Access('webhooks.administer')
  @ApiOperation({
    summary: 'Register a webhook endpoint',
    description:
      `${WHO} The answer holds the signing secret, this once (it is stored encrypted). Events are ` +
      'sent as Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature headers, a ' +
      'JSON body {type, timestamp, data} with ids and codes only.',
  })
  @ApiCreatedResponse({
    type: WebhookEndpointWithSecretDto,
    description: 'The new endpoint with its secret',
  })
  @ApiErrors('not_found')
  create(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @Body() body: CreateWebhookEndpointDto,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.create(ctx, officeId, body);
  }

  @Get()
  @Access('webhooks.administer')
  @ApiOperation({
    summary: 'The office\u2019s webhook endpoints, without secrets',
    description: `${WHO} Deleted endpoints are not listed.`,
  })
  @ApiOkResponse({ type: WebhookEndpointListDto, description: 'The endpoints' })
  @ApiErrors('not_found')
  list(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
  ): Promise<WebhookEndpointListDto> {
    return this.endpoints.list(ctx, officeId);
  }

  @Get(':webhookId')
  @Access('webhooks.administer')
  @ApiOperation({ summary: 'One webhook endpoint, without its secret', description: WHO })
  @ApiOkResponse({ type: WebhookEndpointDto, description: 'The endpoint' })
  @ApiErrors('not_found')
  get(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @UuidParam('webhookId') id: string,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.get(ctx, officeId, id);
  }

  @Patch(':webhookId')
  @Access('webhooks.administer')
  @ApiOperation({
    summary: 'Change, pause or resume a webhook endpoint',
    description:
      `${WHO} At least one field. status paused keeps the events for later; active resumes, and ` +
      're-enables an endpoint the service disabled (410 from the receiver), clearing disabledReason.',
  })
  @ApiOkResponse({ type: WebhookEndpointDto, description: 'The endpoint as changed' })
  @ApiErrors('not_found')
  update(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @UuidParam('webhookId') id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.update(ctx, officeId, id, body);
  }

  @Delete(':webhookId')
  @Access('webhooks.administer')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a webhook endpoint',
    description:
      `${WHO} Effective at once: its events that are not delivered yet are cancelled, no new ones ` +
      'are kept. Deleting a deleted endpoint again changes nothing (as revoking an API key).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('not_found')
  delete(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @UuidParam('webhookId') id: string,
  ): Promise<void> {
    return this.endpoints.delete(ctx, officeId, id);
  }

  @Post(':webhookId/rotate-secret')
  @Access('webhooks.administer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description:
      `${WHO} The answer holds the new secret, this once. For 24 hours the previous secret signs ` +
      'too (two signatures in webhook-signature), so the receiver can switch without losing events. ' +
      'Rotating again during a rotation replaces the previous secret with the current one: the ' +
      'secret before it stops signing at once.',
  })
  @ApiOkResponse({
    type: WebhookEndpointWithSecretDto,
    description: 'The endpoint with its new secret',
  })
  @ApiErrors('not_found')
  rotateSecret(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @UuidParam('webhookId') id: string,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.rotateSecret(ctx, officeId, id);
  }
}
