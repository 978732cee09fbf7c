import { HttpException } from '@nestjs/common';
import { AppError } from './app-error';
import { Problem, problem } from './problem';

/** pg / network error codes that mean "the database is not there", answered 503, not 500. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  // A primary demoted in a switchover (or a standby reached before the switch is known) refuses
  // writes: the writable host is moving, retry shortly (src/database/writable-host.ts).
  '25006', // read_only_sql_transaction
  'EHOSTUNREACH',
  '08000',
  '08001',
  '08003',
  '08006',
]);

// TypeORM's names for a transaction whose connection the server cut off in the middle.
const RELEASED_RUNNER = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

function isDatabaseUnavailable(error: unknown): boolean {
  // Not `instanceof Error`: a socket error (ECONNREFUSED) comes from Node's own realm, which is
  // not the code's under a VM sandbox such as Jest's; its shape is what counts.
  if (typeof error !== 'object' || error === null || !('message' in error)) return false;
  if (typeof error.message !== 'string') return false;
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string' && RELEASED_RUNNER.has(name)) return true;
  if (RELEASED_RUNNER.has((error as { constructor?: { name?: string } }).constructor?.name ?? ''))
    return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Connection refused|not queryable/i.test(
    error.message,
  );
}

/** Fastify's own errors (body parsing, size limit) carry a code and a 4xx statusCode. */
function fastifyProblem(error: Error & { code?: string; statusCode?: number }): Problem | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem('malformed_body', 'The request body could not be parsed as JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('payload_too_large', 'The request body exceeds the size limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem('unsupported_media_type', 'Send request bodies as application/json.');
    // Router errors, before any route runs (answered through the adapter's frameworkErrors).
    case 'FST_ERR_BAD_URL':
      return problem('malformed_request', 'The URL is not validly percent-encoded.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem('uri_too_long', 'A path segment is longer than any id this API uses.');
    default:
      if (error instanceof SyntaxError && error.statusCode === 400) {
        return problem('malformed_body', 'The request body could not be parsed as JSON.');
      }
      return null;
  }
}

function httpExceptionProblem(error: HttpException): Problem {
  const status = error.getStatus();
  if (status === 404) return problem('route_not_found', 'No route matches this method and path.');
  if (status === 405) return problem('method_not_allowed', 'This method is not allowed here.');
  if (status === 413)
    return problem('payload_too_large', 'The request body exceeds the size limit.');
  if (status === 415)
    return problem('unsupported_media_type', 'Send request bodies as application/json.');
  if (status >= 500) return problem('internal_error', 'An unexpected error occurred.');
  // Nest re-throws Fastify's body-parser failures as plain 400 HttpExceptions.
  if (status === 400 && /JSON|prototype property/i.test(error.message)) {
    return problem('malformed_body', 'The request body could not be parsed as JSON.');
  }
  return problem('validation_failed', error.message, {}, status);
}

/**
 * Turns anything thrown into a problem body. Unknown errors become a bare 500 (the caller logs
 * them); nothing internal leaks into the body.
 */
export function toProblem(error: unknown): { problem: Problem; unexpected: boolean } {
  if (error instanceof AppError) {
    return { problem: problem(error.code, error.detail, error.extra), unexpected: false };
  }
  if (error instanceof Error) {
    const fromFastify = fastifyProblem(error);
    if (fromFastify) return { problem: fromFastify, unexpected: false };
  }
  if (error instanceof HttpException) {
    // The Fastify adapter wraps Fastify's own 4xx errors (body parser, media type) in an
    // HttpException; their code says more than the message.
    const fromFastify = error.cause instanceof Error ? fastifyProblem(error.cause) : null;
    if (fromFastify) return { problem: fromFastify, unexpected: false };
    const p = httpExceptionProblem(error);
    return { problem: p, unexpected: p.status >= 500 };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      problem: problem('database_unavailable', 'The database is not reachable; retry shortly.'),
      unexpected: false,
    };
  }
  return {
    problem: problem('internal_error', 'An unexpected error occurred. Quote the request id.'),
    unexpected: true,
  };
}
