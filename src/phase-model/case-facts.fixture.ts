import type { CaseFacts } from './case-facts';
import type { PersistedCaseState } from './phase-model';
import type { CaseStatus, Phase } from './phase-model.types';

/**
 * Test support. Facts under which every gate applies and holds: a funded route (viability statement
 * and application date matter), permits required, a registered trade and SGB II benefits.
 */
export function allGatesHold(overrides: Partial<CaseFacts> = {}): CaseFacts {
  return {
    consentGivenOn: '2025-01-10',
    firstCounsellingScheduledOn: '2025-01-20',
    hasFirstCounsellingContact: true,
    businessIdea: 'Catering for events',
    selfEmploymentPermitted: 'yes',
    germanLevel: 'B1',
    suitability: { motivation: 3 },
    fundingRoute: 'einstiegsgeld',
    businessPlanCompletedOn: '2025-03-01',
    financePlanCompletedOn: '2025-03-02',
    viabilityStatement: { issuedBy: 'IHK Rheinhessen', issuedOn: '2025-03-10' },
    fundingAppliedOn: '2025-03-15',
    plannedStartOn: '2025-04-01',
    permitsRequired: true,
    permitsObtainedOn: '2025-03-20',
    businessStartedOn: '2025-04-01',
    tradeRegisteredOn: '2025-03-28',
    taxRegisteredOn: '2025-03-29',
    provisionalIncomeDeclaredOn: '2025-04-02',
    legalForm: 'sole_trader',
    benefitStatus: 'sgb2',
    today: '2025-05-01',
    ...overrides,
  };
}

/** Facts with nothing recorded yet: every gate that applies fails. */
export function nothingRecorded(): CaseFacts {
  return {
    consentGivenOn: null,
    firstCounsellingScheduledOn: null,
    hasFirstCounsellingContact: false,
    businessIdea: null,
    selfEmploymentPermitted: null,
    germanLevel: null,
    suitability: null,
    fundingRoute: null,
    businessPlanCompletedOn: null,
    financePlanCompletedOn: null,
    viabilityStatement: null,
    fundingAppliedOn: null,
    plannedStartOn: null,
    permitsRequired: null,
    permitsObtainedOn: null,
    businessStartedOn: null,
    tradeRegisteredOn: null,
    taxRegisteredOn: null,
    provisionalIncomeDeclaredOn: null,
    legalForm: null,
    benefitStatus: null,
    today: '2025-05-01',
  };
}

/** A stored v1 state written by hand, as it would sit in the jsonb column. */
export function storedState(status: CaseStatus, phase: Phase): PersistedCaseState {
  return { value: status === 'active' ? { active: phase } : status, context: { phase } };
}
