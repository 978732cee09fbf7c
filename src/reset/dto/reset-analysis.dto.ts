import { ApiProperty, ApiPropertyOptional, ApiSchema, PickType } from '@nestjs/swagger';
import { LEGAL_FORM_ENUM, type LegalForm } from '../../cases/dto/case.dto';
import { UnmetRequirementSchema } from '../../openapi/problem.schema';
import {
  CHAIN_BREAK_REASONS,
  ChainVerificationDto,
  HASH_PATTERN,
  HistoryActorDto,
  HistoryTextsDto,
} from '../../openapi/shared-schemas';
import type { ResetEventType, ResetRecommendation, ResetStateValue } from '../lifecycle';
import {
  CLIENT_COUNT,
  HOURS_PER_WEEK,
  HouseholdMemberDto,
  LARGEST_CLIENT_SHARE,
  PREMISES_ENUM,
  VAT_SMALL_BUSINESS,
  WZ_CODE_PROPERTY,
  type Premises,
} from './analysis.dto';
import { IndicatorsDto } from './indicators.dto';
import {
  ANALYSIS_VERSION,
  Cents,
  DATE,
  Euros,
  INSTANT,
  RESET_EVENT_TYPE_ENUM,
  RESET_RECOMMENDATION_ENUM,
  RESET_STATE_ENUM,
  UUID,
} from './schema-parts';

/**
 * The answers of the RE_SET analysis routes. The mapper (reset.mapper.ts) and the services return
 * these types, so the compiler holds the shape and the e2e contract check holds the document.
 * Auditors read the same shapes with every free text set to null (privacy/reader-view.ts and
 * privacy/free-text-fields.ts): those properties are nullable and say so.
 */

const AUDITOR_NULL = 'auditors read null';

@ApiSchema({ name: 'ResetBusiness', description: 'The business of the analysed founder' })
export class ResetBusinessDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Friseursalon mit zwei Stühlen',
    description: `What the business does (free text; a placeholder after erasure); ${AUDITOR_NULL}`,
  })
  description: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'personal_services',
    description: `A code from GET /target-sectors (a value stored before sectors were codes may be prose; ${AUDITOR_NULL} for those)`,
  })
  sector: string | null;
  @ApiProperty({ ...WZ_CODE_PROPERTY, nullable: true, description: 'WZ 2008 code; null: none' })
  wzCode: string | null;
  @ApiProperty(LEGAL_FORM_ENUM)
  legalForm: LegalForm;
  @ApiProperty({ ...DATE, example: '2022-03-01', description: 'When the business started' })
  startedOn: string;
  @ApiProperty({ description: 'The business is the main occupation' })
  mainOccupation: boolean;
  @ApiProperty(HOURS_PER_WEEK)
  hoursPerWeek: number;
  @ApiProperty(CLIENT_COUNT)
  clientCount: number;
  @ApiProperty(LARGEST_CLIENT_SHARE)
  largestClientShare: number;
  @ApiProperty(PREMISES_ENUM)
  premises: Premises;
  @ApiProperty(VAT_SMALL_BUSINESS)
  vatSmallBusiness: boolean;
  @ApiProperty({
    ...DATE,
    example: '2023-01-01',
    description: 'Since when the household receives SGB II benefits',
  })
  benefitsSinceOn: string;
}

@ApiSchema({
  name: 'ResetHousehold',
  description:
    'The founder’s household; each amount in euros and, with the suffix Cents, in integer cents',
})
export class ResetHouseholdDto {
  @ApiProperty({ type: [HouseholdMemberDto], description: 'Exactly one member has role self' })
  members: HouseholdMemberDto[];
  @Euros('Extra needs per month (Mehrbedarfe)', { minimum: 0, example: 0 })
  extraNeedsMonthly: number;
  @Cents('Extra needs per month (Mehrbedarfe)', { minimum: 0, example: 0 })
  extraNeedsMonthlyCents: number;
  @Euros('Housing and heating costs per month', { minimum: 0, example: 620.5 })
  housingCostsMonthly: number;
  @Cents('Housing and heating costs per month', { minimum: 0, example: 62050 })
  housingCostsMonthlyCents: number;
  @Euros('Other income of the household per month, as counted income', { minimum: 0, example: 250 })
  otherIncomeMonthly: number;
  @Cents('Other income of the household per month, as counted income', {
    minimum: 0,
    example: 25000,
  })
  otherIncomeMonthlyCents: number;
}

const swot = (what: string, example: string) =>
  ApiProperty({
    type: [String],
    nullable: true,
    example: [example],
    description: `${what} (free texts); ${AUDITOR_NULL}`,
  });

@ApiSchema({
  name: 'ResetAssessment',
  description: 'The SWOT assessment: the draft, or what ASSESS recorded',
})
export class ResetAssessmentDto {
  @swot('Strengths', 'Stammkundschaft')
  strengths: string[] | null;
  @swot('Weaknesses', 'Preise seit 2019 gleich')
  weaknesses: string[] | null;
  @swot('Opportunities', 'Neubaugebiet')
  opportunities: string[] | null;
  @swot('Risks', 'Kette eröffnet')
  risks: string[] | null;
}

@ApiSchema({ name: 'ResetMeasure', description: 'A measure the founder agreed to take' })
export class ResetMeasureDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Preise anheben',
    description: `What is to be done (free text); ${AUDITOR_NULL}`,
  })
  title: string | null;
  @ApiProperty({
    ...DATE,
    nullable: true,
    example: '2026-09-01',
    description: 'By when; null: no date',
  })
  dueOn: string | null;
}

@ApiSchema({ name: 'ResetAnalysisRecommendation', description: 'What RECOMMEND recorded' })
export class ResetAnalysisRecommendationDto {
  @ApiProperty(RESET_RECOMMENDATION_ENUM)
  recommendation: ResetRecommendation;
  @ApiProperty({ type: [ResetMeasureDto] })
  measures: ResetMeasureDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Die Nachfrage ist da, die Preise decken die Kosten nicht.',
    description: `Why (free text); ${AUDITOR_NULL}`,
  })
  rationale: string | null;
}

@ApiSchema({ name: 'ResetDecision', description: 'What DECIDE recorded' })
export class ResetDecisionDto {
  @ApiProperty({ description: 'Whether the founder accepted the recommendation' })
  accepted: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Gründerin stimmt zu',
    description: `A note (free text); null: none, or ${AUDITOR_NULL}`,
  })
  note: string | null;
}

@ApiSchema({ name: 'ResetCancellation', description: 'What CANCEL recorded' })
export class ResetCancellationDto {
  @ApiProperty({ ...RESET_STATE_ENUM, description: 'The state the analysis was cancelled in' })
  fromState: ResetStateValue;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Gründerin zieht weg',
    description: `Why (free text); ${AUDITOR_NULL}`,
  })
  reason: string | null;
}

@ApiSchema({
  name: 'ResetAvailableEvent',
  description:
    'An event the analysis accepts in its current state, and whether this caller can send it now',
})
export class ResetAvailableEventDto {
  @ApiProperty(RESET_EVENT_TYPE_ENUM)
  type: ResetEventType;
  @ApiProperty({
    description: 'This caller may send it now: permitted, and every requirement holds',
  })
  allowed: boolean;
  @ApiProperty({
    description: 'This caller’s role may send it at all (advisors and leads; auditors nothing)',
  })
  permitted: boolean;
  @ApiProperty({
    type: [UnmetRequirementSchema],
    description: 'The requirements that do not hold yet (the 422 it would get)',
  })
  unmet: UnmetRequirementSchema[];
  @ApiPropertyOptional({
    description:
      'DECIDE only: whether this caller may send it with accepted: true (accepting a restart that reopens a closed case needs a lead)',
  })
  mayAccept?: boolean;
}

@ApiSchema({
  name: 'ResetAnalysis',
  description:
    'A RE_SET as-is analysis: business, household, assessment and lifecycle record, the indicators of its EKS periods, ' +
    'its version (also the ETag) and the events it accepts now',
})
export class ResetAnalysisDto {
  @ApiProperty(UUID)
  id: string;
  @ApiProperty(UUID)
  officeId: string;
  @ApiProperty(UUID)
  founderId: string;
  @ApiProperty(RESET_STATE_ENUM)
  state: ResetStateValue;
  @ApiProperty(ANALYSIS_VERSION)
  version: number;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 1,
    description: 'The lifecycle version the analysis follows (GET /reset-analyses/model)',
  })
  machineVersion: number;
  @ApiProperty({ type: ResetBusinessDto })
  business: ResetBusinessDto;
  @ApiProperty({ type: ResetHouseholdDto })
  household: ResetHouseholdDto;
  @ApiProperty({
    type: ResetAssessmentDto,
    nullable: true,
    description: 'The SWOT; null: neither drafted nor assessed yet',
  })
  assessment: ResetAssessmentDto | null;
  @ApiProperty({
    type: ResetAnalysisRecommendationDto,
    nullable: true,
    description: 'null until RECOMMEND',
  })
  recommendation: ResetAnalysisRecommendationDto | null;
  @ApiProperty({ type: ResetDecisionDto, nullable: true, description: 'null until DECIDE' })
  decision: ResetDecisionDto | null;
  @ApiProperty({ type: ResetCancellationDto, nullable: true, description: 'null unless cancelled' })
  cancellation: ResetCancellationDto | null;
  @ApiProperty({
    ...UUID,
    nullable: true,
    description: 'The case an accepted restart_with_coaching created or reopened',
  })
  caseId: string | null;
  @ApiProperty({
    type: [String],
    format: 'date',
    example: ['2026-01-01'],
    description: 'The starts of the recorded EKS periods, in order',
  })
  periodStarts: string[];
  @ApiProperty({ type: IndicatorsDto })
  indicators: IndicatorsDto;
  @ApiProperty({
    type: [ResetAvailableEventDto],
    description: 'Only the events the current state accepts (none once decided or cancelled)',
  })
  availableEvents: ResetAvailableEventDto[];
  @ApiProperty(INSTANT)
  createdAt: string;
  @ApiProperty(INSTANT)
  updatedAt: string;
}

@ApiSchema({
  name: 'ResetAnalysisListItem',
  description: 'An analysis in a list: its state and dates, no data',
})
export class ResetAnalysisListItemDto extends PickType(ResetAnalysisDto, [
  'id',
  'officeId',
  'founderId',
  'state',
  'version',
] as const) {
  @ApiProperty({
    ...RESET_RECOMMENDATION_ENUM,
    nullable: true,
    description: 'null until RECOMMEND',
  })
  recommendation: ResetRecommendation | null;
  @ApiProperty({
    ...UUID,
    nullable: true,
    description: 'The case an accepted restart_with_coaching created or reopened',
  })
  caseId: string | null;
  @ApiProperty({
    ...DATE,
    nullable: true,
    description:
      'The earliest due date of a final EKS among its provisional periods (latest versions); null: none due',
  })
  nextFinalDeclarationDueOn: string | null;
  @ApiProperty(INSTANT)
  createdAt: string;
  @ApiProperty(INSTANT)
  updatedAt: string;
}

@ApiSchema({
  name: 'ResetAnalysisPage',
  description: 'One keyset page of analyses, newest change first',
})
export class ResetAnalysisPageDto {
  @ApiProperty({ type: [ResetAnalysisListItemDto] })
  items: ResetAnalysisListItemDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export const RESTART_CASE_ACTIONS = ['created', 'reopened'] as const;
export type RestartCaseAction = (typeof RESTART_CASE_ACTIONS)[number];

/** A type literal (not the class) so that it is a Record<string, unknown>, as the chain reads it. */
export type ResetHistoryPayload = {
  recommendation?: ResetRecommendation;
  measureCount?: number;
  accepted?: boolean;
  caseId?: string;
  caseAction?: RestartCaseAction;
};

@ApiSchema({
  name: 'ResetHistoryPayload',
  description: 'The codes and counts an event carried (its free texts are in texts)',
})
export class ResetHistoryPayloadDto implements ResetHistoryPayload {
  @ApiPropertyOptional({ ...RESET_RECOMMENDATION_ENUM, description: 'RECOMMEND' })
  recommendation?: ResetRecommendation;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 1,
    description: 'RECOMMEND: how many measures',
  })
  measureCount?: number;
  @ApiPropertyOptional({ description: 'DECIDE' })
  accepted?: boolean;
  @ApiPropertyOptional({
    ...UUID,
    description: 'DECIDE of an accepted restart_with_coaching: the case it restarted',
  })
  caseId?: string;
  @ApiPropertyOptional({
    enum: RESTART_CASE_ACTIONS,
    enumName: 'RestartCaseAction',
    description:
      'DECIDE of an accepted restart_with_coaching: whether the case was created or a closed one reopened',
  })
  caseAction?: RestartCaseAction;
}

@ApiSchema({
  name: 'ResetHistoryEntry',
  description: 'One lifecycle event of an analysis, sealed into its hash chain',
})
export class ResetHistoryEntryDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Position in the chain, from 1' })
  seq: number;
  @ApiProperty(INSTANT)
  at: string;
  @ApiProperty({ type: HistoryActorDto })
  actor: HistoryActorDto;
  @ApiProperty(RESET_EVENT_TYPE_ENUM)
  event: ResetEventType;
  @ApiProperty(RESET_STATE_ENUM)
  fromState: ResetStateValue;
  @ApiProperty(RESET_STATE_ENUM)
  toState: ResetStateValue;
  @ApiProperty({ type: ResetHistoryPayloadDto })
  payload: ResetHistoryPayloadDto;
  @ApiProperty({
    type: HistoryTextsDto,
    nullable: true,
    description: `DECIDE's note, CANCEL's reason; null: none given, erased, or ${AUDITOR_NULL}`,
  })
  texts: HistoryTextsDto | null;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The lifecycle version the event was applied with',
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

@ApiSchema({
  name: 'ResetHistory',
  description: 'The append-only lifecycle history of an analysis',
})
export class ResetHistoryDto {
  @ApiProperty(UUID)
  analysisId: string;
  @ApiProperty(ANALYSIS_VERSION)
  version: number;
  @ApiPropertyOptional({
    type: ChainVerificationDto,
    description: `Only with ?verify=true: the recomputed hash chain (first break: ${CHAIN_BREAK_REASONS.join(', ')})`,
  })
  chain?: ChainVerificationDto;
  @ApiProperty({ type: [ResetHistoryEntryDto], description: 'Oldest first' })
  items: ResetHistoryEntryDto[];
}
