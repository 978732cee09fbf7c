import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPastDate } from '../../founders/dto/founder-fields';

/**
 * The ESF result categories of a person's situation after exit: employed (self-employed
 * included), job searching, in education or training, inactive, unknown.
 */
export const FOLLOW_UP_SITUATIONS = [
  'employed',
  'job_searching',
  'education_or_training',
  'inactive',
  'unknown',
] as const;
export type FollowUpSituation = (typeof FOLLOW_UP_SITUATIONS)[number];

const SITUATION_ENUM = {
  enum: FOLLOW_UP_SITUATIONS,
  enumName: 'FollowUpSituation',
  description:
    'The ESF result category: employed (self-employed included), job_searching, education_or_training, inactive, unknown',
} as const;
const DATE = { type: String, format: 'date', example: '2026-09-15' } as const;

@ApiSchema({
  name: 'CreateFollowUp',
  description: 'The founder\u2019s situation some time after the case was closed (ESF follow-up)',
})
export class CreateFollowUpDto {
  @ApiProperty({
    ...DATE,
    description: 'The day of the follow-up: not before the case\u2019s exitedOn, not in the future',
  })
  @IsPastDate()
  on: string;

  @ApiProperty(SITUATION_ENUM)
  @IsIn(FOLLOW_UP_SITUATIONS)
  situation: FollowUpSituation;

  @ApiProperty({ description: 'The business founded in the case still exists' })
  @IsBoolean()
  stillSelfEmployed: boolean;

  @ApiPropertyOptional({
    maxLength: 4000,
    description: 'Free text; kept apart from the sealed history entry and erased with the person',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

@ApiSchema({ name: 'FollowUp', description: 'A recorded follow-up after exit' })
export class FollowUpDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) officeId: string;
  @ApiProperty({ ...DATE, description: 'The day of the follow-up' }) on: string;
  @ApiProperty(SITUATION_ENUM) situation: FollowUpSituation;
  @ApiProperty({ description: 'The business founded in the case still exists' })
  stillSelfEmployed: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null: none given, erased, or the caller may not read free texts (auditors)',
  })
  note: string | null;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The seq of its FOLLOW_UP entry in the case\u2019s history',
  })
  historySeq: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

@ApiSchema({
  name: 'RecordedFollowUp',
  description: 'A follow-up as recorded, with the case version its history entry made',
})
export class RecordedFollowUpDto extends FollowUpDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description:
      'The case\u2019s new version (its ETag): the follow-up is a new version of the case',
  })
  caseVersion: number;
}

@ApiSchema({ name: 'FollowUpList', description: 'The follow-ups of a case, latest first' })
export class FollowUpListDto {
  @ApiProperty({ type: [FollowUpDto] }) items: FollowUpDto[];
}
