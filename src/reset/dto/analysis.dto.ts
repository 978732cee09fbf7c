import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
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
  Validate,
  ValidateBy,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { LEGAL_FORMS } from '../../cases/dto/case.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { SECTOR_CODE } from '../../founders/dto/founder-fields';
import { IsCalendarDate } from '../../common/time/calendar-date';
import { RESET_STATES } from '../lifecycle';
import { EURO_DESCRIPTION, IsEuroAmount } from './euro';

/**
 * A JSON number with at most `places` decimals. Not IsNumber({ maxDecimalPlaces }): class-validator
 * reads the decimals from String(value) and throws on exponent notation (1e-7, 5e-324): a 500.
 */
function IsDecimal(places: number): PropertyDecorator {
  const pattern = new RegExp(`^-?\\d+(\\.\\d{1,${places}})?$`);
  return ValidateBy({
    name: 'isDecimal',
    validator: {
      validate: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && pattern.test(String(value)),
      defaultMessage: (args) => `${args?.property} must be a number with at most ${places} decimals`,
    },
  });
}

export const PREMISES = ['home', 'rented', 'none'] as const;
export const MEMBER_ROLES = ['self', 'partner', 'child', 'other'] as const;
// WZ 2008: division, group, class or subclass, e.g. 96, 96.0, 96.02 or 96.02.1.
const WZ_CODE = /^\d{2}(\.\d{1,2}(\.\d)?)?$/;

export class BusinessDto {
  @ApiProperty({ example: 'Friseursalon mit zwei Stühlen' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  description: string;

  @ApiProperty({ example: 'personal_services', description: 'A code from GET /target-sectors' })
  @Matches(SECTOR_CODE, { message: 'sector must be a code from GET /target-sectors' })
  sector: string;

  @ApiPropertyOptional({ example: '96.02.1', nullable: true, description: 'WZ 2008 code' })
  @IsOptional()
  @Matches(WZ_CODE, { message: 'wzCode must be a WZ 2008 code such as 96.02 or 96.02.1' })
  wzCode?: string | null;

  @ApiProperty({ enum: LEGAL_FORMS }) @IsIn(LEGAL_FORMS) legalForm: string;
  @ApiProperty({ example: '2022-03-01' }) @IsCalendarDate() startedOn: string;
  @ApiProperty() @IsBoolean() mainOccupation: boolean;

  @ApiProperty({ minimum: 0, maximum: 100, example: 30 })
  @IsDecimal(1)
  @Min(0)
  @Max(100)
  hoursPerWeek: number;

  @ApiProperty({ minimum: 0, example: 40 }) @IsInt() @Min(0) @Max(1_000_000) clientCount: number;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.2, description: 'Share of revenue, 0–1' })
  @IsDecimal(4)
  @Min(0)
  @Max(1)
  largestClientShare: number;

  @ApiProperty({ enum: PREMISES }) @IsIn(PREMISES) premises: string;
  @ApiProperty({ description: 'Kleinunternehmerregelung (§19 UStG)' })
  @IsBoolean()
  vatSmallBusiness: boolean;
  @ApiProperty({ example: '2023-01-01' }) @IsCalendarDate() benefitsSinceOn: string;
}

export class HouseholdMemberDto {
  @ApiProperty({ enum: MEMBER_ROLES }) @IsIn(MEMBER_ROLES) role: (typeof MEMBER_ROLES)[number];
  @ApiPropertyOptional({ example: 2015 })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2200)
  birthYear?: number;

  @ApiProperty({ minimum: 1, maximum: 6, description: 'Regelbedarfsstufe' })
  @IsInt()
  @Min(1)
  @Max(6)
  standardRateLevel: 1 | 2 | 3 | 4 | 5 | 6;
}

/** The analysed person is in their own household exactly once. */
@ValidatorConstraint({ name: 'exactlyOneSelf' })
class ExactlyOneSelf implements ValidatorConstraintInterface {
  validate(members: unknown): boolean {
    return Array.isArray(members) && members.filter((m) => m?.role === 'self').length === 1;
  }

  defaultMessage(): string {
    return 'members must contain exactly one member with role self';
  }
}

export class HouseholdDto {
  @ApiProperty({ type: [HouseholdMemberDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => HouseholdMemberDto)
  @Validate(ExactlyOneSelf)
  members: HouseholdMemberDto[];

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 0,
    description: EURO_DESCRIPTION,
  })
  @IsEuroAmount()
  extraNeedsMonthly: number | string;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 620.5,
    description: EURO_DESCRIPTION,
  })
  @IsEuroAmount()
  housingCostsMonthly: number | string;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 250,
    description: EURO_DESCRIPTION,
  })
  @IsEuroAmount()
  otherIncomeMonthly: number | string;
}

/** The SWOT of the as-is analysis; ASSESS records it, PATCH may draft or correct it. */
export class AssessmentDto {
  @ApiProperty({ type: [String] }) @SwotList() strengths: string[];
  @ApiProperty({ type: [String] }) @SwotList() weaknesses: string[];
  @ApiProperty({ type: [String] }) @SwotList() opportunities: string[];
  @ApiProperty({ type: [String] }) @SwotList() risks: string[];
}

// Same limits as the ASSESS event, but a draft may leave a list empty.
function SwotList(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(500, { each: true }),
  );
}

export class CreateResetAnalysisDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() founderId: string;

  @ApiProperty({ type: BusinessDto })
  @IsObject()
  @ValidateNested()
  @Type(() => BusinessDto)
  business: BusinessDto;

  @ApiProperty({ type: HouseholdDto })
  @IsObject()
  @ValidateNested()
  @Type(() => HouseholdDto)
  household: HouseholdDto;
}

/** Each object given replaces the stored one whole; assessment null clears the draft. */
export class UpdateResetAnalysisDto {
  @ApiPropertyOptional({ type: BusinessDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BusinessDto)
  business?: BusinessDto;

  @ApiPropertyOptional({ type: HouseholdDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HouseholdDto)
  household?: HouseholdDto;

  @ApiPropertyOptional({ type: AssessmentDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AssessmentDto)
  assessment?: AssessmentDto | null;
}

export class ResetAnalysisListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RESET_STATES }) @IsOptional() @IsIn(RESET_STATES) state?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() founderId?: string;

  @ApiPropertyOptional({
    example: '2026-07-01',
    description:
      'Only analyses with a provisional period (latest version) whose final EKS is due before this date',
  })
  @IsOptional()
  @IsCalendarDate()
  finalDeclarationDueBefore?: string;
}
