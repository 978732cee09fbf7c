import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
  ValidateNested,
} from 'class-validator';
import { QUERY_BOOLEANS, type QueryBoolean } from '../../exports/dto/export-query.dto';
import { SECTOR_CODE } from '../../founders/dto/founder-fields';
import { IsCalendarDate } from '../../common/time/calendar-date';
import type { FundingRoute } from '../../phase-model';

export const LEGAL_FORMS = [
  'sole_proprietorship',
  'freelance',
  'gbr',
  'ug',
  'gmbh',
  'other',
] as const;
export type LegalForm = (typeof LEGAL_FORMS)[number];
export const FUNDING_ROUTES = [
  'einstiegsgeld',
  'gruendungszuschuss',
  'sgb2_16c',
  'none',
  'other',
] as const satisfies readonly FundingRoute[];
export const CHANNELS = [
  'jobcenter_referral',
  'migrant_organisation',
  'event',
  'self',
  'other',
] as const;
export type Channel = (typeof CHANNELS)[number];
export const CONTACT_FORMATS = ['in_person', 'phone', 'video', 'email'] as const;
export type ContactFormat = (typeof CONTACT_FORMATS)[number];
export const CONTACT_KINDS = [
  'first_counselling',
  'counselling',
  'coaching',
  'workshop',
  'other',
] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
const LANGUAGE = /^[a-z]{2}$/;

/** The named enum schemas of case data, shared by requests and answers. */
export const LEGAL_FORM_ENUM = { enum: LEGAL_FORMS, enumName: 'LegalForm' } as const;
export const FUNDING_ROUTE_ENUM = {
  enum: FUNDING_ROUTES,
  enumName: 'FundingRoute',
  description:
    'einstiegsgeld (SGB II \u00a716b), gruendungszuschuss (SGB III \u00a793), sgb2_16c, none, other',
} as const;
export const CHANNEL_ENUM = {
  enum: CHANNELS,
  enumName: 'Channel',
  description: 'How the founder came to the office',
} as const;
export const CONTACT_FORMAT_ENUM = { enum: CONTACT_FORMATS, enumName: 'ContactFormat' } as const;
export const CONTACT_KIND_ENUM = {
  enum: CONTACT_KINDS,
  enumName: 'ContactKind',
  description: 'first_counselling documents the first counselling (the gate of START_PLANNING)',
} as const;
const SECTOR_PROPERTY = {
  type: String,
  pattern: SECTOR_CODE.source,
  example: 'gastronomy',
  description: 'A code from GET /target-sectors',
} as const;
export const LANGUAGE_PROPERTY = {
  type: String,
  pattern: LANGUAGE.source,
  description: 'ISO 639-1',
  example: 'ar',
} as const;
const DATE = { type: String, format: 'date', example: '2026-03-02' } as const;
const score = (description: string) =>
  ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 5,
    description: `${description}, 1 (low) to 5 (high)`,
    example: 4,
  });

@ApiSchema({
  name: 'Suitability',
  description: 'The personal suitability as the advisor assessed it',
})
export class SuitabilityDto {
  @score('Motivation') @IsInt() @Min(1) @Max(5) motivation: number;
  @score('Knowledge of the trade') @IsInt() @Min(1) @Max(5) tradeKnowledge: number;
  @score('Business skills') @IsInt() @Min(1) @Max(5) businessSkills: number;
  @score('Family situation') @IsInt() @Min(1) @Max(5) familySituation: number;
  @score('Resilience') @IsInt() @Min(1) @Max(5) resilience: number;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 4000,
    description: 'Free text; auditors read null',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  summary?: string | null;
}

@ApiSchema({
  name: 'ViabilityStatementInput',
  description: 'The viability statement (Tragf\u00e4higkeitsbescheinigung) of an expert body',
})
export class ViabilityStatementDto {
  // Free text (IHK, HWK, a bank, a tax adviser: any "fachkundige Stelle"), erased with the person.
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    example: 'IHK f\u00fcr Rheinhessen',
    description: 'Who issued it (free text)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  issuedBy: string;
  @ApiProperty({ ...DATE, description: 'When it was issued' }) @IsCalendarDate() issuedOn: string;
}

const nullableDate = (description: string) =>
  ApiPropertyOptional({ ...DATE, nullable: true, description });

/** Case data shared by create and update. On update, null clears a field. */
export class CaseDataDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 4000, description: 'Free text' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  businessIdea?: string | null;
  @ApiPropertyOptional({ ...SECTOR_PROPERTY, nullable: true })
  @IsOptional()
  @Matches(SECTOR_CODE, { message: 'sector must be a code from GET /target-sectors' })
  sector?: string | null;
  @ApiPropertyOptional({ ...LEGAL_FORM_ENUM, nullable: true })
  @IsOptional()
  @IsIn(LEGAL_FORMS)
  legalForm?: LegalForm | null;
  @ApiPropertyOptional({ ...FUNDING_ROUTE_ENUM, nullable: true })
  @IsOptional()
  @IsIn(FUNDING_ROUTES)
  fundingRoute?: FundingRoute | null;
  @ApiPropertyOptional({ ...CHANNEL_ENUM, nullable: true })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel | null;
  @ApiPropertyOptional({
    ...LANGUAGE_PROPERTY,
    nullable: true,
    description: 'The language to counsel in (ISO 639-1)',
  })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'contactLanguage must be an ISO 639-1 code such as de or ar' })
  contactLanguage?: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'An active advisor or lead of the case\u2019s office',
  })
  @IsOptional()
  @IsUUID()
  advisorId?: string | null;
  @nullableDate('The end of the SGB II benefit period whose final income declaration is due')
  @IsOptional()
  @IsCalendarDate()
  benefitPeriodEndsOn?: string | null;
  @nullableDate('The final income declaration (abschlie\u00dfende Anlage EKS) was filed')
  @IsOptional()
  @IsCalendarDate()
  finalIncomeDeclaredOn?: string | null;
  @nullableDate('The first day of the approved funding (Einstiegsgeld)')
  @IsOptional()
  @IsCalendarDate()
  fundingStartsOn?: string | null;
  @nullableDate('The last day of the approved funding; not before fundingStartsOn')
  @IsOptional()
  @IsCalendarDate()
  fundingEndsOn?: string | null;
}

@ApiSchema({
  name: 'CreateCase',
  description: 'A new case for a founder of one of the caller\u2019s offices',
})
export class CreateCaseDto extends CaseDataDto {
  @ApiProperty({ format: 'uuid', description: 'The founder; the case belongs to their office' })
  @IsUUID()
  founderId: string;
}

@ApiSchema({
  name: 'UpdateCase',
  description: 'The case data and milestones to change; absent fields stay, null clears a field',
})
export class UpdateCaseDto extends CaseDataDto {
  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description: 'The business is the main occupation',
  })
  @IsOptional()
  @IsBoolean()
  mainOccupation?: boolean | null;
  @nullableDate('The appointment for the first counselling')
  @IsOptional()
  @IsCalendarDate()
  firstCounsellingScheduledOn?: string | null;
  @ApiPropertyOptional({
    type: SuitabilityDto,
    nullable: true,
    description: 'null clears the assessment',
  })
  @IsOptional()
  @IsObject() // without it, ValidateNested takes an array (of zero or more valid items)
  @ValidateNested()
  @Type(() => SuitabilityDto)
  suitability?: SuitabilityDto | null;
  @nullableDate('The business plan was completed')
  @IsOptional()
  @IsCalendarDate()
  businessPlanCompletedOn?: string | null;
  @nullableDate('The finance plan was completed')
  @IsOptional()
  @IsCalendarDate()
  financePlanCompletedOn?: string | null;
  @ApiPropertyOptional({
    type: ViabilityStatementDto,
    nullable: true,
    description: 'null clears the statement',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ViabilityStatementDto)
  viabilityStatement?: ViabilityStatementDto | null;
  @nullableDate('The funding was applied for') @IsOptional() @IsCalendarDate() fundingAppliedOn?:
    string | null;
  @nullableDate('The funding was approved') @IsOptional() @IsCalendarDate() fundingApprovedOn?:
    string | null;
  @nullableDate('The planned start of the business')
  @IsOptional()
  @IsCalendarDate()
  plannedStartOn?: string | null;
  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description: 'The business needs permits (null: not answered yet)',
  })
  @IsOptional()
  @IsBoolean()
  permitsRequired?: boolean | null;
  @nullableDate('The required permits were obtained')
  @IsOptional()
  @IsCalendarDate()
  permitsObtainedOn?: string | null;
  @nullableDate('The business started') @IsOptional() @IsCalendarDate() businessStartedOn?:
    string | null;
  @nullableDate('The trade was registered (Gewerbeanmeldung)')
  @IsOptional()
  @IsCalendarDate()
  tradeRegisteredOn?: string | null;
  @nullableDate('The business was registered with the tax office')
  @IsOptional()
  @IsCalendarDate()
  taxRegisteredOn?: string | null;
  @nullableDate('The provisional income declaration (Anlage EKS) was filed')
  @IsOptional()
  @IsCalendarDate()
  provisionalIncomeDeclaredOn?: string | null;
  @nullableDate('The next follow-up') @IsOptional() @IsCalendarDate() followUpOn?: string | null;
  @nullableDate(
    'The day the Jobcenter\u2019s benefits ended because of the self-employment (exit from benefits)',
  )
  @IsOptional()
  @IsCalendarDate()
  benefitsEndedOn?: string | null;
}

@ApiSchema({ name: 'CreateContact', description: 'A counselling contact with the founder' })
export class CreateContactDto {
  @ApiProperty({ ...DATE, example: '2026-02-10', description: 'The day of the contact' })
  @IsCalendarDate()
  on: string;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 1440,
    description: 'Its length in minutes',
    example: 60,
  })
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes: number;
  @ApiProperty(CONTACT_FORMAT_ENUM) @IsIn(CONTACT_FORMATS) format: ContactFormat;
  @ApiProperty(CONTACT_KIND_ENUM)
  @IsIn(CONTACT_KINDS)
  kind: ContactKind;
  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    description: 'Free-text topics, each at most 200 characters',
    example: ['business plan'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  topics?: string[];
  @ApiPropertyOptional({
    ...LANGUAGE_PROPERTY,
    description: 'The language of the contact (ISO 639-1)',
    example: 'tr',
  })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'language must be an ISO 639-1 code such as de or tr' })
  language?: string;
  @ApiPropertyOptional({ description: 'An interpreter took part' })
  @IsOptional()
  @IsBoolean()
  interpreter?: boolean;
  @ApiPropertyOptional({ maxLength: 10000, description: 'Free text' })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  notes?: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({
    enum: QUERY_BOOLEANS,
    enumName: 'QueryBoolean',
    description:
      'Default false; true: recompute the hash chain from the stored rows and answer it as chain',
  })
  @IsOptional()
  @IsIn(QUERY_BOOLEANS)
  verify?: QueryBoolean;
}
