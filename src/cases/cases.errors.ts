export type CasesErrorCode =
  | 'transition_not_allowed'
  | 'requirements_unmet'
  | 'version_conflict'
  | 'invalid_event'
  | 'advisor_unknown'
  | 'idempotency_key_reused'
  | 'office_required'
  | 'founder_erased';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<CasesErrorCode, 'cases'> {}
}
