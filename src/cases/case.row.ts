import type {
  CaseStatus,
  CompletionOutcome,
  FundingRoute,
  PersistedCaseState,
  Phase,
} from '../phase-model';
import type { Channel, LegalForm } from './dto/case.dto';

/** The suitability as a PATCH stored it (SuitabilityDto). */
export interface StoredSuitability {
  motivation: number;
  tradeKnowledge: number;
  businessSkills: number;
  familySituation: number;
  resilience: number;
  summary?: string | null;
}

/**
 * A founder_case row as the repository returns it (snake_case, dates as YYYY-MM-DD strings).
 * @table founder_case
 */
export interface CaseRow {
  id: string;
  office_id: string;
  founder_id: string;
  advisor_id: string | null;
  phase: Phase;
  status: CaseStatus;
  machine_version: number;
  state: PersistedCaseState;
  version: number;
  phase_entered_at: Date;
  business_idea: string | null;
  sector: string | null;
  legal_form: LegalForm | null;
  funding_route: FundingRoute | null;
  channel: Channel | null;
  contact_language: string | null;
  main_occupation: boolean | null;
  coaching: boolean;
  /** The RE_SET analysis whose accepted restart put the case (back) at planning. */
  reset_analysis_id: string | null;
  first_counselling_scheduled_on: string | null;
  suitability: StoredSuitability | null;
  business_plan_completed_on: string | null;
  finance_plan_completed_on: string | null;
  viability_statement: { issuedBy: string; issuedOn: string } | null;
  funding_applied_on: string | null;
  funding_approved_on: string | null;
  planned_start_on: string | null;
  permits_required: boolean | null;
  permits_obtained_on: string | null;
  business_started_on: string | null;
  trade_registered_on: string | null;
  tax_registered_on: string | null;
  provisional_income_declared_on: string | null;
  follow_up_on: string | null;
  /** The end of the SGB II benefit period (provisional approval) whose final declaration is due. */
  benefit_period_ends_on: string | null;
  final_income_declared_on: string | null;
  /** The day the Jobcenter's benefits ended because of the self-employment (src/reports outcomes). */
  benefits_ended_on: string | null;
  /** The approved funding period (Einstiegsgeld: at most 24 months). */
  funding_starts_on: string | null;
  funding_ends_on: string | null;
  /** The day (Berlin) the case was completed or dropped out; null while open. */
  exited_on: string | null;
  /** The office that opened the case; a hand-over changes office_id, never this (src/reports). */
  created_office_id: string;
  outcome: CompletionOutcome | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What the stage gates need from the founder and the contacts, loaded with the case. */
export interface CaseGateRow extends CaseRow {
  consent_given_on: string | null;
  self_employment_permitted: string | null;
  german_level: string | null;
  benefit_status: string | null;
  has_first_counselling_contact: boolean;
  /** Set when the founder was erased: the case keeps its history but takes no new data. */
  founder_erased_at: Date | null;
  /** A transfer of the founder is open: nothing may be written until it is decided (src/transfers). */
  founder_in_transfer: boolean;
}

/** API field → column, for the case data a PATCH may set. */
export const CASE_DATA_COLUMNS = {
  businessIdea: 'business_idea',
  sector: 'sector',
  legalForm: 'legal_form',
  fundingRoute: 'funding_route',
  channel: 'channel',
  contactLanguage: 'contact_language',
  advisorId: 'advisor_id',
  mainOccupation: 'main_occupation',
  firstCounsellingScheduledOn: 'first_counselling_scheduled_on',
  suitability: 'suitability',
  businessPlanCompletedOn: 'business_plan_completed_on',
  financePlanCompletedOn: 'finance_plan_completed_on',
  viabilityStatement: 'viability_statement',
  fundingAppliedOn: 'funding_applied_on',
  fundingApprovedOn: 'funding_approved_on',
  plannedStartOn: 'planned_start_on',
  permitsRequired: 'permits_required',
  permitsObtainedOn: 'permits_obtained_on',
  businessStartedOn: 'business_started_on',
  tradeRegisteredOn: 'trade_registered_on',
  taxRegisteredOn: 'tax_registered_on',
  provisionalIncomeDeclaredOn: 'provisional_income_declared_on',
  followUpOn: 'follow_up_on',
  benefitPeriodEndsOn: 'benefit_period_ends_on',
  finalIncomeDeclaredOn: 'final_income_declared_on',
  fundingStartsOn: 'funding_starts_on',
  fundingEndsOn: 'funding_ends_on',
  benefitsEndedOn: 'benefits_ended_on',
} as const;

export type CaseDataField = keyof typeof CASE_DATA_COLUMNS;
export const JSON_COLUMNS = new Set(['suitability', 'viability_statement']);
