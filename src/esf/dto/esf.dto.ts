import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { commaList } from '../../common/http/list-param';
import { IsCalendarDate } from '../../common/time/calendar-date';
import { IsPastDate } from '../../founders/dto/founder-fields';
import {
  EMPLOYMENT_STATUSES,
  ESF_GENDERS,
  PARENTS_BORN_ABROAD,
  VOLUNTARY_ANSWERS,
  type EmploymentStatus,
  type EsfGender,
  type ParentsBornAbroad,
  type VoluntaryAnswer,
} from '../esf-indicators';

const DATE = { type: String, format: 'date', example: '2026-02-01' } as const;
const VOLUNTARY = (what: string) =>
  ApiProperty({
    enum: VOLUNTARY_ANSWERS,
    enumName: 'EsfVoluntaryAnswer',
    description: `${what}: a voluntary answer (GDPR Art. 9), not_stated included; stored apart, reported only as counts`,
  });

@ApiSchema({
  name: 'PutEsfEntry',
  description:
    'The ESF Plus entry record of a case (Regulation (EU) 2021/1057, Annex I point 1); PUT replaces it',
})
export class PutEsfEntryDto {
  @ApiProperty({ ...DATE, description: 'The day the person entered the ESF Plus operation' })
  @IsPastDate()
  esfEntry: string;

  @ApiProperty({
    enum: EMPLOYMENT_STATUSES,
    enumName: 'EsfEmploymentStatus',
    description: 'Employment situation at entry; employed includes self-employed',
  })
  @IsIn(EMPLOYMENT_STATUSES)
  employmentStatus: EmploymentStatus;

  @ApiPropertyOptional({
    enum: ESF_GENDERS,
    enumName: 'EsfGender',
    description: 'Gender at entry; taken from the founder when not given (then it must be known)',
  })
  @IsOptional()
  @IsIn(ESF_GENDERS)
  gender?: EsfGender;

  @ApiProperty({
    enum: PARENTS_BORN_ABROAD,
    enumName: 'EsfParentsBornAbroad',
    description: 'Whether both, one or none of the parents were born abroad (foreign background)',
  })
  @IsIn(PARENTS_BORN_ABROAD)
  parentsBornAbroad: ParentsBornAbroad;

  @VOLUNTARY('Participant with a disability')
  @IsIn(VOLUNTARY_ANSWERS)
  disability: VoluntaryAnswer;

  @VOLUNTARY('Participant from a minority (including marginalised communities such as the Roma)')
  @IsIn(VOLUNTARY_ANSWERS)
  minority: VoluntaryAnswer;

  @VOLUNTARY('Homeless or affected by housing exclusion')
  @IsIn(VOLUNTARY_ANSWERS)
  homelessOrHousingExclusion: VoluntaryAnswer;
}

@ApiSchema({ name: 'EsfEntry', description: 'The ESF Plus entry record of a case, as stored' })
export class EsfEntryDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) officeId: string;
  @ApiProperty(DATE) esfEntry: string;
  @ApiProperty({ enum: EMPLOYMENT_STATUSES, enumName: 'EsfEmploymentStatus' })
  employmentStatus: EmploymentStatus;
  @ApiProperty({ enum: ESF_GENDERS, enumName: 'EsfGender' }) gender: EsfGender;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Age in completed years at esfEntry, from the birth date (or the birth year)',
  })
  ageAtEntry: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: 8,
    description: 'The founder\u2019s ISCED level, copied at entry',
  })
  iscedLevel: number | null;
  @ApiProperty({
    description:
      'None of the founder\u2019s nationalities is an EU member state (stateless included)',
  })
  thirdCountryNational: boolean;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'Born outside Germany (null: country of birth not recorded)',
  })
  bornAbroad: boolean | null;
  @ApiProperty({ enum: PARENTS_BORN_ABROAD, enumName: 'EsfParentsBornAbroad' })
  parentsBornAbroad: ParentsBornAbroad;
  @ApiProperty({ description: 'Born abroad, or both parents born abroad (national definition)' })
  foreignBackground: boolean;
  @ApiProperty({ enum: VOLUNTARY_ANSWERS, enumName: 'EsfVoluntaryAnswer' })
  disability: VoluntaryAnswer;
  @ApiProperty({ enum: VOLUNTARY_ANSWERS, enumName: 'EsfVoluntaryAnswer' })
  minority: VoluntaryAnswer;
  @ApiProperty({ enum: VOLUNTARY_ANSWERS, enumName: 'EsfVoluntaryAnswer' })
  homelessOrHousingExclusion: VoluntaryAnswer;
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

@ApiSchema({
  name: 'CreateEsfExit',
  description:
    'The situation within 4 weeks after leaving (Annex I point 2); on lies from the case\u2019s exitedOn to 28 days after it',
})
export class CreateEsfExitDto {
  @ApiProperty({ ...DATE, description: 'The day of the record: exitedOn to exitedOn + 28 days' })
  @IsPastDate()
  on: string;

  @ApiProperty({ description: 'Engaged in job searching (excludes inEmployment)' })
  @IsBoolean()
  jobSearching: boolean;

  @ApiProperty({ description: 'In education or training' })
  @IsBoolean()
  inEducationOrTraining: boolean;

  @ApiProperty({ description: 'Gaining a qualification' })
  @IsBoolean()
  gainingQualification: boolean;

  @ApiProperty({ description: 'In employment, including self-employment (excludes jobSearching)' })
  @IsBoolean()
  inEmployment: boolean;
}

@ApiSchema({ name: 'EsfExit', description: 'A recorded ESF Plus exit situation' })
export class EsfExitDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty(DATE) on: string;
  @ApiProperty() jobSearching: boolean;
  @ApiProperty() inEducationOrTraining: boolean;
  @ApiProperty() gainingQualification: boolean;
  @ApiProperty() inEmployment: boolean;
  @ApiProperty({
    description: 'This record is the one that counts: the last within 28 days after the exit day',
  })
  counts: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

@ApiSchema({ name: 'EsfExitList', description: 'The exit records of a case, oldest first' })
export class EsfExitListDto {
  @ApiProperty({ type: [EsfExitDto] }) items: EsfExitDto[];
}

export const ESF_EXPORT_FORMATS = ['csv', 'xlsx', 'ndjson'] as const;
export type EsfExportFormat = (typeof ESF_EXPORT_FORMATS)[number];

/** The query of GET /reports/esf-participants: the reports' offices and period, a file format. */
export class EsfParticipantsQueryDto {
  @ApiPropertyOptional({
    type: String,
    description:
      'Comma-separated office ids, each one of the caller\u2019s; all offices the caller may read reports of without it',
  })
  @IsOptional()
  @Transform(commaList)
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true, message: 'officeId must be a comma-separated list of UUIDs' })
  officeId?: string[];

  @ApiPropertyOptional({
    format: 'date',
    description:
      'First day, inclusive: participants who had not left before it; default 1 January of the year of `to`',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Last day, inclusive: participants who entered on or before it; default today',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ enum: ESF_EXPORT_FORMATS, enumName: 'EsfExportFormat', default: 'csv' })
  @IsOptional()
  @IsIn(ESF_EXPORT_FORMATS)
  format?: EsfExportFormat;
}
