/** The codes of the HTTP edge itself and of errors that every feature may answer with. */
export type CommonErrorCode =
  | 'validation_failed'
  | 'malformed_body'
  | 'malformed_request'
  | 'uri_too_long'
  | 'headers_too_large'
  | 'request_timeout'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'database_unavailable'
  | 'internal_error';

/**
 * Every error code of the API, by the part of it that declares the code. A feature adds its union
 * in its *.errors.ts by declaration merging, so that common/ imports no feature:
 *
 *     declare module '../common/errors/error-codes' {
 *       interface ErrorCodes extends Record<CasesErrorCode, 'cases'> {}
 *     }
 *
 * Two parts declaring the same code do not compile (the interface cannot extend both).
 */
export interface ErrorCodes extends Record<CommonErrorCode, 'common'> {}

export type ErrorCode = keyof ErrorCodes;

/**
 * Every error code and its HTTP status, in one exhaustive map: a declared code without a status
 * here, or a status for a code that nothing declares, is a compile error. The HTTP status is the
 * edge's concern; the features say only what went wrong. (The order is the order of the ErrorCode
 * enum in openapi.json.)
 */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_body: 400,
  malformed_request: 400,
  uri_too_long: 414,
  headers_too_large: 431,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  database_unavailable: 503,
  internal_error: 500,
  unauthenticated: 401,
  forbidden: 403,
  too_many_attempts: 429,
  ambiguous_credentials: 400,
  email_taken: 409,
  office_unknown: 422,
  office_code_taken: 409,
  transition_not_allowed: 409,
  requirements_unmet: 422,
  version_conflict: 412,
  invalid_event: 400,
  advisor_unknown: 422,
  idempotency_key_reused: 422,
  office_required: 400,
  founder_erased: 409,
  founder_duplicate: 409,
  target_sector_unknown: 422,
  founder_has_open_case: 409,
  reset_analysis_closed: 409,
  eks_period_final: 409,
  eks_period_overlap: 409,
  rates_unavailable: 422,
  case_not_closed: 409,
  follow_up_consent_missing: 409,
  case_in_transfer: 409,
  transfer_decided: 409,
  transfer_target_invalid: 422,
  oidc_account_conflict: 401,
  identity_provider_unavailable: 503,
  oidc_mapping_exists: 409,
};

export const ERROR_TITLE: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'The request is not valid',
  malformed_body: 'The request body is not valid JSON',
  malformed_request: 'The request is not valid HTTP',
  uri_too_long: 'A path segment is too long',
  headers_too_large: 'The request headers are too large',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Unsupported content type',
  not_found: 'Not found',
  route_not_found: 'No such route',
  database_unavailable: 'The database is not reachable',
  internal_error: 'Internal server error',
};

export function titleFor(code: ErrorCode): string {
  return ERROR_TITLE[code] ?? code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
