import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { requiredRoles, type RoutePermission } from './office-scope';

export const ACCESS_KEY = 'lotse:access';
export const PUBLIC_KEY = 'lotse:public';

/**
 * Declares the permission a route needs (office-scope.ts). The global guard lets in a caller who
 * holds it in some office and refuses every route that has neither this nor @Public(), so a
 * forgotten declaration fails closed; which office a record is in is the service's and the
 * database's check. The roles holding the permission are written into OpenAPI (x-required-roles,
 * and the 401/403 responses the document adds to every secured operation).
 */
export function Access(permission: RoutePermission): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_KEY, permission),
    ApiBearerAuth('bearer'),
    ApiSecurity('apiKey'),
    ApiExtension('x-required-roles', requiredRoles(permission)),
  );
}

/** The explicit list of public routes: health, docs, sign-in. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
