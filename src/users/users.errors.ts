export type UsersErrorCode = 'email_taken' | 'office_unknown';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<UsersErrorCode, 'users'> {}
}
