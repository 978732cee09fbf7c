import { availableEvents, type CaseActorRole } from '../phase-model';
import { todayInBerlin } from '../common/time/calendar-date';
import { caseFacts } from './case-facts.mapper';
import type { CaseGateRow, CaseRow } from './case.row';
import type { ContactRow, HistoryRow } from './cases.repository';
import type {
  CaseDto,
  CaseHistoryEntryDto,
  CaseListItemDto,
  ContactDto,
} from './dto/case-response.dto';

/**
 * The API shape of a case, with what the machine accepts now, what this caller's role (in the
 * case's office) may send, and what is still missing.
 */
export function toCaseDto(
  row: CaseGateRow,
  role: CaseActorRole | null,
  today = todayInBerlin(),
): CaseDto {
  return {
    id: row.id,
    officeId: row.office_id,
    founderId: row.founder_id,
    advisorId: row.advisor_id,
    phase: row.phase,
    status: row.status,
    version: row.version,
    machineVersion: row.machine_version,
    phaseEnteredAt: row.phase_entered_at.toISOString(),
    businessIdea: row.business_idea,
    sector: row.sector,
    legalForm: row.legal_form,
    fundingRoute: row.funding_route,
    channel: row.channel,
    contactLanguage: row.contact_language,
    mainOccupation: row.main_occupation,
    coaching: row.coaching,
    resetAnalysisId: row.reset_analysis_id,
    firstCounsellingScheduledOn: row.first_counselling_scheduled_on,
    suitability: row.suitability,
    businessPlanCompletedOn: row.business_plan_completed_on,
    financePlanCompletedOn: row.finance_plan_completed_on,
    viabilityStatement: row.viability_statement,
    fundingAppliedOn: row.funding_applied_on,
    fundingApprovedOn: row.funding_approved_on,
    plannedStartOn: row.planned_start_on,
    permitsRequired: row.permits_required,
    permitsObtainedOn: row.permits_obtained_on,
    businessStartedOn: row.business_started_on,
    tradeRegisteredOn: row.trade_registered_on,
    taxRegisteredOn: row.tax_registered_on,
    provisionalIncomeDeclaredOn: row.provisional_income_declared_on,
    followUpOn: row.follow_up_on,
    benefitPeriodEndsOn: row.benefit_period_ends_on,
    finalIncomeDeclaredOn: row.final_income_declared_on,
    fundingStartsOn: row.funding_starts_on,
    fundingEndsOn: row.funding_ends_on,
    benefitsEndedOn: row.benefits_ended_on,
    exitedOn: row.exited_on,
    outcome: row.outcome,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    availableEvents: availableEvents({
      machineVersion: row.machine_version,
      state: row.state,
      facts: caseFacts(row, today),
      role,
    }),
  };
}

export function toHistoryDto(row: HistoryRow): CaseHistoryEntryDto {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actor: { type: row.actor_type, id: row.actor_id },
    event: row.event,
    fromPhase: row.from_phase,
    toPhase: row.to_phase,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    payload: row.payload,
    texts: row.texts,
    machineVersion: row.machine_version,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function toContactDto(row: ContactRow): ContactDto {
  return {
    id: row.id,
    caseId: row.case_id,
    on: row.on,
    minutes: row.minutes,
    format: row.format,
    kind: row.kind,
    topics: row.topics ?? [],
    language: row.language ?? null,
    interpreter: row.interpreter ?? false,
    notes: row.notes ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** A case as GET /cases lists it. */
export function toCaseListItemDto(row: CaseRow): CaseListItemDto {
  return {
    id: row.id,
    officeId: row.office_id,
    founderId: row.founder_id,
    advisorId: row.advisor_id,
    phase: row.phase,
    status: row.status,
    version: row.version,
    businessIdea: row.business_idea,
    fundingRoute: row.funding_route,
    coaching: row.coaching,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
