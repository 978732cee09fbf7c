export type AuthErrorCode =
  'unauthenticated' | 'forbidden' | 'too_many_attempts' | 'ambiguous_credentials';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<AuthErrorCode, 'auth'> {}
}
