import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../webhook-events';
import type { WebhookEndpointStatus } from '../../webhook-endpoint.row';

export const WEBHOOK_ENDPOINT_STATUSES = ['active', 'paused', 'disabled'] as const;
/** What an office may set: the service alone disables an endpoint (its receiver answered 410). */
export const SETTABLE_STATUSES = ['active', 'paused'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

const EVENTS_DESCRIPTION = 'The events to send; each once, at least one';
const URL_DESCRIPTION =
  'https:// to a public address (loopback, private, link-local and metadata addresses are refused ' +
  'unless the service\u2019s WEBHOOK_ALLOWLIST names them); no user name, password or #fragment';

/**
 * Absent is fine, null is not (IsOptional would let null through, and none of these fields can be
 * null): a null is answered as the type error it is.
 */
const IfPresent = () => ValidateIf((_, value) => value !== undefined);

/** The event list of a create or an update: non-empty, unique, from the catalogue. */
function Events(): PropertyDecorator {
  return (target, key) => {
    IsArray()(target, key);
    ArrayMinSize(1, { message: 'events must name at least one event' })(target, key);
    ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)(target, key);
    ArrayUnique({ message: 'events must name each event only once' })(target, key);
    IsIn(WEBHOOK_EVENT_TYPES, {
      each: true,
      message: `each event must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
    })(target, key);
  };
}

@ApiSchema({ name: 'CreateWebhookEndpoint', description: 'A new webhook endpoint of an office' })
export class CreateWebhookEndpointDto {
  @ApiProperty({
    maxLength: 2048,
    example: 'https://frontend.run-mainz.example/lotse/webhooks',
    description: URL_DESCRIPTION,
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    enumName: 'WebhookEventType',
    isArray: true,
    minItems: 1,
    maxItems: WEBHOOK_EVENT_TYPES.length,
    uniqueItems: true,
    example: ['case.created', 'case.phase_changed'],
    description: EVENTS_DESCRIPTION,
  })
  @Events()
  events: WebhookEventType[];

  @ApiPropertyOptional({
    maxLength: 500,
    example: 'Fallübersicht im Büro-Frontend',
    description: 'For the office\u2019s own overview; not sent with events',
  })
  @IfPresent()
  @IsString()
  @MaxLength(500)
  description?: string;
}

@ApiSchema({
  name: 'UpdateWebhookEndpoint',
  description: 'The fields to change (at least one); absent fields stay as they are',
})
export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ maxLength: 2048, description: URL_DESCRIPTION })
  @IfPresent()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    enum: WEBHOOK_EVENT_TYPES,
    enumName: 'WebhookEventType',
    isArray: true,
    minItems: 1,
    maxItems: WEBHOOK_EVENT_TYPES.length,
    uniqueItems: true,
    description: `${EVENTS_DESCRIPTION}; replaces the list`,
  })
  @IfPresent()
  @Events()
  events?: WebhookEventType[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IfPresent()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    enum: SETTABLE_STATUSES,
    enumName: 'WebhookEndpointSettableStatus',
    description:
      '`paused`: events are kept and sent once it is active again. `active`: resumes a paused ' +
      'endpoint, and re-enables one the service disabled (its receiver answered 410), clearing ' +
      'disabledReason; events that arose while it was disabled are not sent.',
  })
  @IfPresent()
  @IsIn(SETTABLE_STATUSES)
  status?: SettableStatus;
}

@ApiSchema({
  name: 'WebhookEndpoint',
  description: 'A webhook endpoint of an office, without its secret',
})
export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) officeId: string;
  @ApiProperty({ example: 'https://frontend.run-mainz.example/lotse/webhooks' }) url: string;
  @ApiProperty({ example: 'Fallübersicht im Büro-Frontend', description: 'Empty when none' })
  description: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true })
  events: WebhookEventType[];
  @ApiProperty({
    enum: WEBHOOK_ENDPOINT_STATUSES,
    enumName: 'WebhookEndpointStatus',
    description:
      '`active`: events are sent. `paused` (by the office): events are kept for later. ' +
      '`disabled` (by the service, see disabledReason): no events are kept until it is set active',
  })
  status: WebhookEndpointStatus;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'gone',
    description:
      'Why the service disabled the endpoint (`gone`: the receiver answered 410); null unless disabled',
  })
  disabledReason: string | null;
  @ApiProperty({
    description: 'The first characters of the current signing secret, to recognise it',
    example: 'whsec_3kq9…',
  })
  secretPrefix: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description:
      'While a rotation is under way: until when the previous secret signs too (a second signature); null otherwise',
  })
  previousSecretExpiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

@ApiSchema({
  name: 'WebhookEndpointWithSecret',
  description: 'A webhook endpoint with its new signing secret, which is shown this once',
})
export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({
    description:
      'The signing secret (Standard Webhooks, whsec_ and base64): shown this once. Verify the ' +
      'webhook-signature header with it, e.g. with the standardwebhooks package',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
  })
  secret: string;
}

@ApiSchema({
  name: 'WebhookEndpointList',
  description: 'The office\u2019s webhook endpoints, oldest first; deleted ones are not listed',
})
export class WebhookEndpointListDto {
  @ApiProperty({ type: [WebhookEndpointDto] }) items: WebhookEndpointDto[];
}
