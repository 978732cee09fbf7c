import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { BilingualLabelDto } from '../../openapi/shared-schemas';
import type { ResetEvent, ResetEventType, ResetStateValue, Unmet } from '../lifecycle';
import type { ResetPayloadField } from '../lifecycle/reset-model-description';
import { RESET_EVENT_SCHEMAS, RESET_EVENT_TYPES } from '../lifecycle';
import { RESET_EVENT_TYPE_ENUM, RESET_STATE_ENUM } from './schema-parts';

/** The schema of each event's body, as the ResetEvent union maps it (lifecycle/reset-event.schema.ts). */
function eventSchemaRef(type: ResetEventType): string {
  const ref = RESET_EVENT_SCHEMAS.ResetEvent?.discriminator?.mapping?.[type];
  if (!ref) throw new Error(`The ResetEvent union maps no schema for ${type}`);
  return ref;
}

/**
 * The answer of GET /reset-analyses/model (lifecycle/reset-model-description.ts builds it; the
 * controller returns it as ResetModelDto, so the compiler holds the two together).
 */

export const RESET_REQUIREMENT_CODES = [
  'period_recorded',
] as const satisfies readonly Unmet['code'][];
const REQUIREMENT_CODE_ENUM = {
  enum: RESET_REQUIREMENT_CODES,
  enumName: 'ResetRequirementCode',
  description: 'period_recorded: at least one EKS period is recorded',
} as const;

export const RESET_PAYLOAD_FIELD_KINDS = [
  'text',
  'text_list',
  'enum',
  'boolean',
  'measure_list',
] as const satisfies readonly ResetPayloadField['kind'][];

@ApiSchema({ name: 'ResetModelState', description: 'A state of the RE_SET lifecycle' })
export class ResetModelStateDto {
  @ApiProperty(RESET_STATE_ENUM)
  code: ResetStateValue;
  @ApiProperty({ type: BilingualLabelDto })
  label: BilingualLabelDto;
  @ApiProperty({ description: 'A final state takes no more events (decided, cancelled)' })
  final: boolean;
}

@ApiSchema({ name: 'ResetModelPayloadField', description: 'A payload field of an event' })
export class ResetModelPayloadFieldDto {
  @ApiProperty({ example: 'recommendation' })
  name: string;
  @ApiProperty({
    enum: RESET_PAYLOAD_FIELD_KINDS,
    enumName: 'ResetPayloadFieldKind',
    description: 'measure_list: a list of { title, dueOn? }',
  })
  kind: ResetPayloadField['kind'];
  @ApiProperty()
  required: boolean;
  @ApiProperty({ description: 'Free text: erased with the person, never shown to auditors' })
  freeText: boolean;
  @ApiPropertyOptional({
    type: [String],
    description: 'enum: the values',
    example: ['give_up', 'quick_exit', 'restart_with_coaching'],
  })
  values?: readonly string[];
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Characters of a text or of each item',
    example: 500,
  })
  maxLength?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 1 })
  minItems?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 50 })
  maxItems?: number;
  @ApiProperty({ type: BilingualLabelDto })
  description: BilingualLabelDto;
}

@ApiSchema({
  name: 'ResetModelTransition',
  description: 'A move of an event from one state to another',
})
export class ResetModelTransitionDto {
  @ApiProperty(RESET_STATE_ENUM)
  from: ResetStateValue;
  @ApiProperty(RESET_STATE_ENUM)
  to: ResetStateValue;
}

@ApiSchema({
  name: 'ResetModelEvent',
  description: 'An event of the RE_SET lifecycle with its payload, requirements and transitions',
})
export class ResetModelEventDto {
  @ApiProperty(RESET_EVENT_TYPE_ENUM)
  type: ResetEventType;
  @ApiProperty({ type: BilingualLabelDto })
  label: BilingualLabelDto;
  @ApiProperty({ type: [ResetModelPayloadFieldDto] })
  payload: readonly ResetModelPayloadFieldDto[];
  @ApiProperty({
    ...REQUIREMENT_CODE_ENUM,
    isArray: true,
    description: 'The requirements it checks (422 requirements_unmet)',
  })
  requirements: Unmet['code'][];
  @ApiProperty({ type: [ResetModelTransitionDto] })
  transitions: ResetModelTransitionDto[];
  // One of the event schemas, not the ResetEvent union itself: that one's discriminator mapping is
  // what Ajv's discriminator keyword refuses, and an answer's schema must compile in the contract check.
  @ApiProperty({
    oneOf: RESET_EVENT_TYPES.map((type) => ({ $ref: eventSchemaRef(type) })),
    description:
      'A valid body of this event for POST /reset-analyses/{id}/events (one of the ResetEvent schemas)',
  })
  example: ResetEvent;
}

@ApiSchema({ name: 'ResetModelRequirement', description: 'A requirement (stage gate) of an event' })
export class ResetModelRequirementDto {
  @ApiProperty(REQUIREMENT_CODE_ENUM)
  code: Unmet['code'];
  @ApiProperty(RESET_EVENT_TYPE_ENUM)
  event: ResetEventType;
  @ApiProperty({ type: BilingualLabelDto })
  label: BilingualLabelDto;
}

@ApiSchema({
  name: 'ResetModel',
  description:
    'The RE_SET lifecycle as the service runs it: states, events with payloads and examples, requirements, labels (de/en)',
})
export class ResetModelDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 1,
    description: 'The lifecycle (machine) version; an analysis names the one it follows',
  })
  version: number;
  @ApiProperty({ type: [ResetModelStateDto] })
  states: ResetModelStateDto[];
  @ApiProperty({ type: [ResetModelEventDto] })
  events: ResetModelEventDto[];
  @ApiProperty({ type: [ResetModelRequirementDto] })
  requirements: ResetModelRequirementDto[];
}
