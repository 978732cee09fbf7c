export type TransfersErrorCode =
  'case_in_transfer' | 'transfer_decided' | 'transfer_target_invalid';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<TransfersErrorCode, 'transfers'> {}
}
