import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG, AppConfig, OidcConfig } from '../config/config';

// The provider's and our clocks may differ a little, as between two Lotse instances.
const CLOCK_TOLERANCE_SECONDS = 5;
const DISCOVERY_TIMEOUT_MS = 5_000;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Checks access tokens of the configured OpenID Connect provider with jose. The discovery document
 * is fetched at the first token (not at boot, so Lotse starts while the provider is down) and again
 * after a failure; its jwks_uri feeds a remote key set that fetches the keys again when a token
 * names a key it does not know (at most once per OIDC_JWKS_COOLDOWN_MS), which is how a rotated
 * signing key is picked up without a restart.
 */
@Injectable()
export class OidcTokenVerifier {
  private readonly logger = new Logger('OidcTokenVerifier');
  private readonly config: OidcConfig | null;
  private keySet: Promise<KeySet> | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.config = config.oidc;
  }

  /** Whether a bearer token claims to come from the configured provider (its iss, unverified). */
  claimsOurIssuer(token: string): boolean {
    if (!this.config) return false;
    try {
      return decodeJwt(token).iss === this.config.issuer;
    } catch {
      return false;
    }
  }

  /**
   * The verified claims, or null for a token that is not valid (signature, key, issuer, audience,
   * algorithm, expiry, missing sub or exp). Throws identity_provider_unavailable when the provider
   * cannot be asked for its keys, which says nothing about the token.
   */
  async verify(token: string): Promise<JWTPayload | null> {
    const config = this.config;
    if (!config) return null;
    const keySet = await this.keys(config);
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        // A network failure fetching the key set (fetch rejects with a TypeError).
        this.logger.warn(`The provider's key set could not be fetched: ${describe(error)}`);
        throw unavailable();
      }
      if (error instanceof errors.JWKSInvalid || error.code === 'ERR_JOSE_GENERIC') {
        // The key set answer was not a key set (an HTTP error, not JSON, no keys array).
        this.logger.warn(`The provider's key set answer was refused: ${error.message}`);
        throw unavailable();
      }
      return null;
    }
  }

  private keys(config: OidcConfig): Promise<KeySet> {
    this.keySet ??= this.discover(config).catch((error: unknown) => {
      // Asked again at the next token rather than remembered: the provider may be back by then.
      this.keySet = null;
      this.logger.warn(`The provider's discovery document could not be read: ${describe(error)}`);
      throw unavailable();
    });
    return this.keySet;
  }

  private async discover(config: OidcConfig): Promise<KeySet> {
    const url = `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery 1.0, section 4.3: the document must name exactly this issuer.
    if (document.issuer !== config.issuer) {
      throw new Error('its issuer differs from OIDC_ISSUER');
    }
    if (typeof document.jwks_uri !== 'string') throw new Error('it has no jwks_uri');
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      cooldownDuration: config.jwksCooldownMs,
      timeoutDuration: DISCOVERY_TIMEOUT_MS,
    });
  }
}

function unavailable(): AppError {
  return new AppError(
    'identity_provider_unavailable',
    'The single sign-on provider cannot be reached to check the token; try again shortly.',
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
