import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
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

export class LanguageDto {
  @ApiProperty({ example: 'tr', description: 'ISO 639-1, lower case' })
  @IsIn([...LANGUAGE_CODES], { message: 'code must be an ISO 639-1 code in lower case, e.g. de' })
  code: string;

  @ApiProperty({ enum: F.LANGUAGE_LEVELS })
  @IsIn(F.LANGUAGE_LEVELS)
  level: F.LanguageLevel;
}

export class ConsentDto {
  @ApiProperty({ example: '2025-03-14', description: 'Date the consent was given' })
  @F.IsPastDate()
  givenOn: string;

  @ApiProperty({ example: 'RUN-DS-2024-1', description: 'Version of the consent form' })
  @F.Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  version: string;
}

/** The applicant profile ("Kennung"): what the person brings, not what they lack. */
export class ProfileDto {
  @ApiPropertyOptional({
    nullable: true,
    example: 'gastronomy',
    description: 'GET /target-sectors',
  })
  @IsOptional()
  @Matches(F.SECTOR_CODE, { message: 'targetSector must be a code from GET /target-sectors' })
  targetSector?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '56.10', description: 'WZ 2008 code' })
  @IsOptional()
  @Matches(F.WZ_CODE, { message: 'wzCode must be a WZ 2008 code such as 56.10 or 96.02.1' })
  wzCode?: string | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: 3 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3)
  homeKnowledgeUsability?: number | null;

  @ApiPropertyOptional({ nullable: true, enum: F.MOTIVATIONS })
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
export class CreateFounderDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required unless the caller is advisor or lead in exactly one office',
  })
  @IsOptional()
  @IsUUID()
  officeId?: string;

  @ApiProperty({ example: 'Ayşe', maxLength: 200 })
  @Name()
  firstName: string;

  @ApiProperty({ example: 'Yılmaz', maxLength: 200 })
  @Name()
  lastName: string;

  @ApiPropertyOptional({ nullable: true, example: '1988-04-02' })
  @IsOptional()
  @F.IsPastDate('1900-01-01')
  birthDate?: string | null;

  @ApiPropertyOptional({ nullable: true, enum: F.GENDERS, default: 'unknown' })
  @IsOptional()
  @IsIn(F.GENDERS)
  gender?: F.Gender | null;

  @ApiPropertyOptional({ nullable: true, example: 'a.yilmaz@example.org' })
  @IsOptional()
  @F.Trim()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '+49 6131 123456' })
  @IsOptional()
  @F.Trim()
  @Matches(F.PHONE, { message: 'phone must be up to 50 digits, spaces and + - ( ) /' })
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '55116' })
  @IsOptional()
  @F.NormalisePostalCode()
  @Matches(F.POSTAL_CODE, {
    message: 'postalCode must be 5 digits (Germany) or up to 10 letters and digits',
  })
  postalCode?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'Mainz' })
  @Text(200)
  city?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'TR', description: 'ISO 3166 alpha-2' })
  @IsOptional()
  @IsIn([...COUNTRY_CODES], { message: `countryOfBirth ${COUNTRY_MESSAGE}` })
  countryOfBirth?: string | null;

  @ApiPropertyOptional({ nullable: true, type: [String], example: ['TR', 'DE'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn([...COUNTRY_CODES], { each: true, message: `each nationality ${COUNTRY_MESSAGE}` })
  nationalities?: string[] | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsBoolean()
  migrationBackground?: boolean | null;

  @ApiPropertyOptional({ nullable: true, type: [LanguageDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique((l: LanguageDto | null) => l?.code, { message: 'each language only once' })
  @ValidateNested({ each: true })
  @Type(() => LanguageDto)
  languages?: LanguageDto[] | null;

  @ApiPropertyOptional({ nullable: true, enum: F.GERMAN_LEVELS })
  @IsOptional()
  @IsIn(F.GERMAN_LEVELS)
  germanLevel?: F.GermanLevel | null;

  @ApiPropertyOptional({ nullable: true, enum: F.SELF_EMPLOYMENT_PERMITS, default: 'unknown' })
  @IsOptional()
  @IsIn(F.SELF_EMPLOYMENT_PERMITS)
  selfEmploymentPermitted?: F.SelfEmploymentPermit | null;

  @ApiPropertyOptional({ nullable: true, enum: F.BENEFIT_STATUSES })
  @IsOptional()
  @IsIn(F.BENEFIT_STATUSES)
  benefitStatus?: F.BenefitStatus | null;

  @ApiPropertyOptional({ nullable: true, example: 'Jobcenter Mainz' })
  @Text(200)
  jobcenter?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '123D456789' })
  @Text(50)
  jobcenterCustomerNumber?: string | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: 8 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(8)
  iscedLevel?: number | null;

  @ApiPropertyOptional({ nullable: true, enum: F.RECOGNITION_STATUSES })
  @IsOptional()
  @IsIn(F.RECOGNITION_STATUSES)
  foreignQualificationRecognition?: F.RecognitionStatus | null;

  @ApiPropertyOptional({ nullable: true, type: ConsentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent?: ConsentDto | null;

  @ApiPropertyOptional({ nullable: true, type: ProfileDto, description: 'Replaced as a whole' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProfileDto)
  profile?: ProfileDto | null;
}

/** Any subset of the fields; the office of a founder does not change. */
export class UpdateFounderDto extends OmitType(CreateFounderDto, [
  'officeId',
  'firstName',
  'lastName',
] as const) {
  @ApiPropertyOptional({ maxLength: 200, description: 'Cannot be null' })
  @ValidateIf((_, value) => value !== undefined)
  @Name()
  firstName?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Cannot be null' })
  @ValidateIf((_, value) => value !== undefined)
  @Name()
  lastName?: string;
}
