export type FollowUpsErrorCode = 'case_not_closed' | 'follow_up_consent_missing';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<FollowUpsErrorCode, 'follow-ups'> {}
}
