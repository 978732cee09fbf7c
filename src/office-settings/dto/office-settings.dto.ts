import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { Trim } from '../../founders/dto/founder-fields';
import type { Phase } from '../../phase-model';
import type { OfficeSettings } from '../office-settings';

const DAYS = (max: number, description: string) =>
  ApiProperty({ type: 'integer', minimum: 1, maximum: max, description, example: 60 });
const STALE = (phase: string) =>
  DAYS(730, `Days without activity after which a case in ${phase} is stale`);

/** The threshold of each phase; all five are given. */
@ApiSchema({
  name: 'StaleDays',
  description: 'Days without activity after which an open case is stale, per phase',
})
export class StaleDaysDto implements Record<Phase, number> {
  @STALE('access') @IsInt() @Min(1) @Max(730) access: number;
  @STALE('first_counselling') @IsInt() @Min(1) @Max(730) first_counselling: number;
  @STALE('planning') @IsInt() @Min(1) @Max(730) planning: number;
  @STALE('launch') @IsInt() @Min(1) @Max(730) launch: number;
  @STALE('consolidation') @IsInt() @Min(1) @Max(730) consolidation: number;
}

/**
 * null, or an http(s) URL of at most 500 characters that contains the placeholder: the office
 * frontend's page, which the calendar feed links to with the id put in.
 */
function IsUrlTemplate(placeholder: string): PropertyDecorator {
  const problem = (value: unknown): string | null => {
    if (typeof value !== 'string') return 'must be a string or null';
    if (value.length > 500) return 'must be at most 500 characters';
    if (!value.includes(placeholder)) return `must contain ${placeholder}`;
    let url: URL;
    try {
      url = new URL(value.split(placeholder).join('00000000-0000-4000-8000-000000000000'));
    } catch {
      return 'must be an absolute URL';
    }
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'must be an http(s) URL';
  };
  return ValidateBy({
    name: 'isUrlTemplate',
    validator: {
      validate: (value: unknown) => value === null || problem(value) === null,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'template'} ${problem(args?.value) ?? 'is not valid'}`,
    },
  });
}

const notNull = (_: object, value: unknown): boolean => value !== null;

@ApiSchema({
  name: 'PutOfficeSettings',
  description:
    'All settings of an office at once (PUT replaces them); null where a field allows it',
})
export class PutOfficeSettingsDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 12,
    example: 2,
    description:
      'Months after an EKS or benefit period\u2019s end at which its final declaration is due',
  })
  @IsInt()
  @Min(0)
  @Max(12)
  eksFinalOffsetMonths: number;

  @DAYS(180, 'Days before the planned start from which a missing funding application is a task')
  @IsInt()
  @Min(1)
  @Max(180)
  fundingLeadDays: number;

  @DAYS(365, 'Days before the Einstiegsgeld ends from which the desk warns')
  @IsInt()
  @Min(1)
  @Max(365)
  einstiegsgeldWarningDays: number;

  @ApiProperty({ type: StaleDaysDto })
  @IsObject()
  @ValidateNested()
  @Type(() => StaleDaysDto)
  staleDays: StaleDaysDto;

  @ApiProperty({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 40,
    example: 'RUN-DS-2026-1',
    description:
      'The consent text version founders should have agreed to; null: no consent review. A change sets consentVersionSince to today',
  })
  @ValidateIf(notNull)
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  currentConsentVersion: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 500,
    example: 'https://desk.example.org/cases/{caseId}',
    description: 'The office frontend\u2019s page of a case: an http(s) URL with {caseId}',
  })
  @IsUrlTemplate('{caseId}')
  caseUrlTemplate: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 500,
    example: 'https://desk.example.org/reset/{analysisId}',
    description:
      'The office frontend\u2019s page of a RE_SET analysis: an http(s) URL with {analysisId}',
  })
  @IsUrlTemplate('{analysisId}')
  analysisUrlTemplate: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 1000,
    default: 8,
    description:
      'ESF Plus: a case whose counselling contacts sum to fewer hours is a short contact, counted but not reported as a participant; 8 when not sent',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  esfMinimumContactHours?: number;
}

@ApiSchema({
  name: 'OfficeSettings',
  description:
    'An office\u2019s deadline offsets and thresholds; the defaults (version 0) while none are stored',
})
export class OfficeSettingsDto extends PutOfficeSettingsDto implements OfficeSettings {
  @ApiProperty({ format: 'uuid' }) officeId: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 1000,
    description:
      'ESF Plus: the minimum of counselling hours of a participant (fewer: a short contact)',
  })
  declare esfMinimumContactHours: number;

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The day the current consent version was set (the due date of its reviews)',
  })
  consentVersionSince: string | null;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: '0 while the office runs on the defaults; also the ETag, to send back as If-Match',
  })
  version: number;
}
