import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  getSchemaPath,
  OmitType,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { COUNTRY_CODES, LANGUAGE_CODES } from '../iso-codes';
import * as F from './founder-fields';

const COUNTRY_MESSAGE = 'must be an ISO 3166 alpha-2 country code in upper case, e.g. DE';

/** Shared by request and answer: the same two required fields. */
@ApiSchema({ name: 'Language', description: 'A language the founder speaks, and how well' })
export class LanguageDto {
  @ApiProperty({ example: 'tr', pattern: '^[a-z]{2}$', description: 'ISO 639-1, lower case' })
  @IsIn([...LANGUAGE_CODES], { message: 'code must be an ISO 639-1 code in lower case, e.g. de' })
  code: string;

  @ApiProperty({
    enum: F.LANGUAGE_LEVELS,
    enumName: 'LanguageLevel',
    description: 'CEFR level, or native',
  })
  @IsIn(F.LANGUAGE_LEVELS)
  level: F.LanguageLevel;
}

/** Shared by request and answer: the same two required fields. */
@ApiSchema({
  name: 'Consent',
  description: 'The founder\u2019s consent to the processing of their data',
})
export class ConsentDto {
  @ApiProperty({
    type: String,
    format: 'date',
    example: '2025-03-14',
    description: 'Date the consent was given (not in the future)',
  })
  @F.IsPastDate()
  givenOn: string;

  @ApiProperty({
    example: 'RUN-DS-2024-1',
    minLength: 1,
    maxLength: 50,
    description: 'Version of the consent form',
  })
  @F.Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  version: string;
}

/** The applicant profile ("Kennung"): what the person brings, not what they lack. */
@ApiSchema({
  name: 'FounderProfileInput',
  description: 'The applicant profile (Kennung) as sent; an absent or null field is not known',
})
export class ProfileDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: F.SECTOR_CODE.source,
    example: 'gastronomy',
    description: 'A code of GET /api/v1/target-sectors',
  })
  @IsOptional()
  @Matches(F.SECTOR_CODE, { message: 'targetSector must be a code from GET /target-sectors' })
  targetSector?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: F.WZ_CODE.source,
    example: '56.10',
    description: 'WZ 2008 code: division, group, class or subclass (56, 56.1, 56.10, 96.02.1)',
  })
  @IsOptional()
  @Matches(F.WZ_CODE, { message: 'wzCode must be a WZ 2008 code such as 56.10 or 96.02.1' })
  wzCode?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: 3,
    example: 2,
    description: 'How far knowledge from the home country can be used here, 0 (not) to 3 (fully)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3)
  homeKnowledgeUsability?: number | null;

  @ApiPropertyOptional({ nullable: true, enum: F.MOTIVATIONS, enumName: 'Motivation' })
  @IsOptional()
  @IsIn(F.MOTIVATIONS)
  presumedMotivation?: F.Motivation | null;
}

const Name = () =>
  applyDecorators(
    F.Trim(),
    IsString(),
    MinLength(1, { message: '$property must not be blank' }),
    MaxLength(200),
  );

const Text = (max: number) =>
  applyDecorators(
    IsOptional(),
    F.Trim(),
    IsString(),
    MinLength(1, { message: '$property must not be blank (send null to clear it)' }),
    MaxLength(max),
  );

/**
 * A new founder. Optional fields may be null (= not known); in PATCH, null clears a field, and
 * gender, selfEmploymentPermitted, nationalities and languages return to their defaults.
 */
@ApiSchema({
  name: 'CreateFounder',
  description: 'A new founder; an optional field that is absent or null is not known',
})
@ApiExtraModels(ConsentDto, ProfileDto)
export class CreateFounderDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required unless the caller is advisor or lead in exactly one office',
  })
  @IsOptional()
  @IsUUID()
  officeId?: string;

  @ApiProperty({ example: 'Ayşe', minLength: 1, maxLength: 200 })
  @Name()
  firstName: string;

  @ApiProperty({ example: 'Yılmaz', minLength: 1, maxLength: 200 })
  @Name()
  lastName: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'date',
    example: '1988-04-02',
    description: 'Not before 1900-01-01 and not in the future',
  })
  @IsOptional()
  @F.IsPastDate('1900-01-01')
  birthDate?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    enum: F.GENDERS,
    enumName: 'Gender',
    default: 'unknown',
  })
  @IsOptional()
  @IsIn(F.GENDERS)
  gender?: F.Gender | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'email',
    maxLength: 254,
    example: 'a.yilmaz@example.org',
  })
  @IsOptional()
  @F.Trim()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: F.PHONE.source,
    maxLength: 50,
    example: '+49 6131 123456',
    description: 'Up to 50 digits, spaces and + - ( ) /',
  })
  @IsOptional()
  @F.Trim()
  @Matches(F.PHONE, { message: 'phone must be up to 50 digits, spaces and + - ( ) /' })
  phone?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 10,
    example: '55116',
    description:
      '5 digits in Germany, or up to 10 letters, digits, spaces and hyphens abroad ' +
      '(e.g. 1234 AB); stored in upper case',
  })
  @IsOptional()
  @F.NormalisePostalCode()
  @Matches(F.POSTAL_CODE, {
    message: 'postalCode must be 5 digits (Germany) or up to 10 letters and digits',
  })
  postalCode?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 200,
    example: 'Mainz',
  })
  @Text(200)
  city?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: '^[A-Z]{2}$',
    example: 'TR',
    description: 'ISO 3166-1 alpha-2, upper case',
  })
  @IsOptional()
  @IsIn([...COUNTRY_CODES], { message: `countryOfBirth ${COUNTRY_MESSAGE}` })
  countryOfBirth?: string | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    maxItems: 10,
    uniqueItems: true,
    example: ['TR', 'DE'],
    description: 'ISO 3166-1 alpha-2 codes, upper case; null stands for none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn([...COUNTRY_CODES], { each: true, message: `each nationality ${COUNTRY_MESSAGE}` })
  nationalities?: string[] | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true })
  @IsOptional()
  @IsBoolean()
  migrationBackground?: boolean | null;

  @ApiPropertyOptional({
    type: [LanguageDto],
    nullable: true,
    maxItems: 20,
    description: 'Each language once; null stands for none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique((l: LanguageDto | null) => l?.code, { message: 'each language only once' })
  @ValidateNested({ each: true })
  @Type(() => LanguageDto)
  languages?: LanguageDto[] | null;

  @ApiPropertyOptional({ nullable: true, enum: F.GERMAN_LEVELS, enumName: 'GermanLevel' })
  @IsOptional()
  @IsIn(F.GERMAN_LEVELS)
  germanLevel?: F.GermanLevel | null;

  @ApiPropertyOptional({
    nullable: true,
    enum: F.SELF_EMPLOYMENT_PERMITS,
    enumName: 'SelfEmploymentPermit',
    default: 'unknown',
    description: 'Whether the residence title permits self-employment',
  })
  @IsOptional()
  @IsIn(F.SELF_EMPLOYMENT_PERMITS)
  selfEmploymentPermitted?: F.SelfEmploymentPermit | null;

  @ApiPropertyOptional({
    nullable: true,
    enum: F.BENEFIT_STATUSES,
    enumName: 'BenefitStatus',
    description: 'Benefits received: SGB II (Bürgergeld), SGB III (Arbeitslosengeld), none, other',
  })
  @IsOptional()
  @IsIn(F.BENEFIT_STATUSES)
  benefitStatus?: F.BenefitStatus | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 200,
    example: 'Jobcenter Mainz',
  })
  @Text(200)
  jobcenter?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 50,
    example: '123D456789',
  })
  @Text(50)
  jobcenterCustomerNumber?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: 8,
    example: 4,
    description: 'ISCED 2011 level of the highest education',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(8)
  iscedLevel?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    enum: F.RECOGNITION_STATUSES,
    enumName: 'RecognitionStatus',
    description: 'Recognition of a foreign professional qualification',
  })
  @IsOptional()
  @IsIn(F.RECOGNITION_STATUSES)
  foreignQualificationRecognition?: F.RecognitionStatus | null;

  @ApiPropertyOptional({ nullable: true, allOf: [{ $ref: getSchemaPath(ConsentDto) }] })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent?: ConsentDto | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    example: '2025-03-14',
    description:
      'The founder agreed to the voluntary follow-up after exit (not in the future); null: not agreed',
  })
  @IsOptional()
  @F.IsPastDate()
  followUpConsentOn?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    allOf: [{ $ref: getSchemaPath(ProfileDto) }],
    description: 'Replaced as a whole',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProfileDto)
  profile?: ProfileDto | null;
}

/** Any subset of the fields; the office of a founder does not change. */
@ApiSchema({
  name: 'UpdateFounder',
  description:
    'Any subset of the fields of CreateFounder but officeId; null clears a field, and gender, ' +
    'selfEmploymentPermitted, nationalities and languages return to their defaults',
})
export class UpdateFounderDto extends OmitType(CreateFounderDto, [
  'officeId',
  'firstName',
  'lastName',
] as const) {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    example: 'Ayşe',
    description: 'Cannot be null',
  })
  @ValidateIf((_, value) => value !== undefined)
  @Name()
  firstName?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    example: 'Yılmaz',
    description: 'Cannot be null',
  })
  @ValidateIf((_, value) => value !== undefined)
  @Name()
  lastName?: string;
}
