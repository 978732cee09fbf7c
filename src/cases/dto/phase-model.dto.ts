import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { BilingualLabelDto } from '../../openapi/shared-schemas';
import {
  CASE_EVENT_TYPES,
  CASE_STATUSES,
  PHASES,
  REQUIREMENTS,
  type CaseEventType,
  type CaseStatus,
  type PayloadField,
  type Phase,
  type PhaseModelDescription,
  type PhaseModelEvent,
  type PhaseModelPhase,
  type PhaseModelPosition,
  type PhaseModelRequirement,
  type PhaseModelStatus,
  type PhaseModelTransition,
  type RequirementCode,
} from '../../phase-model';

/**
 * The schema of GET /phase-model. Each class implements its interface of
 * phase-model-description.ts, and the controller returns the description as PhaseModelDto: the
 * compiler checks both directions.
 */

/** Every stage-gate code, in the order the gates are checked. */
export const CASE_REQUIREMENT_CODES = REQUIREMENTS.map((r) => r.code) as readonly RequirementCode[];
const PAYLOAD_FIELD_KINDS = [
  'text',
  'enum',
  'date',
] as const satisfies readonly PayloadField['kind'][];

@ApiSchema({ name: 'PhaseModelPhase', description: 'One of the 4+1 phases' })
export class PhaseModelPhaseDto implements PhaseModelPhase {
  @ApiProperty({ enum: PHASES, enumName: 'Phase' })
  code: Phase;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Position in the model, from 0 (access)',
    example: 2,
  })
  order: number;
  @ApiProperty({ type: BilingualLabelDto })
  label: BilingualLabelDto;
  @ApiProperty({ type: BilingualLabelDto })
  description: BilingualLabelDto;
}

@ApiSchema({ name: 'PhaseModelStatus', description: 'A status of a case' })
export class PhaseModelStatusDto implements PhaseModelStatus {
  @ApiProperty({ enum: CASE_STATUSES, enumName: 'CaseStatus' })
  code: CaseStatus;
  @ApiProperty({ type: BilingualLabelDto })
  label: BilingualLabelDto;
}

@ApiSchema({
  name: 'PhaseModelPayloadField',
  description: 'A field an event takes besides its type',
})
export class PhaseModelPayloadFieldDto implements PayloadField {
  @ApiProperty({ example: 'reasonCode' })
  name: string;
  @ApiProperty({
    enum: PAYLOAD_FIELD_KINDS,
    enumName: 'PayloadFieldKind',
    description: 'text: free text (at most 2000 characters); enum: one of values; date: YYYY-MM-DD',
  })
  kind: PayloadField['kind'];
  @ApiProperty({
    oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['if_reason_code_other'] }],
    description:
      'if_reason_code_other: required only when reasonCode is other (DROP_OUT\u2019s reason)',
    example: true,
  })
  required: PayloadField['required'];
  @ApiPropertyOptional({
    type: [String],
    description: 'The codes an enum field takes',
    example: ['founded_main', 'founded_side', 'employment', 'other'],
  })
  values?: readonly string[];
}

@ApiSchema({
  name: 'PhaseModelPosition',
  description: 'Where a case is: status and phase (a paused or closed case keeps its phase)',
})
export class PhaseModelPositionDto implements PhaseModelPosition {
  @ApiProperty({ enum: CASE_STATUSES, enumName: 'CaseStatus' })
  status: CaseStatus;
  @ApiProperty({ enum: PHASES, enumName: 'Phase' })
  phase: Phase;
}

@ApiSchema({
  name: 'PhaseModelTransition',
  description: 'A move an event makes, derived from the state machine itself',
})
export class PhaseModelTransitionDto implements PhaseModelTransition {
  @ApiProperty({ type: PhaseModelPositionDto })
  from: PhaseModelPositionDto;
  @ApiProperty({ type: PhaseModelPositionDto })
  to: PhaseModelPositionDto;
}

@ApiSchema({
  name: 'PhaseModelEvent',
  description: 'An event a client can send to POST /cases/{id}/events',
})
export class PhaseModelEventDto implements PhaseModelEvent {
  @ApiProperty({ enum: CASE_EVENT_TYPES, enumName: 'CaseEventType' })
  type: CaseEventType;
  @ApiProperty({ type: BilingualLabelDto })
  label: BilingualLabelDto;
  @ApiProperty({ description: 'Only a lead of the office may send it' })
  leadOnly: boolean;
  @ApiProperty({ type: [PhaseModelPayloadFieldDto] })
  payload: readonly PhaseModelPayloadFieldDto[];
  @ApiProperty({
    enum: CASE_REQUIREMENT_CODES,
    enumName: 'CaseRequirementCode',
    isArray: true,
    description: 'The stage gates that must hold before it is accepted',
  })
  requirements: RequirementCode[];
  @ApiProperty({ type: [PhaseModelTransitionDto] })
  transitions: PhaseModelTransitionDto[];
}

@ApiSchema({ name: 'PhaseModelRequirement', description: 'A stage gate' })
export class PhaseModelRequirementDto implements PhaseModelRequirement {
  @ApiProperty({ enum: CASE_REQUIREMENT_CODES, enumName: 'CaseRequirementCode' })
  code: RequirementCode;
  @ApiProperty({
    enum: CASE_EVENT_TYPES,
    enumName: 'CaseEventType',
    description: 'The event it gates',
  })
  event: CaseEventType;
  @ApiProperty({ type: BilingualLabelDto })
  label: BilingualLabelDto;
}

@ApiSchema({
  name: 'PhaseModel',
  description:
    'The 4+1 phase model as the service applies it: phases, statuses, events with payload and stage gates, transitions',
})
export class PhaseModelDto implements PhaseModelDescription {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The machine version new cases follow',
    example: 1,
  })
  version: number;
  @ApiProperty({ type: [PhaseModelPhaseDto] })
  phases: PhaseModelPhaseDto[];
  @ApiProperty({ type: [PhaseModelStatusDto] })
  statuses: PhaseModelStatusDto[];
  @ApiProperty({ type: [PhaseModelEventDto] })
  events: PhaseModelEventDto[];
  @ApiProperty({ type: [PhaseModelRequirementDto] })
  requirements: PhaseModelRequirementDto[];
}
