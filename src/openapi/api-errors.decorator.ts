import { ApiExtension } from '@nestjs/swagger';
import type { ErrorCode } from '../common/errors/error-codes';

/** The operation extension that carries a route's own error codes until the document is finished. */
export const ERRORS_EXTENSION = 'x-lotse-errors';

/**
 * Names the error codes a route can answer beyond the ones every route of its kind can give (those
 * the document adds by itself: see document.ts). The finished document lists each code under its
 * status as an application/problem+json response with the Problem schema.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator {
  return ApiExtension(ERRORS_EXTENSION, codes);
}
