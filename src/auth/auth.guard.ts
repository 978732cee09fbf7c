import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/errors/app-error';
import { OidcSignIn } from '../oidc/oidc-sign-in.service';
import { ACCESS_KEY, PUBLIC_KEY } from './access.decorator';
import { hashApiKey } from './api-key-hash';
import { CredentialCache } from './credential-cache';
import { mayCall, type RoutePermission } from './office-scope';
import type { Principal } from './principal';
import type { AuthenticatedRequest } from './request-context';
import { TokenService } from './token.service';

/**
 * The one gate every route passes (registered globally): authenticate by bearer token or API key,
 * then check the route's declared permission (office-scope.ts). Routes without a declaration are refused, so a new route
 * can never be silently public. Office-level checks (404 for other offices) are the services' job.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(CredentialCache) private readonly credentials: CredentialCache,
    @Inject(OidcSignIn) private readonly oidc: OidcSignIn,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    if (!principal) {
      throw new AppError('unauthenticated', 'Send a valid bearer token or X-API-Key header.');
    }
    request.principal = principal;

    const permission = this.reflector.getAllAndOverride<RoutePermission | undefined>(
      ACCESS_KEY,
      targets,
    );
    if (!permission || !mayCall(principal, permission)) {
      throw new AppError('forbidden', 'Your role does not allow this action.');
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Principal | null> {
    const apiKey = request.headers['x-api-key'];
    const authorization = request.headers.authorization;
    // Two credentials at once could act as either: refuse rather than pick one.
    if (apiKey !== undefined && authorization !== undefined) {
      throw new AppError(
        'ambiguous_credentials',
        'Send either an X-API-Key or an Authorization header, not both.',
      );
    }
    if (apiKey !== undefined) {
      const valid = typeof apiKey === 'string' && apiKey.length > 0 && apiKey.length <= 200;
      return valid ? this.credentials.apiKeyPrincipal(hashApiKey(apiKey)) : null;
    }
    // The auth scheme is case-insensitive (RFC 9110, section 11.1).
    const match =
      typeof authorization === 'string'
        ? /^Bearer +([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(authorization)
        : null;
    if (!match) return null;
    // A token naming the configured OIDC issuer is the provider's to check; every other is ours.
    if (this.oidc.handles(match[1])) return this.oidc.principal(match[1]);
    const claims = await this.tokens.verify(match[1]);
    // Checked on every request (in memory while the cache is in step, credential-cache.ts) so that
    // deactivating a user or changing a password ends their tokens at once, on every instance.
    return claims ? this.credentials.activeUserPrincipal(claims.userId, claims.tokenEpoch) : null;
  }
}
