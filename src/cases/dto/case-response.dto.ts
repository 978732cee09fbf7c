import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  CHAIN_BREAK_REASONS,
  ChainVerificationDto,
  HASH_PATTERN,
  HistoryActorDto,
  HistoryTextsDto,
} from '../../openapi/shared-schemas';
import { UnmetRequirementSchema } from '../../openapi/problem.schema';
import { FOLLOW_UP_EVENT } from '../../follow-ups/follow-up-event';
import {
  CASE_EVENT_TYPES,
  CASE_STATUSES,
  COMPLETION_OUTCOMES,
  DROP_OUT_REASONS,
  PHASES,
  RESTART_EVENT,
  type CaseEventType,
  type CaseStatus,
  type CompletionOutcome,
  type DropOutReason,
  type FundingRoute,
  type Phase,
} from '../../phase-model';
import {
  CHANNEL_ENUM,
  CONTACT_FORMAT_ENUM,
  CONTACT_KIND_ENUM,
  FUNDING_ROUTE_ENUM,
  LANGUAGE_PROPERTY,
  LEGAL_FORM_ENUM,
  SuitabilityDto,
  type Channel,
  type ContactFormat,
  type ContactKind,
  type LegalForm,
} from './case.dto';
import { TRANSFER_EVENT } from '../../transfers/transfer-event';

/**
 * The answers of the cases routes. The mapper (case.mapper.ts) and the services return these
 * types, so the compiler holds the shape and the e2e contract check holds the document.
 * Auditors read the same shapes with every free text set to null (privacy/reader-view.ts).
 */

const UUID = { type: String, format: 'uuid' } as const;
const INSTANT = { type: String, format: 'date-time' } as const;
const DATE = { type: String, format: 'date', example: '2026-03-02' } as const;
const nullableDate = (description: string) => ApiProperty({ ...DATE, nullable: true, description });
const VERSION = {
  type: 'integer',
  minimum: 1,
  example: 3,
  description:
    'Goes up with every change of the case (data, contact, event); the ETag is this number in quotes',
} as const;
export const PHASE_ENUM = { enum: PHASES, enumName: 'Phase' } as const;
export const CASE_STATUS_ENUM = { enum: CASE_STATUSES, enumName: 'CaseStatus' } as const;
const OUTCOME_ENUM = { enum: COMPLETION_OUTCOMES, enumName: 'CompletionOutcome' } as const;

@ApiSchema({
  name: 'ViabilityStatement',
  description: 'The viability statement (Tragfähigkeitsbescheinigung) of an expert body',
})
export class ViabilityStatementAnswerDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'IHK für Rheinhessen',
    description: 'Who issued it (free text); auditors read null',
  })
  issuedBy: string | null;
  @ApiProperty({ ...DATE, description: 'When it was issued' })
  issuedOn: string;
}

@ApiSchema({
  name: 'AvailableEvent',
  description:
    'An event the case accepts in its current state, and whether this caller can send it now',
})
export class AvailableEventDto {
  @ApiProperty({ enum: CASE_EVENT_TYPES, enumName: 'CaseEventType' })
  type: CaseEventType;
  @ApiProperty({
    description: 'This caller may send it now: permitted, and every stage gate holds',
  })
  allowed: boolean;
  @ApiProperty({
    description:
      'This caller\u2019s role may send it at all (REOPEN: leads only; auditors: nothing)',
  })
  permitted: boolean;
  @ApiProperty({
    type: [UnmetRequirementSchema],
    description: 'The stage gates that do not hold yet (the 422 it would get)',
  })
  unmet: UnmetRequirementSchema[];
}

/** The fields a case and a case list item share. */
class CaseHeadDto {
  @ApiProperty(UUID)
  id: string;
  @ApiProperty({ ...UUID, description: 'The counselling office the case belongs to' })
  officeId: string;
  @ApiProperty({ ...UUID, description: 'The founder counselled' })
  founderId: string;
  @ApiProperty({
    ...UUID,
    nullable: true,
    description: 'The advisor in charge; null: none assigned',
  })
  advisorId: string | null;
  @ApiProperty(PHASE_ENUM)
  phase: Phase;
  @ApiProperty(CASE_STATUS_ENUM)
  status: CaseStatus;
  @ApiProperty(VERSION)
  version: number;
  @ApiProperty({ type: String, nullable: true, description: 'Free text; auditors read null' })
  businessIdea: string | null;
  @ApiProperty({ ...FUNDING_ROUTE_ENUM, nullable: true })
  fundingRoute: FundingRoute | null;
  @ApiProperty({ description: 'The case is coached after a RE_SET analysis' })
  coaching: boolean;
  @ApiProperty(INSTANT)
  createdAt: string;
  @ApiProperty({ ...INSTANT, description: 'The last change (data, contact or event)' })
  updatedAt: string;
}

@ApiSchema({ name: 'CaseListItem', description: 'A case as the list shows it' })
export class CaseListItemDto extends CaseHeadDto {}

@ApiSchema({ name: 'CasePage', description: 'One keyset page of cases, newest change first' })
export class CasePageDto {
  @ApiProperty({ type: [CaseListItemDto] })
  items: CaseListItemDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}

@ApiSchema({
  name: 'Case',
  description:
    'A founder\u2019s case along the 4+1 phase model: its data and milestones, where it stands, and the events it accepts now',
})
export class CaseDto extends CaseHeadDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The version of the phase model the case follows',
    example: 1,
  })
  machineVersion: number;
  @ApiProperty({ ...INSTANT, description: 'When the case entered its current phase' })
  phaseEnteredAt: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'gastronomy',
    description:
      'A code from GET /target-sectors. A value stored before sectors were codes may be prose: advisors and leads read it, auditors read null',
  })
  sector: string | null;
  @ApiProperty({ ...LEGAL_FORM_ENUM, nullable: true })
  legalForm: LegalForm | null;
  @ApiProperty({ ...CHANNEL_ENUM, nullable: true })
  channel: Channel | null;
  @ApiProperty({
    ...LANGUAGE_PROPERTY,
    nullable: true,
    description: 'The language to counsel in (ISO 639-1)',
  })
  contactLanguage: string | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'The business is the main occupation',
  })
  mainOccupation: boolean | null;
  @ApiProperty({
    ...UUID,
    nullable: true,
    description: 'The RE_SET analysis whose accepted restart put the case (back) at planning',
  })
  resetAnalysisId: string | null;
  @nullableDate('The appointment for the first counselling')
  firstCounsellingScheduledOn: string | null;
  @ApiProperty({ type: SuitabilityDto, nullable: true, description: 'null: not assessed yet' })
  suitability: SuitabilityDto | null;
  @nullableDate('The business plan was completed')
  businessPlanCompletedOn: string | null;
  @nullableDate('The finance plan was completed')
  financePlanCompletedOn: string | null;
  @ApiProperty({
    type: ViabilityStatementAnswerDto,
    nullable: true,
    description: 'null: none recorded',
  })
  viabilityStatement: ViabilityStatementAnswerDto | null;
  @nullableDate('The funding was applied for')
  fundingAppliedOn: string | null;
  @nullableDate('The funding was approved')
  fundingApprovedOn: string | null;
  @nullableDate('The planned start of the business')
  plannedStartOn: string | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'The business needs permits (null: not answered yet)',
  })
  permitsRequired: boolean | null;
  @nullableDate('The required permits were obtained')
  permitsObtainedOn: string | null;
  @nullableDate('The business started')
  businessStartedOn: string | null;
  @nullableDate('The trade was registered (Gewerbeanmeldung)')
  tradeRegisteredOn: string | null;
  @nullableDate('The business was registered with the tax office')
  taxRegisteredOn: string | null;
  @nullableDate('The provisional income declaration (Anlage EKS) was filed')
  provisionalIncomeDeclaredOn: string | null;
  @nullableDate('The next follow-up (COMPLETE sets it)')
  followUpOn: string | null;
  @nullableDate('The end of the SGB II benefit period whose final income declaration is due')
  benefitPeriodEndsOn: string | null;
  @nullableDate('The final income declaration (abschlie\u00dfende Anlage EKS) was filed')
  finalIncomeDeclaredOn: string | null;
  @nullableDate('The first day of the approved funding (Einstiegsgeld)')
  fundingStartsOn: string | null;
  @nullableDate('The last day of the approved funding')
  fundingEndsOn: string | null;
  @nullableDate(
    'The day the Jobcenter\u2019s benefits ended because of the self-employment (exit from benefits)',
  )
  benefitsEndedOn: string | null;
  @nullableDate(
    'The day (Europe/Berlin) the case was completed or dropped out; null while open (REOPEN and RESTART clear it)',
  )
  exitedOn: string | null;
  @ApiProperty({
    ...OUTCOME_ENUM,
    nullable: true,
    description: 'How the case ended (COMPLETE); null while open and after REOPEN',
  })
  outcome: CompletionOutcome | null;
  @ApiProperty({
    type: [AvailableEventDto],
    description:
      'Every event the case accepts in its state, in the order of the model, for this caller',
  })
  availableEvents: AvailableEventDto[];
}

/**
 * The history events: the client events and the system's RESTART of an accepted RE_SET analysis.
 * TRANSFER: an accepted hand-over to another office (src/transfers), phase and status unchanged.
 * FOLLOW_UP: a follow-up after exit (POST /cases/:id/follow-ups), phase and status unchanged.
 */
export const CASE_HISTORY_EVENTS = [
  ...CASE_EVENT_TYPES,
  RESTART_EVENT,
  TRANSFER_EVENT,
  FOLLOW_UP_EVENT,
] as const;
export type CaseHistoryEvent = (typeof CASE_HISTORY_EVENTS)[number];

/** A type literal (not the class) so that it is a Record<string, unknown>, as the chain reads it. */
export type CaseHistoryPayload = {
  outcome?: CompletionOutcome;
  followUpOn?: string;
  reasonCode?: DropOutReason;
  resetAnalysisId?: string;
};

@ApiSchema({
  name: 'CaseHistoryPayload',
  description: 'The codes an event carried (its free texts are in texts)',
})
export class CaseHistoryPayloadDto implements CaseHistoryPayload {
  @ApiPropertyOptional({ ...OUTCOME_ENUM, description: 'COMPLETE' })
  outcome?: CompletionOutcome;
  @ApiPropertyOptional({
    ...DATE,
    description: 'COMPLETE: the planned follow-up; FOLLOW_UP: the day of the follow-up',
  })
  followUpOn?: string;
  @ApiPropertyOptional({
    enum: DROP_OUT_REASONS,
    enumName: 'DropOutReason',
    description: 'DROP_OUT',
  })
  reasonCode?: DropOutReason;
  @ApiPropertyOptional({
    ...UUID,
    description: 'RESTART: the RE_SET analysis whose accepted decision restarted the case',
  })
  resetAnalysisId?: string;
}

@ApiSchema({
  name: 'CaseHistoryEntry',
  description: 'One phase-model event of a case, sealed into the case\u2019s hash chain',
})
export class CaseHistoryEntryDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Position in the chain, from 1' })
  seq: number;
  @ApiProperty(INSTANT)
  at: string;
  @ApiProperty({ type: HistoryActorDto })
  actor: HistoryActorDto;
  @ApiProperty({
    enum: CASE_HISTORY_EVENTS,
    enumName: 'CaseHistoryEvent',
    description:
      'A client event, RESTART: the system event of an accepted RE_SET analysis, TRANSFER: the hand-over to another office, or FOLLOW_UP: a follow-up after exit (phase and status unchanged)',
  })
  event: CaseHistoryEvent;
  @ApiProperty({ ...PHASE_ENUM, nullable: true })
  fromPhase: Phase | null;
  @ApiProperty(PHASE_ENUM)
  toPhase: Phase;
  @ApiProperty({ ...CASE_STATUS_ENUM, nullable: true })
  fromStatus: CaseStatus | null;
  @ApiProperty(CASE_STATUS_ENUM)
  toStatus: CaseStatus;
  @ApiProperty({ type: CaseHistoryPayloadDto })
  payload: CaseHistoryPayloadDto;
  @ApiProperty({
    type: HistoryTextsDto,
    nullable: true,
    description: 'null: none given, erased, or the caller is an auditor',
  })
  texts: HistoryTextsDto | null;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The phase-model version the event was applied with',
  })
  machineVersion: number;
  @ApiProperty({
    type: String,
    pattern: HASH_PATTERN,
    description: 'The hash of the entry before (64 zeros for the first)',
  })
  prevHash: string;
  @ApiProperty({ type: String, pattern: HASH_PATTERN })
  hash: string;
}

@ApiSchema({ name: 'CaseHistory', description: 'The append-only phase history of a case' })
export class CaseHistoryDto {
  @ApiProperty(UUID)
  caseId: string;
  @ApiProperty(VERSION)
  version: number;
  @ApiPropertyOptional({
    type: ChainVerificationDto,
    description: `Only with ?verify=true: the recomputed hash chain (first break: ${CHAIN_BREAK_REASONS.join(', ')})`,
  })
  chain?: ChainVerificationDto;
  @ApiProperty({ type: [CaseHistoryEntryDto], description: 'Oldest first' })
  items: CaseHistoryEntryDto[];
}

@ApiSchema({ name: 'Contact', description: 'A counselling contact with the founder of a case' })
export class ContactDto {
  @ApiProperty(UUID)
  id: string;
  @ApiProperty(UUID)
  caseId: string;
  @ApiProperty({ ...DATE, example: '2026-02-10', description: 'The day of the contact' })
  on: string;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 1440,
    description: 'Its length in minutes',
    example: 60,
  })
  minutes: number;
  @ApiProperty(CONTACT_FORMAT_ENUM)
  format: ContactFormat;
  @ApiProperty(CONTACT_KIND_ENUM)
  kind: ContactKind;
  @ApiProperty({
    type: [String],
    description: 'Free-text topics (empty after erasure)',
    example: ['business plan'],
  })
  topics: string[];
  @ApiProperty({
    ...LANGUAGE_PROPERTY,
    nullable: true,
    description: 'The language of the contact (ISO 639-1)',
    example: 'tr',
  })
  language: string | null;
  @ApiProperty({ description: 'An interpreter took part' })
  interpreter: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Free text' })
  notes: string | null;
  @ApiProperty({ ...UUID, nullable: true, description: 'The user or API key that recorded it' })
  createdBy: string | null;
  @ApiProperty(INSTANT)
  createdAt: string;
}

@ApiSchema({
  name: 'RecordedContact',
  description: 'The contact as recorded, with the version of the case it made',
})
export class RecordedContactDto extends ContactDto {
  @ApiProperty({
    ...VERSION,
    description:
      'The new version of the case (a contact is a change of the case): its ETag is this number in quotes',
  })
  caseVersion: number;
}

@ApiSchema({ name: 'ContactList', description: 'The counselling contacts of a case, latest first' })
export class ContactListDto {
  @ApiProperty({ type: [ContactDto] })
  items: ContactDto[];
}
