import { Module } from '@nestjs/common';
import { OidcMappingsController } from './oidc-mappings.controller';
import { OidcMappingsService } from './oidc-mappings.service';
import { OidcRepository } from './oidc.repository';
import { OidcSignIn } from './oidc-sign-in.service';
import { OidcTokenVerifier } from './oidc-token-verifier';

/** Single sign-on: the token check the auth guard calls (OidcSignIn), and the mapping API. */
@Module({
  controllers: [OidcMappingsController],
  providers: [OidcTokenVerifier, OidcRepository, OidcSignIn, OidcMappingsService],
  exports: [OidcSignIn],
})
export class OidcModule {}
