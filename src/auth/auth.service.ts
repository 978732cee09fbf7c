import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AppError } from '../common/errors/app-error';
import { CredentialsRepository } from './credentials.repository';
import { verifyPassword } from './password';
import { SignInThrottleRepository } from './sign-in-throttle.repository';
import { TokenService } from './token.service';
import type { TokenResponseDto } from './dto/token.dto';

/**
 * Sign-in. A wrong email and a wrong password get the same answer (and take as long); failures
 * for one email or one client address are throttled across all instances. The throttle reserves
 * the attempt before the password is verified, so parallel attempts cannot pass it.
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(SignInThrottleRepository) private readonly throttle: SignInThrottleRepository,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  async signIn(email: string, password: string, clientIp: string): Promise<TokenResponseDto> {
    const keys = [`email:${email.toLowerCase()}`, `ip:${clientIp}`];
    const slot = await this.throttle.reserve(
      keys,
      this.config.loginWindowSeconds,
      this.config.loginMaxFailures,
    );
    if (!slot.granted) {
      throw new AppError(
        'too_many_attempts',
        'Too many failed sign-ins; wait before trying again.',
        {
          retryAfterSeconds: slot.retryAfterSeconds,
        },
      );
    }
    let failed = false;
    try {
      const user = await this.credentials.userForSignIn(email);
      const valid = await verifyPassword(user?.passwordHash ?? null, password);
      if (!user || !valid || !user.active) {
        failed = true;
        throw new AppError('unauthenticated', 'The email or the password is wrong.');
      }
      return {
        accessToken: await this.tokens.issue(user.id, user.tokenEpoch),
        tokenType: 'Bearer' as const,
        expiresIn: this.tokens.ttlSeconds,
      };
    } finally {
      // Only a wrong password counts; an attempt that failed for another reason frees its slot.
      await (failed ? this.throttle.settle(slot.ids) : this.throttle.release(slot.ids));
    }
  }
}
