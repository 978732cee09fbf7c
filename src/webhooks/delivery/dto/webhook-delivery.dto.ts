import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/page-query.dto';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../webhook-events';
import type { WebhookDeliveryOutcome } from '../../webhook-endpoint.row';

export const DELIVERY_OUTCOMES = [
  'succeeded',
  'failed',
  'timeout',
  'network_error',
  'blocked',
] as const satisfies readonly WebhookDeliveryOutcome[];
export const DELIVERY_TRIGGERS = ['schedule', 'redeliver'] as const;

export class WebhookDeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the attempts of this message (its webhook-id)',
  })
  @IsOptional()
  @IsUUID()
  messageId?: string;
}

@ApiSchema({ name: 'WebhookDelivery', description: 'One attempt to deliver a message' })
export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The message: sent as webhook-id, the same on every attempt',
  })
  messageId: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType' })
  eventType: WebhookEventType;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'The attempt of the message, from 1' })
  attempt: number;

  @ApiProperty({
    enum: DELIVERY_TRIGGERS,
    enumName: 'WebhookDeliveryTrigger',
    description: 'schedule: the retry schedule; redeliver: asked for through the API',
  })
  trigger: (typeof DELIVERY_TRIGGERS)[number];

  @ApiProperty({ type: String, format: 'date-time' })
  startedAt: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Latency: from sending to the answer' })
  durationMs: number;

  @ApiProperty({
    enum: DELIVERY_OUTCOMES,
    enumName: 'WebhookDeliveryOutcome',
    description:
      'succeeded (2xx), failed (another status, 3xx included: redirects are not followed), timeout ' +
      '(no answer within 15 s), network_error, blocked (the destination is not allowed)',
  })
  outcome: WebhookDeliveryOutcome;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The receiver\u2019s HTTP status' })
  responseStatus: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The first 1 KB of the receiver\u2019s answer',
  })
  responseBody: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the attempt failed' })
  error: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When the next attempt was due after this one; null when none was (delivered, given up)',
  })
  nextAttemptAt: string | null;
}

@ApiSchema({ name: 'WebhookDeliveryPage', description: 'One page of attempts, newest first' })
export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] })
  items: WebhookDeliveryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page' })
  nextCursor: string | null;
}

@ApiSchema({ name: 'WebhookRedelivery', description: 'A message queued to be sent again' })
export class WebhookRedeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'The message (webhook-id) that will be sent again' })
  messageId: string;
}
