export type OfficesErrorCode = 'office_code_taken';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<OfficesErrorCode, 'offices'> {}
}
