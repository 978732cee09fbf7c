import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { SECTOR_CODE } from '../../founders/dto/founder-fields';
import { IsCalendarDate, IsInstant } from '../../common/time/calendar-date';

export const LEGAL_FORMS = ['sole_proprietorship', 'freelance', 'gbr', 'ug', 'gmbh', 'other'] as const;
export const FUNDING_ROUTES = ['einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c', 'none', 'other'] as const;
export const CHANNELS = ['jobcenter_referral', 'migrant_organisation', 'event', 'self', 'other'] as const;
const LANGUAGE = /^[a-z]{2}$/;

export class SuitabilityDto {
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) motivation: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) tradeKnowledge: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) businessSkills: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) familySituation: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) resilience: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) summary?: string;
}

export class ViabilityStatementDto {
  // Free text (IHK, HWK, a bank, a tax adviser: any "fachkundige Stelle"), erased with the person.
  @ApiProperty({ example: 'IHK für Rheinhessen', description: 'Free text; auditors read null' }) @IsString() @MinLength(1) @MaxLength(200) issuedBy: string;
  @ApiProperty({ example: '2026-03-02' }) @IsCalendarDate() issuedOn: string;
}

/** Case data shared by create and update. On update, null clears a field. */
export class CaseDataDto {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(4000) businessIdea?: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'gastronomy', description: 'A code from GET /target-sectors' })
  @IsOptional()
  @Matches(SECTOR_CODE, { message: 'sector must be a code from GET /target-sectors' })
  sector?: string | null;
  @ApiPropertyOptional({ enum: LEGAL_FORMS, nullable: true }) @IsOptional() @IsIn(LEGAL_FORMS) legalForm?: string | null;
  @ApiPropertyOptional({ enum: FUNDING_ROUTES, nullable: true }) @IsOptional() @IsIn(FUNDING_ROUTES) fundingRoute?: string | null;
  @ApiPropertyOptional({ enum: CHANNELS, nullable: true }) @IsOptional() @IsIn(CHANNELS) channel?: string | null;
  @ApiPropertyOptional({ description: 'ISO 639-1', example: 'ar', nullable: true })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'contactLanguage must be an ISO 639-1 code such as de or ar' })
  contactLanguage?: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @IsOptional() @IsUUID() advisorId?: string | null;
}

export class CreateCaseDto extends CaseDataDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() founderId: string;
}

export class UpdateCaseDto extends CaseDataDto {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() mainOccupation?: boolean | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() firstCounsellingScheduledOn?: string | null;
  @ApiPropertyOptional({ type: SuitabilityDto, nullable: true })
  @IsOptional()
  @IsObject() // without it, ValidateNested takes an array (of zero or more valid items)
  @ValidateNested()
  @Type(() => SuitabilityDto)
  suitability?: SuitabilityDto | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() businessPlanCompletedOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() financePlanCompletedOn?: string | null;
  @ApiPropertyOptional({ type: ViabilityStatementDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ViabilityStatementDto)
  viabilityStatement?: ViabilityStatementDto | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() fundingAppliedOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() fundingApprovedOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() plannedStartOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() permitsRequired?: boolean | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() permitsObtainedOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() businessStartedOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() tradeRegisteredOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() taxRegisteredOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() provisionalIncomeDeclaredOn?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsCalendarDate() followUpOn?: string | null;
}

/** Filters of the case list; limit and cursor as on every keyset page. */
export class CaseListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['access', 'first_counselling', 'planning', 'launch', 'consolidation'] })
  @IsOptional()
  @IsIn(['access', 'first_counselling', 'planning', 'launch', 'consolidation'])
  phase?: string;
  @ApiPropertyOptional({ enum: ['active', 'paused', 'closed'] })
  @IsOptional()
  @IsIn(['active', 'paused', 'closed'])
  status?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() advisorId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() founderId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() officeId?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsInstant()
  updatedSince?: string;
}

export class CreateContactDto {
  @ApiProperty({ example: '2026-02-10' }) @IsCalendarDate() on: string;
  @ApiProperty({ minimum: 1, maximum: 1440 }) @IsInt() @Min(1) @Max(1440) minutes: number;
  @ApiProperty({ enum: ['in_person', 'phone', 'video', 'email'] }) @IsIn(['in_person', 'phone', 'video', 'email']) format: string;
  @ApiProperty({ enum: ['first_counselling', 'counselling', 'coaching', 'workshop', 'other'] })
  @IsIn(['first_counselling', 'counselling', 'coaching', 'workshop', 'other'])
  kind: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  topics?: string[];
  @ApiPropertyOptional({ example: 'tr' })
  @IsOptional()
  @Matches(LANGUAGE, { message: 'language must be an ISO 639-1 code such as de or tr' })
  language?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() interpreter?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10000) notes?: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Recompute and report the hash chain' })
  @IsOptional()
  @IsIn(['true', 'false'])
  verify?: 'true' | 'false';
}
