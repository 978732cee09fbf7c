import type { CaseFacts, FundingRoute } from './case-facts';
import type { BilingualLabel, CaseEventType } from './phase-model.types';

/** The stage gates: what must hold before a case may move forward. Pure checks over CaseFacts. */

export type RequirementCode =
  | 'consent_recorded'
  | 'first_counselling_scheduled'
  | 'first_counselling_documented'
  | 'business_idea_recorded'
  | 'self_employment_permitted'
  | 'language_level_recorded'
  | 'suitability_assessed'
  | 'funding_route_chosen'
  | 'business_plan_complete'
  | 'finance_plan_complete'
  | 'viability_statement_present'
  | 'funding_applied_before_start'
  | 'permits_obtained'
  | 'business_started'
  | 'trade_registered'
  | 'tax_registered'
  | 'provisional_income_declared';

export interface Requirement {
  code: RequirementCode;
  event: CaseEventType;
  label: BilingualLabel;
  /** The English sentence the API returns when the requirement is not met. */
  message: string;
}

export interface UnmetRequirement {
  code: RequirementCode;
  message: string;
}

const req = (
  code: RequirementCode,
  event: CaseEventType,
  de: string,
  en: string,
  message: string,
): Requirement => ({ code, event, label: { de, en }, message });

/** Plain data, in the order the gates are checked and reported. */
export const REQUIREMENTS: readonly Requirement[] = [
  req(
    'consent_recorded',
    'START_COUNSELLING',
    'Einwilligung zur Datenverarbeitung erfasst',
    'Consent to data processing recorded',
    'Consent to data processing must be recorded before first counselling starts.',
  ),
  req(
    'first_counselling_scheduled',
    'START_COUNSELLING',
    'Termin zur Erstberatung vereinbart',
    'First-counselling appointment scheduled',
    'A first-counselling appointment must be scheduled.',
  ),
  req(
    'first_counselling_documented',
    'START_PLANNING',
    'Erstberatung dokumentiert',
    'First counselling documented',
    'The first counselling must be documented as a contact.',
  ),
  req(
    'business_idea_recorded',
    'START_PLANNING',
    'Geschäftsidee erfasst',
    'Business idea recorded',
    'The business idea must be recorded.',
  ),
  req(
    'self_employment_permitted',
    'START_PLANNING',
    'Aufenthaltsstatus erlaubt Selbstständigkeit',
    'Residence status allows self-employment',
    'The residence status must allow self-employment (yes, applied or not required).',
  ),
  req(
    'language_level_recorded',
    'START_PLANNING',
    'Sprachniveau erfasst',
    'Language level recorded',
    'The language level must be recorded.',
  ),
  req(
    'suitability_assessed',
    'START_PLANNING',
    'Persönliche Eignung eingeschätzt',
    'Personal suitability assessed',
    'The personal suitability must be assessed.',
  ),
  req(
    'funding_route_chosen',
    'START_PLANNING',
    'Förderweg gewählt',
    'Funding route chosen',
    'A funding route must be chosen (or none).',
  ),
  req(
    'business_plan_complete',
    'LAUNCH',
    'Businessplan fertiggestellt',
    'Business plan complete',
    'The business plan must be completed.',
  ),
  req(
    'finance_plan_complete',
    'LAUNCH',
    'Finanzplan fertiggestellt',
    'Finance plan complete',
    'The finance plan must be completed.',
  ),
  req(
    'viability_statement_present',
    'LAUNCH',
    'Tragfähigkeitsbescheinigung liegt vor',
    'Viability statement present',
    'The chosen funding route requires a viability statement from an expert body.',
  ),
  req(
    'funding_applied_before_start',
    'LAUNCH',
    'Förderantrag vor dem Start gestellt',
    'Funding applied for before the start',
    'The funding application date and the planned start date must be recorded, and the application must be earlier than the start.',
  ),
  req(
    'permits_obtained',
    'LAUNCH',
    'Erforderliche Genehmigungen liegen vor',
    'Required permits obtained',
    'The required permits must be obtained.',
  ),
  req(
    'business_started',
    'START_CONSOLIDATION',
    'Unternehmen gestartet',
    'Business started',
    'The business start date must be recorded and must not be in the future.',
  ),
  req(
    'trade_registered',
    'START_CONSOLIDATION',
    'Gewerbe angemeldet',
    'Trade registered',
    'The trade registration must be recorded unless the business is freelance.',
  ),
  req(
    'tax_registered',
    'START_CONSOLIDATION',
    'Steuerliche Anmeldung erfolgt',
    'Registered with the tax office',
    'The registration with the tax office must be recorded.',
  ),
  req(
    'provisional_income_declared',
    'START_CONSOLIDATION',
    'Vorläufige EKS eingereicht',
    'Provisional income declaration filed',
    'A provisional income declaration (Anlage EKS) must be recorded for a person on SGB II.',
  ),
];

// Routes whose funding depends on a viability statement and on applying before the start.
const FUNDED_ROUTES: readonly FundingRoute[] = ['einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c'];

const isSet = (value: string | null): value is string => value !== null && value.trim() !== '';
const isFunded = (f: CaseFacts) =>
  f.fundingRoute !== null && FUNDED_ROUTES.includes(f.fundingRoute);

/** `true` means met or not applicable. A Record so that a new code without a check fails to compile. */
const CHECKS: Record<RequirementCode, (f: CaseFacts) => boolean> = {
  consent_recorded: (f) => isSet(f.consentGivenOn),
  first_counselling_scheduled: (f) => isSet(f.firstCounsellingScheduledOn),
  first_counselling_documented: (f) => f.hasFirstCounsellingContact,
  business_idea_recorded: (f) => isSet(f.businessIdea),
  self_employment_permitted: (f) =>
    f.selfEmploymentPermitted === 'yes' ||
    f.selfEmploymentPermitted === 'applied' ||
    f.selfEmploymentPermitted === 'not_required',
  language_level_recorded: (f) => isSet(f.germanLevel),
  suitability_assessed: (f) => f.suitability !== null,
  funding_route_chosen: (f) => f.fundingRoute !== null,
  business_plan_complete: (f) => isSet(f.businessPlanCompletedOn),
  finance_plan_complete: (f) => isSet(f.financePlanCompletedOn),
  viability_statement_present: (f) =>
    !isFunded(f) ||
    (f.viabilityStatement !== null &&
      isSet(f.viabilityStatement.issuedBy) &&
      isSet(f.viabilityStatement.issuedOn)),
  funding_applied_before_start: (f) =>
    !isFunded(f) ||
    (isSet(f.fundingAppliedOn) && isSet(f.plannedStartOn) && f.fundingAppliedOn < f.plannedStartOn),
  // Only an explicit "permits required" gates; an unanswered question (null) does not block.
  permits_obtained: (f) => f.permitsRequired !== true || isSet(f.permitsObtainedOn),
  business_started: (f) => isSet(f.businessStartedOn) && f.businessStartedOn <= f.today,
  trade_registered: (f) => f.legalForm === 'freelance' || isSet(f.tradeRegisteredOn),
  tax_registered: (f) => isSet(f.taxRegisteredOn),
  provisional_income_declared: (f) =>
    f.benefitStatus !== 'sgb2' || isSet(f.provisionalIncomeDeclaredOn),
};

export function requirementCodesFor(eventType: CaseEventType): RequirementCode[] {
  return REQUIREMENTS.filter((r) => r.event === eventType).map((r) => r.code);
}

/** The gates of `eventType` that do not hold; empty for events without gates. */
export function unmetRequirements(eventType: CaseEventType, facts: CaseFacts): UnmetRequirement[] {
  return REQUIREMENTS.filter((r) => r.event === eventType && !CHECKS[r.code](facts)).map((r) => ({
    code: r.code,
    message: r.message,
  }));
}
