import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  getSchemaPath,
  type ApiPropertyOptions,
} from '@nestjs/swagger';
import { ACTOR_TYPE_ENUM, type ActorType } from '../../access-log/dto/access-log-entry.dto';
import { ACCESS_ACTIONS, type AccessAction } from '../../access-log/access-log.service';
import { CHANNELS, FUNDING_ROUTES, LEGAL_FORMS } from '../../cases/dto/case.dto';
import * as F from '../../founders/dto/founder-fields';
import { LanguageDto } from '../../founders/dto/founder-input.dto';
import { CASE_STATUSES, PHASES, type CaseStatus, type Phase } from '../../phase-model';

/*
 * The subject-access export (GDPR Art. 15) gives the stored rows as they are, column by column
 * (snake_case, as in the database), so that nothing stored about the person is left out or
 * renamed. These schemas list those columns; a new column of one of these tables must be added
 * here too (the contract check of the e2e tests fails on an undocumented one).
 */

const uuid = (extra: ApiPropertyOptions = {}): ApiPropertyOptions => ({
  type: String,
  format: 'uuid',
  ...extra,
});
const nullableUuid = (description?: string): ApiPropertyOptions => ({
  type: String,
  format: 'uuid',
  nullable: true,
  description,
});
const instant = { type: String, format: 'date-time' } as const;
const nullableInstant = { type: String, format: 'date-time', nullable: true } as const;
const date = { type: String, format: 'date' } as const;
const nullableDate = { type: String, format: 'date', nullable: true } as const;
const text = { type: String, nullable: true } as const;
const int = { type: 'integer' } as const;
const nullableInt = { type: 'integer', nullable: true } as const;
const flag = { type: Boolean, nullable: true } as const;
/** A jsonb column whose inner structure is the service's own (see the description). */
const json = (description: string, nullable = false): ApiPropertyOptions => ({
  type: 'object',
  additionalProperties: true,
  nullable,
  description,
});

@ApiSchema({
  name: 'DataExportFounderProfile',
  description: 'The applicant profile as stored (a key is absent when not known)',
})
export class DataExportFounderProfileDto {
  @ApiPropertyOptional({ example: 'gastronomy' }) target_sector?: string;
  @ApiPropertyOptional({ example: '56.10' }) wz_code?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 3 })
  home_knowledge_usability?: number;
  @ApiPropertyOptional({ enum: F.MOTIVATIONS, enumName: 'Motivation' })
  presumed_motivation?: F.Motivation;
}

@ApiSchema({ name: 'DataExportFounder', description: 'The founder row, every column' })
@ApiExtraModels(DataExportFounderProfileDto)
export class DataExportFounderDto {
  @ApiProperty(uuid()) id: string;
  @ApiProperty(uuid()) office_id: string;
  @ApiProperty({ description: '"[gelöscht]" once erased' }) first_name: string;
  @ApiProperty({ description: '"[gelöscht]" once erased' }) last_name: string;
  @ApiProperty(nullableDate) birth_date: string | null;
  @ApiProperty({ enum: F.GENDERS, enumName: 'Gender' }) gender: F.Gender;
  @ApiProperty(text) email: string | null;
  @ApiProperty(text) phone: string | null;
  @ApiProperty(text) postal_code: string | null;
  @ApiProperty(text) city: string | null;
  @ApiProperty(text) country_of_birth: string | null;
  @ApiProperty({ type: [String] }) nationalities: string[];
  @ApiProperty(flag) migration_background: boolean | null;
  @ApiProperty({ type: [LanguageDto] }) languages: LanguageDto[];
  @ApiProperty({ nullable: true, enum: F.GERMAN_LEVELS, enumName: 'GermanLevel' })
  german_level: F.GermanLevel | null;
  @ApiProperty({ enum: F.SELF_EMPLOYMENT_PERMITS, enumName: 'SelfEmploymentPermit' })
  self_employment_permitted: F.SelfEmploymentPermit;
  @ApiProperty({ nullable: true, enum: F.BENEFIT_STATUSES, enumName: 'BenefitStatus' })
  benefit_status: F.BenefitStatus | null;
  @ApiProperty(text) jobcenter: string | null;
  @ApiProperty(text) jobcenter_customer_number: string | null;
  @ApiProperty({ ...nullableInt, minimum: 0, maximum: 8 }) isced_level: number | null;
  @ApiProperty({ nullable: true, enum: F.RECOGNITION_STATUSES, enumName: 'RecognitionStatus' })
  foreign_qualification_recognition: F.RecognitionStatus | null;
  @ApiProperty(nullableDate) consent_given_on: string | null;
  @ApiProperty(text) consent_version: string | null;
  @ApiProperty({ ...nullableDate, description: 'The person agreed to follow-ups after exit' })
  follow_up_consent_on: string | null;
  @ApiProperty({ nullable: true, allOf: [{ $ref: getSchemaPath(DataExportFounderProfileDto) }] })
  profile: DataExportFounderProfileDto | null;
  @ApiProperty(nullableUuid('The user who created the record')) created_by: string | null;
  @ApiProperty(instant) created_at: string;
  @ApiProperty(instant) updated_at: string;
  @ApiProperty({ ...nullableInstant, description: 'When the person\u2019s data were erased' })
  erased_at: string | null;
  @ApiProperty({ ...nullableInt, description: 'Kept from birth_date at erasure' })
  birth_year: number | null;
}

@ApiSchema({ name: 'DataExportCase', description: 'A case row of the founder, every column' })
export class DataExportCaseDto {
  @ApiProperty(uuid()) id: string;
  @ApiProperty(uuid()) office_id: string;
  @ApiProperty(nullableUuid('The office that opened the case (a hand-over changes office_id)'))
  created_office_id: string | null;
  @ApiProperty(uuid()) founder_id: string;
  @ApiProperty(nullableUuid()) advisor_id: string | null;
  @ApiProperty({ enum: PHASES, enumName: 'Phase' }) phase: Phase;
  @ApiProperty({ enum: CASE_STATUSES, enumName: 'CaseStatus' }) status: CaseStatus;
  @ApiProperty(int) machine_version: number;
  @ApiProperty(json('The state of the phase machine as persisted')) state: Record<string, unknown>;
  @ApiProperty(int) version: number;
  @ApiProperty(instant) phase_entered_at: string;
  @ApiProperty(text) business_idea: string | null;
  @ApiProperty({ ...text, description: 'A target sector code, or a text stored before it was one' })
  sector: string | null;
  @ApiProperty({ nullable: true, enum: LEGAL_FORMS, enumName: 'LegalForm' }) legal_form:
    string | null;
  @ApiProperty({ nullable: true, enum: FUNDING_ROUTES, enumName: 'FundingRoute' })
  funding_route: string | null;
  @ApiProperty({ nullable: true, enum: CHANNELS, enumName: 'Channel' }) channel: string | null;
  @ApiProperty(text) contact_language: string | null;
  @ApiProperty(flag) main_occupation: boolean | null;
  @ApiProperty({ type: Boolean }) coaching: boolean;
  @ApiProperty(nullableDate) first_counselling_scheduled_on: string | null;
  @ApiProperty(json('The suitability assessment as stored', true)) suitability: Record<
    string,
    unknown
  > | null;
  @ApiProperty(nullableDate) business_plan_completed_on: string | null;
  @ApiProperty(nullableDate) finance_plan_completed_on: string | null;
  @ApiProperty(json('The viability statement as stored (issuedBy, issuedOn)', true))
  viability_statement: Record<string, unknown> | null;
  @ApiProperty(nullableDate) funding_applied_on: string | null;
  @ApiProperty(nullableDate) funding_approved_on: string | null;
  @ApiProperty(nullableDate) planned_start_on: string | null;
  @ApiProperty(flag) permits_required: boolean | null;
  @ApiProperty(nullableDate) permits_obtained_on: string | null;
  @ApiProperty(nullableDate) business_started_on: string | null;
  @ApiProperty(nullableDate) trade_registered_on: string | null;
  @ApiProperty(nullableDate) tax_registered_on: string | null;
  @ApiProperty(nullableDate) provisional_income_declared_on: string | null;
  @ApiProperty(nullableDate) follow_up_on: string | null;
  @ApiProperty(nullableDate) benefit_period_ends_on: string | null;
  @ApiProperty(nullableDate) final_income_declared_on: string | null;
  @ApiProperty(nullableDate) funding_starts_on: string | null;
  @ApiProperty(nullableDate) funding_ends_on: string | null;
  @ApiProperty(nullableDate) benefits_ended_on: string | null;
  @ApiProperty(nullableDate) exited_on: string | null;
  @ApiProperty(text) outcome: string | null;
  @ApiProperty(nullableUuid()) created_by: string | null;
  @ApiProperty(instant) created_at: string;
  @ApiProperty(instant) updated_at: string;
  @ApiProperty(nullableUuid('The RE_SET analysis the case was restarted from')) reset_analysis_id:
    string | null;
}

@ApiSchema({
  name: 'DataExportCaseHistoryEntry',
  description: 'A phase history entry of one of the founder\u2019s cases, with its free texts',
})
export class DataExportCaseHistoryEntryDto {
  @ApiProperty(uuid()) case_id: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) seq: number;
  @ApiProperty(instant) at: string;
  @ApiProperty({ example: 'PAUSE', description: 'The event type (a CaseEventType, or RESTART)' })
  event: string;
  @ApiProperty({ nullable: true, enum: PHASES, enumName: 'Phase' }) from_phase: Phase | null;
  @ApiProperty({ enum: PHASES, enumName: 'Phase' }) to_phase: Phase;
  @ApiProperty({ nullable: true, enum: CASE_STATUSES, enumName: 'CaseStatus' })
  from_status: CaseStatus | null;
  @ApiProperty({ enum: CASE_STATUSES, enumName: 'CaseStatus' }) to_status: CaseStatus;
  @ApiProperty(json('The event\u2019s codes and dates (its free texts are in texts)'))
  payload: Record<string, unknown>;
  @ApiProperty(ACTOR_TYPE_ENUM) actor_type: ActorType;
  @ApiProperty(nullableUuid()) actor_id: string | null;
  @ApiProperty(int) machine_version: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'The entry\u2019s hash in the chain' })
  hash: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    example: { reason: 'Founder is ill for two months.' },
    description: 'The free texts given with the event; null when none (or erased)',
  })
  texts: Record<string, string> | null;
}

@ApiSchema({
  name: 'DataExportContact',
  description: 'A contact (counselling session) of one of the cases, every column',
})
export class DataExportContactDto {
  @ApiProperty(uuid()) id: string;
  @ApiProperty(uuid()) case_id: string;
  @ApiProperty(uuid()) office_id: string;
  @ApiProperty(date) on: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) minutes: number;
  @ApiProperty({ enum: ['in_person', 'phone', 'video', 'email'] }) format: string;
  @ApiProperty({ enum: ['first_counselling', 'counselling', 'coaching', 'workshop', 'other'] })
  kind: string;
  @ApiProperty({ type: [String] }) topics: string[];
  @ApiProperty(text) language: string | null;
  @ApiProperty({ type: Boolean }) interpreter: boolean;
  @ApiProperty(text) notes: string | null;
  @ApiProperty(nullableUuid()) created_by: string | null;
  @ApiProperty(instant) created_at: string;
}

@ApiSchema({
  name: 'DataExportEsfEntry',
  description:
    'The ESF Plus entry record of one of the cases (esf_entry, every column) with the voluntary answers (esf_voluntary; null once erased)',
})
export class DataExportEsfEntryDto {
  @ApiProperty(uuid()) case_id: string;
  @ApiProperty(uuid()) office_id: string;
  @ApiProperty(date) entry_on: string;
  @ApiProperty({ enum: ['unemployed', 'long_term_unemployed', 'inactive', 'employed'] })
  employment_status: string;
  @ApiProperty({ enum: ['female', 'male', 'non_binary'] }) gender: string;
  @ApiProperty(nullableInt) age_at_entry: number | null;
  @ApiProperty(nullableInt) isced_level: number | null;
  @ApiProperty({ type: Boolean }) third_country_national: boolean;
  @ApiProperty({ type: Boolean, nullable: true }) born_abroad: boolean | null;
  @ApiProperty({ enum: ['both', 'one', 'none', 'not_stated'] }) parents_born_abroad: string;
  @ApiProperty({ type: Boolean }) foreign_background: boolean;
  @ApiProperty(int) version: number;
  @ApiProperty(nullableUuid()) created_by: string | null;
  @ApiProperty(nullableUuid()) updated_by: string | null;
  @ApiProperty(instant) created_at: string;
  @ApiProperty(instant) updated_at: string;
  @ApiProperty({ enum: ['yes', 'no', 'not_stated'], nullable: true }) disability: string | null;
  @ApiProperty({ enum: ['yes', 'no', 'not_stated'], nullable: true }) minority: string | null;
  @ApiProperty({ enum: ['yes', 'no', 'not_stated'], nullable: true })
  homeless_or_housing_exclusion: string | null;
}

@ApiSchema({
  name: 'DataExportEsfExit',
  description: 'An ESF Plus exit record of one of the cases, every column',
})
export class DataExportEsfExitDto {
  @ApiProperty(uuid()) id: string;
  @ApiProperty(uuid()) case_id: string;
  @ApiProperty(uuid()) office_id: string;
  @ApiProperty(date) on: string;
  @ApiProperty({ type: Boolean }) job_searching: boolean;
  @ApiProperty({ type: Boolean }) in_education_or_training: boolean;
  @ApiProperty({ type: Boolean }) gaining_qualification: boolean;
  @ApiProperty({ type: Boolean }) in_employment: boolean;
  @ApiProperty(nullableUuid()) created_by: string | null;
  @ApiProperty(instant) created_at: string;
}

@ApiSchema({
  name: 'DataExportFollowUp',
  description: 'A follow-up after exit of one of the cases, every column',
})
export class DataExportFollowUpDto {
  @ApiProperty(uuid()) id: string;
  @ApiProperty(uuid()) office_id: string;
  @ApiProperty(uuid()) case_id: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) history_seq: number;
  @ApiProperty(date) on: string;
  @ApiProperty({
    enum: ['employed', 'job_searching', 'education_or_training', 'inactive', 'unknown'],
  })
  situation: string;
  @ApiProperty({ type: Boolean }) still_self_employed: boolean;
  @ApiProperty(text) note: string | null;
  @ApiProperty(nullableUuid()) created_by: string | null;
  @ApiProperty(instant) created_at: string;
}

@ApiSchema({
  name: 'DataExportTask',
  description: 'A manual task (Wiedervorlage) of one of the cases, every column',
})
export class DataExportTaskDto {
  @ApiProperty(uuid()) id: string;
  @ApiProperty(uuid()) office_id: string;
  @ApiProperty(uuid()) case_id: string;
  @ApiProperty(text) title: string | null;
  @ApiProperty(date) due_on: string;
  @ApiProperty(nullableUuid()) assignee_id: string | null;
  @ApiProperty(nullableInstant) done_at: string | null;
  @ApiProperty(nullableUuid()) done_by: string | null;
  @ApiProperty(int) version: number;
  @ApiProperty(nullableUuid()) created_by: string | null;
  @ApiProperty(instant) created_at: string;
  @ApiProperty(instant) updated_at: string;
}

@ApiSchema({
  name: 'DataExportResetAnalysis',
  description: 'A RE_SET analysis row of the founder, every column',
})
export class DataExportResetAnalysisDto {
  @ApiProperty(uuid()) id: string;
  @ApiProperty(uuid()) office_id: string;
  @ApiProperty(uuid()) founder_id: string;
  @ApiProperty({ example: 'intake', description: 'The lifecycle state (a ResetState)' })
  state: string;
  @ApiProperty(int) machine_version: number;
  @ApiProperty(json('The state of the lifecycle machine as persisted')) snapshot: Record<
    string,
    unknown
  >;
  @ApiProperty(int) version: number;
  @ApiProperty(json('The business as sent (description, sector, legal form, …)')) business: Record<
    string,
    unknown
  >;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The household members as sent (role, birth year, standard rate level)',
  })
  household_members: Record<string, unknown>[];
  @ApiProperty(int) extra_needs_monthly_cents: number;
  @ApiProperty(int) housing_costs_monthly_cents: number;
  @ApiProperty(int) other_income_monthly_cents: number;
  @ApiProperty(json('The SWOT assessment as sent', true)) assessment: Record<
    string,
    unknown
  > | null;
  @ApiProperty(nullableUuid('The case the analysis restarted')) case_id: string | null;
  @ApiProperty(nullableUuid()) created_by: string | null;
  @ApiProperty(instant) created_at: string;
  @ApiProperty(instant) updated_at: string;
}

@ApiSchema({ name: 'DataExportEksLine', description: 'One amount of one month of an EKS period' })
export class DataExportEksLineDto {
  @ApiProperty(uuid()) period_version_id: string;
  @ApiProperty({ ...date, description: 'The first day of the month' }) month: string;
  @ApiProperty({
    pattern: '^[ABC][0-9]{1,2}(_[0-9])?$',
    example: 'A1',
    description: 'The EKS line',
  })
  code: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) cents: number;
}

@ApiSchema({
  name: 'DataExportEksPeriod',
  description:
    'A version of an EKS period (income declaration) of one of the analyses, with its lines',
})
export class DataExportEksPeriodDto {
  @ApiProperty(uuid()) id: string;
  @ApiProperty(uuid()) analysis_id: string;
  @ApiProperty(date) period_start: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty(date) period_end: string;
  @ApiProperty({ enum: ['provisional', 'final'] }) kind: string;
  @ApiProperty(nullableDate) final_declaration_due_on: string | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'date' },
    description: 'The first days of its months',
  })
  months: string[];
  @ApiProperty(nullableUuid()) created_by: string | null;
  @ApiProperty(instant) created_at: string;
  @ApiProperty({
    type: [DataExportEksLineDto],
    nullable: true,
    description: 'null when the period has no amounts',
  })
  lines: DataExportEksLineDto[] | null;
}

@ApiSchema({
  name: 'DataExportResetHistoryEntry',
  description: 'A lifecycle history entry of one of the analyses, with its free texts',
})
export class DataExportResetHistoryEntryDto {
  @ApiProperty(uuid()) analysis_id: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) seq: number;
  @ApiProperty(instant) at: string;
  @ApiProperty({ description: 'The event type (a ResetEventType)' }) event: string;
  @ApiProperty({ description: 'A ResetState' }) from_state: string;
  @ApiProperty({ description: 'A ResetState' }) to_state: string;
  @ApiProperty(json('The event\u2019s codes and dates (its free texts are in texts)'))
  payload: Record<string, unknown>;
  @ApiProperty(ACTOR_TYPE_ENUM) actor_type: ActorType;
  @ApiProperty(nullableUuid()) actor_id: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The free texts given with the event; null when none (or erased)',
  })
  texts: Record<string, unknown> | null;
}

@ApiSchema({
  name: 'DataExportAccessLogEntry',
  description: 'An access to the founder, one of their cases or analyses',
})
export class DataExportAccessLogEntryDto {
  @ApiProperty(instant) at: string;
  @ApiProperty(ACTOR_TYPE_ENUM) actor_type: ActorType;
  @ApiProperty(nullableUuid()) actor_id: string | null;
  @ApiProperty({ example: 'founder' }) resource_type: string;
  @ApiProperty({ type: String, nullable: true }) resource_id: string | null;
  @ApiProperty({ enum: ACCESS_ACTIONS, enumName: 'AccessAction' }) action: AccessAction;
}

@ApiSchema({ name: 'DataExportErasure', description: 'An erasure of the founder\u2019s data' })
export class DataExportErasureDto {
  @ApiProperty(instant) erased_at: string;
  @ApiProperty(ACTOR_TYPE_ENUM) actor_type: ActorType;
  @ApiProperty(uuid()) actor_id: string;
}

@ApiSchema({
  name: 'DataSubjectExport',
  description:
    'Everything stored about a founder (GDPR Art. 15): the stored rows of each table, column by ' +
    'column, with the free texts; history entries with their hash but without the other chain columns',
})
export class DataSubjectExportDto {
  @ApiProperty(instant) generatedAt: string;
  @ApiProperty({ type: DataExportFounderDto }) founder: DataExportFounderDto;
  @ApiProperty({ type: [DataExportCaseDto], description: 'Oldest first' })
  cases: DataExportCaseDto[];
  @ApiProperty({ type: [DataExportCaseHistoryEntryDto], description: 'By case, in order' })
  phaseHistory: DataExportCaseHistoryEntryDto[];
  @ApiProperty({ type: [DataExportContactDto], description: 'By date' })
  contacts: DataExportContactDto[];
  @ApiProperty({ type: [DataExportFollowUpDto], description: 'By case and date' })
  followUps: DataExportFollowUpDto[];
  @ApiProperty({ type: [DataExportEsfEntryDto], description: 'ESF Plus entry records, by case' })
  esfEntries: DataExportEsfEntryDto[];
  @ApiProperty({
    type: [DataExportEsfExitDto],
    description: 'ESF Plus exit records, by case and date',
  })
  esfExits: DataExportEsfExitDto[];
  @ApiProperty({ type: [DataExportTaskDto], description: 'By case and due day' })
  tasks: DataExportTaskDto[];
  @ApiProperty({ type: [DataExportResetAnalysisDto], description: 'Oldest first' })
  resetAnalyses: DataExportResetAnalysisDto[];
  @ApiProperty({ type: [DataExportEksPeriodDto], description: 'By analysis, period and version' })
  resetPeriods: DataExportEksPeriodDto[];
  @ApiProperty({ type: [DataExportResetHistoryEntryDto], description: 'By analysis, in order' })
  resetHistory: DataExportResetHistoryEntryDto[];
  @ApiProperty({ type: [DataExportAccessLogEntryDto], description: 'Oldest first' })
  accessLog: DataExportAccessLogEntryDto[];
  @ApiProperty({ type: [DataExportErasureDto] }) erasures: DataExportErasureDto[];
}
