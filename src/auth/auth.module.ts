import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OidcModule } from '../oidc/oidc.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CredentialCache } from './credential-cache';
import { CredentialsRepository } from './credentials.repository';
import { FirstAdmin } from './first-admin';
import { SignInThrottleRepository } from './sign-in-throttle.repository';
import { TokenService } from './token.service';

@Module({
  imports: [UsersModule, OidcModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    CredentialsRepository,
    CredentialCache,
    SignInThrottleRepository,
    FirstAdmin,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  // The calendar feed authenticates its own credential (a feed token) as a user principal.
  exports: [CredentialsRepository],
})
export class AuthModule {}
