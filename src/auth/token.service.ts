import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import { APP_CONFIG, AppConfig } from '../config/config';
import { configuredOrStoredSecret } from '../config/secrets';

const ISSUER = 'lotse';
const AUDIENCE = 'lotse-api';
// Instances' clocks may differ by a little: a token issued by one must not look "from the future" to another.
const CLOCK_TOLERANCE_SECONDS = 5;

export interface TokenClaims {
  userId: string;
  /** The user's token epoch when the token was issued (see activeUserPrincipal). */
  tokenEpoch: number;
}

/**
 * Signed access tokens (HS256 JWTs). They carry the user id and the user's token epoch: roles are
 * read per request, and a token issued before the epoch last rose (password change, deactivation,
 * reactivation) is refused.
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  readonly ttlSeconds: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const secret = configuredOrStoredSecret(config.jwtSecret, config.dataDir, 'jwt-secret');
    this.key = new TextEncoder().encode(secret);
    this.ttlSeconds = config.jwtTtlSeconds;
  }

  /** A token for the user; epoch 0 is that of a user whose credentials never changed. */
  issue(userId: string, tokenEpoch = 0): Promise<string> {
    return new SignJWT({ epoch: tokenEpoch })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /**
   * The claims of a valid token, or null for anything else: expired, forged, malformed, without
   * exp or iat, issued in the future, or made to live longer than the configured lifetime.
   */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'iat', 'exp'],
        maxTokenAge: this.ttlSeconds,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const { sub, iat, exp, epoch } = payload;
      if (typeof sub !== 'string' || iat === undefined || exp === undefined) return null;
      if (exp - iat > this.ttlSeconds) return null;
      if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) return null;
      return { userId: sub, tokenEpoch: epoch };
    } catch {
      return null;
    }
  }
}
