import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import type { Membership, Principal } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../config/config';
import { OidcRepository } from './oidc.repository';
import { OidcTokenVerifier } from './oidc-token-verifier';

const MAX_GROUPS = 500;
const MAX_TEXT = 200;

/**
 * A token of the OpenID Connect provider as a principal. The user is found by (iss, sub), or
 * created at the first request from sub and email; their memberships follow from the token's
 * groups through oidc_mapping on every request, so a removed mapping (or group) counts from the
 * next request on. The memberships are mirrored into the membership table (only when they
 * changed), because assigning a case's advisor, the caseload report and the user list read it.
 * Accounts are never linked by email: a token whose email belongs to another user is refused.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('OidcSignIn');
  private readonly groupsClaim: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(OidcTokenVerifier) private readonly verifier: OidcTokenVerifier,
    @Inject(OidcRepository) private readonly repository: OidcRepository,
  ) {
    this.groupsClaim = config.oidc?.groupsClaim ?? 'groups';
  }

  /** Whether the bearer token is the provider's to check (its unverified iss is the issuer). */
  handles(token: string): boolean {
    return this.verifier.claimsOurIssuer(token);
  }

  /** The principal of a valid provider token; null (401) for an invalid token or an inactive user. */
  async principal(token: string): Promise<Principal | null> {
    const claims = await this.verifier.verify(token);
    if (!claims) return null;
    const issuer = claims.iss!;
    const subject = claims.sub!;
    if (subject.length === 0 || subject.length > 255) return null;
    const groups = groupsOf(claims[this.groupsClaim]);

    let identity = await this.repository.identity(issuer, subject, groups);
    if (!identity.user) {
      const email = text(claims.email);
      if (!email || !email.includes('@')) {
        throw new AppError(
          'unauthenticated',
          'The token has no email claim: a single sign-on user is created from sub and email.',
        );
      }
      const name = text(claims.name) ?? text(claims.preferred_username) ?? email;
      const created = await this.repository.createUser({ issuer, subject, email, name });
      identity = await this.repository.identity(issuer, subject, groups);
      if (!identity.user) throw accountConflict();
      if (created) this.logger.log(`Created single sign-on user ${created}`);
    }
    const user = identity.user;
    if (!user.is_active) return null;

    const email = text(claims.email);
    if (email && email.toLowerCase() !== user.email.toLowerCase()) {
      // Another user with this email keeps it; this user keeps the old one (logged by id only).
      const changed = await this.repository
        .updateEmail(user.id, email)
        .catch(ignoreUniqueViolation);
      if (!changed) this.logger.warn(`Email of single sign-on user ${user.id} not updated: taken`);
    }

    if (!sameMemberships(identity.mapped, identity.mirrored)) {
      await this.repository.mirrorMemberships(user.id, identity.mapped);
    }
    return { kind: 'user', id: user.id, isAdmin: user.is_admin, memberships: identity.mapped };
  }
}

/** The groups claim as a list of strings: an array of strings, or one string; anything else: none. */
function groupsOf(claim: unknown): string[] {
  const values = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : [];
  return values
    .filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT)
    .slice(0, MAX_GROUPS);
}

function text(value: JWTPayload[string]): string | null {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_TEXT
    ? value.trim()
    : null;
}

function sameMemberships(a: Membership[], b: Membership[]): boolean {
  // Both come ordered by office id from the one query.
  return (
    a.length === b.length && a.every((m, i) => m.officeId === b[i].officeId && m.role === b[i].role)
  );
}

function accountConflict(): AppError {
  return new AppError(
    'oidc_account_conflict',
    'Another Lotse account has this email. Accounts are not linked by email: ask an administrator.',
  );
}

function ignoreUniqueViolation(error: unknown): false {
  if ((error as { code?: string }).code === '23505') return false;
  throw error;
}
