import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

/** What every service method gets first: who acts, and the request id for the access log. */
export interface RequestContext {
  actor: Principal;
  requestId: string;
  ip: string;
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('Ctx used on a route without authentication');
  return { actor: request.principal, requestId: String(request.id), ip: request.ip };
});
