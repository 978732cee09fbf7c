import { applyDecorators } from '@nestjs/common';
import {
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  type ApiPropertyOptions,
} from '@nestjs/swagger';
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
import { LEGAL_FORM_ENUM, LEGAL_FORMS, type LegalForm } from '../../cases/dto/case.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { SECTOR_CODE } from '../../founders/dto/founder-fields';
import { IsCalendarDate } from '../../common/time/calendar-date';
import { RESET_LIMITS, RESET_STATES, type ResetStateValue } from '../lifecycle';
import { IsEuroAmount } from './euro';
import { DATE, EuroInput, RESET_STATE_ENUM, UUID } from './schema-parts';

/**
 * A JSON number with at most `places` decimals. Not IsNumber({ maxDecimalPlaces }): class-validator
 * reads the decimals from String(value) and throws on exponent notation (1e-7, 5e-324): a 500.
 */
function IsDecimal(places: number): PropertyDecorator {
  const pattern = new RegExp(`^-?\\d+(\\.\\d{1,${places}})?$`);
  return ValidateBy({
    name: 'isDecimal',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'number' && Number.isFinite(value) && pattern.test(String(value)),
      defaultMessage: (args) =>
        `${args?.property} must be a number with at most ${places} decimals`,
    },
  });
}

const EURO_INPUT_NOTE = 'A number or a decimal string with at most two decimals.';

export const PREMISES = ['home', 'rented', 'none'] as const;
export type Premises = (typeof PREMISES)[number];
export const PREMISES_ENUM = {
  enum: PREMISES,
  enumName: 'Premises',
  description: 'Where the business works: at home, in rented premises, or without premises',
} as const;
export const MEMBER_ROLES = ['self', 'partner', 'child', 'other'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
// WZ 2008: division, group, class or subclass, e.g. 96, 96.0, 96.02 or 96.02.1.
const WZ_CODE = /^\d{2}(\.\d{1,2}(\.\d)?)?$/;
export const WZ_CODE_PROPERTY = {
  type: String,
  pattern: WZ_CODE.source,
  example: '96.02.1',
  description: 'WZ 2008 code (division, group, class or subclass)',
} as const;
export const HOURS_PER_WEEK = {
  type: 'number',
  minimum: 0,
  maximum: 100,
  example: 30,
  description: 'Hours worked per week, at most one decimal',
} as const;
export const CLIENT_COUNT = {
  type: 'integer',
  minimum: 0,
  maximum: 1_000_000,
  example: 40,
  description: 'Number of clients',
} as const;
export const LARGEST_CLIENT_SHARE = {
  type: 'number',
  minimum: 0,
  maximum: 1,
  example: 0.2,
  description: 'Share of revenue from the largest client, 0–1, at most four decimals',
} as const;
export const VAT_SMALL_BUSINESS = {
  type: Boolean,
  description: 'Kleinunternehmerregelung (§19 UStG)',
} as const;

@ApiSchema({
  name: 'ResetBusinessInput',
  description: 'The business of the analysed founder, as sent (replaced whole)',
})
export class BusinessDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 4000,
    example: 'Friseursalon mit zwei Stühlen',
    description: 'What the business does (free text)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  description: string;

  @ApiProperty({
    type: String,
    pattern: SECTOR_CODE.source,
    example: 'personal_services',
    description: 'A code from GET /target-sectors',
  })
  @Matches(SECTOR_CODE, { message: 'sector must be a code from GET /target-sectors' })
  sector: string;

  @ApiPropertyOptional({
    ...WZ_CODE_PROPERTY,
    nullable: true,
    description: 'WZ 2008 code; null or absent: none',
  })
  @IsOptional()
  @Matches(WZ_CODE, { message: 'wzCode must be a WZ 2008 code such as 96.02 or 96.02.1' })
  wzCode?: string | null;

  @ApiProperty(LEGAL_FORM_ENUM) @IsIn(LEGAL_FORMS) legalForm: LegalForm;
  @ApiProperty({ ...DATE, example: '2022-03-01', description: 'When the business started' })
  @IsCalendarDate()
  startedOn: string;
  @ApiProperty({ description: 'The business is the main occupation' })
  @IsBoolean()
  mainOccupation: boolean;

  @ApiProperty(HOURS_PER_WEEK)
  @IsDecimal(1)
  @Min(0)
  @Max(100)
  hoursPerWeek: number;

  @ApiProperty(CLIENT_COUNT) @IsInt() @Min(0) @Max(1_000_000) clientCount: number;

  @ApiProperty(LARGEST_CLIENT_SHARE)
  @IsDecimal(4)
  @Min(0)
  @Max(1)
  largestClientShare: number;

  @ApiProperty(PREMISES_ENUM) @IsIn(PREMISES) premises: Premises;
  @ApiProperty(VAT_SMALL_BUSINESS)
  @IsBoolean()
  vatSmallBusiness: boolean;
  @ApiProperty({
    ...DATE,
    example: '2023-01-01',
    description: 'Since when the household receives SGB II benefits',
  })
  @IsCalendarDate()
  benefitsSinceOn: string;
}

@ApiSchema({
  name: 'HouseholdMember',
  description: 'A member of the founder’s household (Bedarfsgemeinschaft)',
})
export class HouseholdMemberDto {
  @ApiProperty({
    enum: MEMBER_ROLES,
    enumName: 'HouseholdMemberRole',
    description: 'self: the analysed founder (exactly once per household)',
  })
  @IsIn(MEMBER_ROLES)
  role: MemberRole;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1900,
    maximum: 2200,
    example: 2015,
    description: 'Absent when not given',
  })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2200)
  birthYear?: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 6,
    example: 1,
    description: 'Regelbedarfsstufe (standard rate level) 1–6',
  })
  @IsInt()
  @Min(1)
  @Max(6)
  standardRateLevel: 1 | 2 | 3 | 4 | 5 | 6;
}

/** The analysed person is in their own household exactly once. */
@ValidatorConstraint({ name: 'exactlyOneSelf' })
class ExactlyOneSelf implements ValidatorConstraintInterface {
  validate(members: unknown): boolean {
    const isSelf = (m: unknown) =>
      typeof m === 'object' && m !== null && 'role' in m && m.role === 'self';
    return Array.isArray(members) && members.filter(isSelf).length === 1;
  }

  defaultMessage(): string {
    return 'members must contain exactly one member with role self';
  }
}

@ApiSchema({
  name: 'ResetHouseholdInput',
  description: 'The founder’s household and its monthly figures, as sent (replaced whole)',
})
export class HouseholdDto {
  @ApiProperty({
    type: [HouseholdMemberDto],
    minItems: 1,
    maxItems: 20,
    description: '1–20 members, exactly one with role self',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => HouseholdMemberDto)
  @Validate(ExactlyOneSelf)
  members: HouseholdMemberDto[];

  @EuroInput({ example: 0, description: `Extra needs per month (Mehrbedarfe). ${EURO_INPUT_NOTE}` })
  @IsEuroAmount()
  extraNeedsMonthly: number | string;

  @EuroInput({
    example: 620.5,
    description: `Housing and heating costs per month (Kosten der Unterkunft und Heizung). ${EURO_INPUT_NOTE}`,
  })
  @IsEuroAmount()
  housingCostsMonthly: number | string;

  @EuroInput({
    example: '250.00',
    description: `Other income of the household per month, as counted income. ${EURO_INPUT_NOTE}`,
  })
  @IsEuroAmount()
  otherIncomeMonthly: number | string;
}

// The limits of the ASSESS event (RESET_LIMITS), but a draft may leave a list empty.
const { items: SWOT_MAX_ITEMS, itemChars: SWOT_ITEM_CHARS } = RESET_LIMITS;
const SWOT_ITEMS: ApiPropertyOptions = {
  type: [String],
  maxItems: SWOT_MAX_ITEMS,
  minLength: 1,
  maxLength: SWOT_ITEM_CHARS,
  description: `Up to ${SWOT_MAX_ITEMS} items of 1–${SWOT_ITEM_CHARS} characters; a draft may leave a list empty`,
};

/** The SWOT of the as-is analysis; ASSESS records it, PATCH may draft or correct it. */
@ApiSchema({
  name: 'ResetAssessmentInput',
  description: 'A draft or correction of the SWOT assessment',
})
export class AssessmentDto {
  @ApiProperty({ ...SWOT_ITEMS, example: ['Stammkundschaft'] }) @SwotList() strengths: string[];
  @ApiProperty({ ...SWOT_ITEMS, example: ['Preise seit 2019 gleich'] })
  @SwotList()
  weaknesses: string[];
  @ApiProperty({ ...SWOT_ITEMS, example: ['Neubaugebiet'] }) @SwotList() opportunities: string[];
  @ApiProperty({ ...SWOT_ITEMS, example: ['Kette eröffnet'] }) @SwotList() risks: string[];
}

function SwotList(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(SWOT_MAX_ITEMS),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(SWOT_ITEM_CHARS, { each: true }),
  );
}

@ApiSchema({
  name: 'CreateResetAnalysis',
  description: 'A new as-is analysis of a founder of one of the caller’s offices',
})
export class CreateResetAnalysisDto {
  @ApiProperty({
    ...UUID,
    description: 'The founder analysed; the analysis belongs to the founder’s office',
  })
  @IsUUID()
  founderId: string;

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
@ApiSchema({
  name: 'UpdateResetAnalysis',
  description:
    'Each object given replaces the stored one whole; an absent one stays; assessment null clears the draft',
})
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

  @ApiPropertyOptional({
    type: AssessmentDto,
    nullable: true,
    description: 'The SWOT draft; null clears it',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AssessmentDto)
  assessment?: AssessmentDto | null;
}

export class ResetAnalysisListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ ...RESET_STATE_ENUM, description: 'Only analyses in this state' })
  @IsOptional()
  @IsIn(RESET_STATES)
  state?: ResetStateValue;

  @ApiPropertyOptional({ ...UUID, description: 'Only the analyses of this founder' })
  @IsOptional()
  @IsUUID()
  founderId?: string;

  @ApiPropertyOptional({
    ...DATE,
    example: '2026-07-01',
    description:
      'Only analyses with a provisional period (latest version) whose final EKS is due before this date',
  })
  @IsOptional()
  @IsCalendarDate()
  finalDeclarationDueBefore?: string;
}
