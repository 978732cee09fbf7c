import type { CaseFacts } from '../phase-model';
import type { CaseGateRow } from './case.row';

/** What the stage gates look at, from a case row joined with its founder and contacts. */
export function caseFacts(row: CaseGateRow, today: string): CaseFacts {
  return {
    consentGivenOn: row.consent_given_on,
    firstCounsellingScheduledOn: row.first_counselling_scheduled_on,
    hasFirstCounsellingContact: row.has_first_counselling_contact,
    businessIdea: row.business_idea,
    selfEmploymentPermitted: row.self_employment_permitted as CaseFacts['selfEmploymentPermitted'],
    germanLevel: row.german_level,
    suitability: row.suitability,
    fundingRoute: row.funding_route,
    businessPlanCompletedOn: row.business_plan_completed_on,
    financePlanCompletedOn: row.finance_plan_completed_on,
    viabilityStatement: row.viability_statement,
    fundingAppliedOn: row.funding_applied_on,
    plannedStartOn: row.planned_start_on,
    permitsRequired: row.permits_required,
    permitsObtainedOn: row.permits_obtained_on,
    businessStartedOn: row.business_started_on,
    tradeRegisteredOn: row.trade_registered_on,
    taxRegisteredOn: row.tax_registered_on,
    provisionalIncomeDeclaredOn: row.provisional_income_declared_on,
    legalForm: row.legal_form,
    benefitStatus: row.benefit_status as CaseFacts['benefitStatus'],
    today,
  };
}
