import type { ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A domain error: services throw these (never HttpException). The code decides the HTTP status in
 * one exhaustive map (error-codes.ts); `extra` becomes extension members of the problem body.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; [member: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }
}
