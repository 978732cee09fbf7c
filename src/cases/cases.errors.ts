export type CasesErrorCode =
  | 'transition_not_allowed'
  | 'requirements_unmet'
  | 'version_conflict'
  | 'invalid_event'
  | 'advisor_unknown'
  | 'idempotency_key_reused'
  | 'office_required'
  | 'founder_erased';
