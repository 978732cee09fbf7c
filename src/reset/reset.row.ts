import type { LegalForm } from '../cases/dto/case.dto';
import type { StoredResetHistoryRow } from '../history-chain/history-sealer';
import type { ActorType } from '../openapi/shared-schemas';
import type { Premises } from './dto/analysis.dto';
import type { ResetHistoryPayload } from './dto/reset-analysis.dto';
import type {
  ResetEventType,
  ResetRecommendation,
  ResetState,
  ResetStateValue,
  Swot,
} from './lifecycle';

/** What the analysis stores about the business (the API's business object, as sent). */
export interface StoredBusiness {
  description: string;
  sector: string;
  wzCode: string | null;
  legalForm: LegalForm;
  startedOn: string;
  mainOccupation: boolean;
  hoursPerWeek: number;
  clientCount: number;
  largestClientShare: number;
  premises: Premises;
  vatSmallBusiness: boolean;
  benefitsSinceOn: string;
}

export interface StoredMember {
  role: 'self' | 'partner' | 'child' | 'other';
  birthYear?: number;
  standardRateLevel: 1 | 2 | 3 | 4 | 5 | 6;
}

/** A reset_analysis row as the repository returns it. */
export interface AnalysisRow {
  id: string;
  office_id: string;
  founder_id: string;
  state: ResetStateValue;
  machine_version: number;
  snapshot: ResetState;
  version: number;
  business: StoredBusiness;
  household_members: StoredMember[];
  extra_needs_monthly_cents: number;
  housing_costs_monthly_cents: number;
  other_income_monthly_cents: number;
  assessment: Swot | null;
  case_id: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AnalysisListRow {
  id: string;
  office_id: string;
  founder_id: string;
  state: ResetStateValue;
  version: number;
  recommendation: ResetRecommendation | null;
  case_id: string | null;
  next_final_declaration_due_on: string | null;
  created_at: Date;
  updated_at: Date;
  /** updated_at with its microseconds, for the keyset cursor (a Date keeps only milliseconds). */
  updated_key: string;
}

/** One version of one EKS period with its lines in cents, months as YYYY-MM. */
export interface PeriodVersion {
  id: string;
  analysisId: string;
  periodStart: string;
  version: number;
  periodEnd: string;
  kind: 'provisional' | 'final';
  finalDeclarationDueOn: string | null;
  months: {
    month: string;
    receipts: Record<string, number>;
    expenses: Record<string, number>;
    deductions: Record<string, number>;
  }[];
  createdBy: string | null;
  createdAt: Date;
}

/** A stored RE_SET history row as the chain reads it, plus its pseudonyms and sealed payload. */
export interface ResetHistoryRow extends Omit<
  StoredResetHistoryRow,
  'actor_type' | 'event' | 'from_state' | 'to_state' | 'payload'
> {
  // The columns' CHECK constraints and the write path hold these to the lifecycle's values.
  actor_type: ActorType;
  event: ResetEventType;
  from_state: ResetStateValue;
  to_state: ResetStateValue;
  payload: ResetHistoryPayload;
  analysis_ref: string;
  actor_ref: string | null;
  chain_payload: Record<string, unknown> | null;
}
