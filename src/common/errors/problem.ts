import { ERROR_STATUS, ErrorCode, titleFor } from './error-codes';
import type { FieldError } from './app-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem details body, with our stable `code` and the request id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problem(
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  status = ERROR_STATUS[code],
): Problem {
  return {
    type: `urn:lotse:problem:${code}`,
    title: titleFor(code),
    status,
    detail,
    code,
    ...extra,
  };
}
