import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ACCESS_ACTIONS, type AccessAction } from '../access-log.service';

/** Who acts (the access_log and history columns' CHECK): a user, an office API key, the service. */
export const ACTOR_TYPES = ['user', 'api_key', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];
export const ACTOR_TYPE_ENUM = { enum: ACTOR_TYPES, enumName: 'ActorType' } as const;

@ApiSchema({ name: 'AccessLogEntry', description: 'One read or change of a record, or one export' })
export class AccessLogEntryDto {
  @ApiProperty({
    example: '4711',
    pattern: '^[1-9][0-9]*$',
    description: 'Ascending number of the entry',
  })
  id: string;

  @ApiProperty({ type: String, format: 'date-time' })
  at: string;

  @ApiProperty(ACTOR_TYPE_ENUM)
  actorType: ActorType;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The user or API key; null for the service itself',
  })
  actorId: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The office of the record; null for a list across several offices',
  })
  officeId: string | null;

  @ApiProperty({
    example: 'founder',
    description:
      'What kind of record, e.g. founder, case, case_contact, case_history, reset_analysis, ' +
      'reset_period, reset_history, office, user, api_key, phase_history_export, reset_history_export',
  })
  resourceType: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '0b8f4c7e-2f9d-4e55-9a53-6f1d2a3b4c5d',
    description: 'The id of the record; null for a list',
  })
  resourceId: string | null;

  @ApiProperty({ enum: ACCESS_ACTIONS, enumName: 'AccessAction' })
  action: AccessAction;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The X-Request-Id of the request that caused the entry',
  })
  requestId: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { count: 12 },
    description: 'Filters, counts or ids of the access; never personal data',
  })
  details: Record<string, unknown> | null;
}

@ApiSchema({ name: 'AccessLogPage', description: 'One page of the access log, newest first' })
export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogEntryDto] })
  items: AccessLogEntryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}
