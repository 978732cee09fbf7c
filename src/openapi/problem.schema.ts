import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from '../common/errors/error-codes';

/** Every error code of the service, in the order of the status map (error-codes.ts). */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

@ApiSchema({ name: 'FieldError', description: 'One invalid field of the request' })
export class FieldErrorSchema {
  @ApiProperty({
    description: 'Dotted path of the field ("" for the body as a whole)',
    example: 'email',
  })
  field: string;
  @ApiProperty({ example: 'must be an email address' })
  message: string;
}

@ApiSchema({
  name: 'UnmetRequirement',
  description: 'A stage-gate requirement that does not hold yet',
})
export class UnmetRequirementSchema {
  @ApiProperty({
    description: 'A requirement code of GET /phase-model or GET /reset-analyses/model',
    example: 'business_plan_complete',
  })
  code: string;
  @ApiProperty({ example: 'The business plan is not completed yet.' })
  message: string;
}

/**
 * RFC 9457 problem details, as every error of the service is answered (application/problem+json),
 * with the stable `code`, the request id and the extension members that some codes carry.
 */
@ApiSchema({ name: 'Problem', description: 'RFC 9457 problem details with a stable error code' })
export class ProblemSchema {
  @ApiProperty({ description: 'urn:lotse:problem:<code>', example: 'urn:lotse:problem:not_found' })
  type: string;
  @ApiProperty({ example: 'Not found' })
  title: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404 })
  status: number;
  @ApiProperty({ description: 'What went wrong, for a person', example: 'No such case.' })
  detail: string;
  @ApiProperty({
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    description: 'Stable machine-readable code',
  })
  code: ErrorCode;
  @ApiPropertyOptional({
    description: 'The request path (without the query string)',
    example: '/api/v1/cases/0b8f4c7e-2f9d-4e55-9a53-6f1d2a3b4c5d',
  })
  instance?: string;
  @ApiPropertyOptional({
    description: 'The X-Request-Id of the request, to quote in a support request',
  })
  requestId?: string;
  @ApiPropertyOptional({
    type: [FieldErrorSchema],
    description: 'validation_failed and invalid_event: each invalid field',
  })
  errors?: FieldErrorSchema[];
  @ApiPropertyOptional({
    type: [String],
    description:
      'transition_not_allowed: the events the case or analysis accepts in its current state',
    example: ['START_PLANNING', 'DROP_OUT', 'PAUSE'],
  })
  allowedEvents?: string[];
  @ApiPropertyOptional({
    type: [UnmetRequirementSchema],
    description: 'requirements_unmet: the stage gates that do not hold',
  })
  unmet?: UnmetRequirementSchema[];
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description:
      'version_conflict: the version the record is at now (0: office settings still at their defaults)',
  })
  currentVersion?: number;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'founder_has_open_case: the case that is open',
  })
  caseId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'founder_duplicate: the founder with the same name and postal code',
  })
  existingId?: string;
  @ApiPropertyOptional({
    format: 'date',
    description: 'eks_period_overlap: the start of the period it overlaps',
  })
  periodStart?: string;
  @ApiPropertyOptional({
    description: 'reset_analysis_closed: the state of the analysis',
    example: 'decided',
  })
  state?: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'too_many_attempts: seconds until the next try (also Retry-After)',
  })
  retryAfterSeconds?: number;
}
