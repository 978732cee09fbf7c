import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AppError } from '../common/errors/app-error';
import { CredentialsRepository } from './credentials.repository';
import { verifyPassword } from './password';
import { TokenService } from './token.service';

/**
 * Sign-in. A wrong email and a wrong password get the same answer (and take as long); repeated
 * failures for one email or one client address are throttled across all instances (the failures
 * are kept in the database).
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  async signIn(email: string, password: string, clientIp: string) {
    const keys = [`email:${email.toLowerCase()}`, `ip:${clientIp}`];
    await this.refuseWhenThrottled(keys);
    const user = await this.credentials.userForSignIn(email);
    const valid = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !valid || !user.active) {
      await this.credentials.recordFailure(keys);
      throw new AppError('unauthenticated', 'The email or the password is wrong.');
    }
    await this.credentials.clearFailures(keys[0]);
    return {
      accessToken: await this.tokens.issue(user.id),
      tokenType: 'Bearer' as const,
      expiresIn: this.tokens.ttlSeconds,
    };
  }

  private async refuseWhenThrottled(keys: string[]): Promise<void> {
    const window = this.config.loginWindowSeconds;
    const failures = await this.credentials.recentFailures(keys, window);
    const blocked = failures.filter((f) => f.count >= this.config.loginMaxFailures);
    if (blocked.length === 0) return;
    const now = Date.now();
    const retryAfterSeconds = Math.max(
      1,
      ...blocked.map((f) => Math.ceil(((f.oldest?.getTime() ?? now) + window * 1000 - now) / 1000)),
    );
    throw new AppError('too_many_attempts', 'Too many failed sign-ins; wait before trying again.', {
      retryAfterSeconds,
    });
  }
}
