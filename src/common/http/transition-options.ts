import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IdempotencyStore } from '../idempotency/idempotency.store';
import { IfMatch, parseIfMatch } from './if-match';

/** The request headers of a state change: the expected version and the retry key. */
export interface TransitionOptions {
  ifMatch: IfMatch | null;
  idempotencyKey: string | null;
}

/** Reads and validates If-Match and Idempotency-Key (400 when malformed). */
export const TransitionHeaders = createParamDecorator(
  (_: unknown, context: ExecutionContext): TransitionOptions => {
    const headers = context.switchToHttp().getRequest<FastifyRequest>().headers;
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    return {
      ifMatch: parseIfMatch(header('if-match')),
      idempotencyKey: IdempotencyStore.validKey(header('idempotency-key')),
    };
  },
);
