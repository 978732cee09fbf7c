/**
 * oidc_account_conflict: a valid token whose email belongs to another Lotse user (a local one with a
 * password, or another provider identity); accounts are never linked by email, since the provider
 * could otherwise take over a local account. identity_provider_unavailable: the provider's
 * discovery document or key set cannot be fetched, so its tokens cannot be checked right now.
 */
export type OidcErrorCode =
  'oidc_account_conflict' | 'identity_provider_unavailable' | 'oidc_mapping_exists';

// Declares these codes to the one map of HTTP statuses (common/errors/error-codes.ts).
declare module '../common/errors/error-codes' {
  interface ErrorCodes extends Record<OidcErrorCode, 'oidc'> {}
}
