import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify, SignJWT } from 'jose';
import { APP_CONFIG, AppConfig } from '../config/config';
import { configuredOrStoredSecret } from '../config/secrets';

const ISSUER = 'lotse';
const AUDIENCE = 'lotse-api';

/** Signed access tokens (HS256 JWTs). They carry only the user id: roles are read per request. */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;
  readonly ttlSeconds: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const secret = configuredOrStoredSecret(config.jwtSecret, config.dataDir, 'jwt-secret');
    this.key = new TextEncoder().encode(secret);
    this.ttlSeconds = config.jwtTtlSeconds;
  }

  issue(userId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** The user id of a valid token, or null for anything else (expired, forged, malformed). */
  async verify(token: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      return typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
