import type { LegalForm } from '../cases/dto/case.dto';
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

/**
 * A reset_analysis row as the repository returns it.
 * @table reset_analysis
 */
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

/** A list row: some of the analysis's columns and what the list computes. */
export interface AnalysisListRow extends Pick<
  AnalysisRow,
  'id' | 'office_id' | 'founder_id' | 'state' | 'version' | 'case_id' | 'created_at' | 'updated_at'
> {
  recommendation: ResetRecommendation | null;
  next_final_declaration_due_on: string | null;
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

/**
 * A reset_history row. The columns' CHECK constraints and the write path hold the actor, event,
 * states and payload to the lifecycle's values, narrower than the chain reads them.
 * @table reset_history
 */
export interface ResetHistoryTableRow {
  id: string;
  analysis_id: string;
  seq: number;
  at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  event: ResetEventType;
  from_state: ResetStateValue;
  to_state: ResetStateValue;
  payload: ResetHistoryPayload;
  machine_version: number;
  analysis_ref: string;
  actor_ref: string | null;
  prev_hash: string;
  hash: string;
  text_digest: string | null;
  chain_format: number;
  office_code: string | null;
  chain_payload: Record<string, unknown> | null;
  /** The analysis's office, for row-level security (not hashed). */
  office_id: string;
  /** The office that held the analysis when the row was written; never changes (src/transfers). */
  written_office_id: string;
}

/**
 * The free texts of a RE_SET history row, apart from it so that an erasure can drop them.
 * @table reset_history_text
 */
export interface ResetHistoryTextRow {
  analysis_id: string;
  seq: number;
  texts: Record<string, string>;
  salt: string | null;
  office_id: string;
}

/** A stored RE_SET history row with its texts (null when none or erased), as the chain reads it. */
export interface ResetHistoryRow extends ResetHistoryTableRow {
  texts: ResetHistoryTextRow['texts'] | null;
  salt: ResetHistoryTextRow['salt'];
}
