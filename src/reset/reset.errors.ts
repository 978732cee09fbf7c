/**
 * Error codes of RE_SET analyses. The lifecycle answers reuse the case codes
 * (invalid_event, transition_not_allowed, requirements_unmet, version_conflict,
 * idempotency_key_reused), so clients handle both event endpoints the same way.
 */
export type ResetErrorCode =
  /** DECIDE would restart the founder, who still has an active or paused case (caseId). */
  | 'founder_has_open_case'
  /** The analysis is decided or cancelled: its data and periods are a closed record. */
  | 'reset_analysis_closed'
  /** A final EKS cannot be replaced by a provisional one. */
  | 'eks_period_final'
  /** The period overlaps another period of the analysis (months would count twice). */
  | 'eks_period_overlap'
  /** No SGB II rates are on record for the period's start, so no indicators could be computed. */
  | 'rates_unavailable';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<ResetErrorCode, 'reset'> {}
}
