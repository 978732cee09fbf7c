export type AuthErrorCode =
  'unauthenticated' | 'forbidden' | 'too_many_attempts' | 'ambiguous_credentials';
