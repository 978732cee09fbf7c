export type FoundersErrorCode = 'founder_duplicate' | 'target_sector_unknown';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<FoundersErrorCode, 'founders'> {}
}
