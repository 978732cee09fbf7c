import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { Role } from './principal';

export const ACCESS_KEY = 'lotse:access';
export const PUBLIC_KEY = 'lotse:public';

export interface AccessRule {
  /** Membership roles (in any office) that may call the route; the service checks the office. */
  roles: readonly Role[];
  /** Whether a system administrator may call it without a membership. */
  admin: boolean;
  /** Any authenticated caller (e.g. "who am I"). */
  anyone: boolean;
}

/**
 * Declares who may call a route. The global guard refuses every route that has neither this nor
 * @Public(), so a forgotten declaration fails closed. The rule is also written into OpenAPI
 * (x-required-roles, and the 401/403 responses the document adds to every secured operation).
 */
export function Access(rule: {
  roles?: readonly Role[];
  admin?: boolean;
  anyone?: boolean;
}): MethodDecorator & ClassDecorator {
  const full: AccessRule = { roles: rule.roles ?? [], admin: rule.admin ?? false, anyone: rule.anyone ?? false };
  return applyDecorators(
    SetMetadata(ACCESS_KEY, full),
    ApiBearerAuth('bearer'),
    ApiSecurity('apiKey'),
    ApiExtension('x-required-roles', full.anyone ? ['any'] : [...full.roles, ...(full.admin ? ['admin'] : [])]),
  );
}

/** The explicit list of public routes: health, docs, sign-in. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
