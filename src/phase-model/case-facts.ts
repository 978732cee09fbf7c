/**
 * Everything the stage gates look at, loaded by the caller before a transition. Gates are pure
 * functions of these facts so they can be tested without a database; `today` is injected so that no
 * gate ever reads the clock. All dates are ISO calendar dates (YYYY-MM-DD), which compare correctly
 * as strings.
 */
export interface CaseFacts {
  consentGivenOn: string | null;
  firstCounsellingScheduledOn: string | null;
  hasFirstCounsellingContact: boolean;
  businessIdea: string | null;
  selfEmploymentPermitted: 'yes' | 'applied' | 'no' | 'not_required' | 'unknown' | null;
  germanLevel: string | null;
  suitability: object | null;
  fundingRoute: FundingRoute | null;
  businessPlanCompletedOn: string | null;
  financePlanCompletedOn: string | null;
  viabilityStatement: { issuedBy: string; issuedOn: string } | null;
  fundingAppliedOn: string | null;
  plannedStartOn: string | null;
  permitsRequired: boolean | null;
  permitsObtainedOn: string | null;
  businessStartedOn: string | null;
  tradeRegisteredOn: string | null;
  taxRegisteredOn: string | null;
  provisionalIncomeDeclaredOn: string | null;
  legalForm: string | null;
  benefitStatus: 'sgb2' | 'sgb3' | 'none' | 'other' | null;
  today: string;
}

export type FundingRoute = 'einstiegsgeld' | 'gruendungszuschuss' | 'sgb2_16c' | 'none' | 'other';
