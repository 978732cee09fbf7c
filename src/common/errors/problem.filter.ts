import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem as problemOf, PROBLEM_CONTENT_TYPE } from './problem';
import { toProblem } from './to-problem';

/** The one place that answers errors: every error leaves as application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    replyWithProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}

/** Answers an error as problem+json: from the filter, and for Fastify's router errors. */
export function replyWithProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { problem, unexpected } = toProblem(error);
  if (unexpected) {
    request.log.error({ err: error, requestId: request.id }, 'unexpected error');
  }
  if (reply.sent) return;
  const body = { ...problem, instance: request.url.split('?')[0], requestId: request.id };
  if (problem.code === 'database_unavailable') void reply.header('retry-after', '5');
  if (typeof problem.retryAfterSeconds === 'number') {
    void reply.header('retry-after', String(problem.retryAfterSeconds));
  }
  if (problem.status === 401) void reply.header('www-authenticate', 'Bearer');
  void reply.header('x-request-id', request.id);
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over the size limit, a
 * malformed request line, a timeout) are answered on the raw socket, still as problem+json.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problemOf('headers_too_large', 'The request line and headers exceed the size limit.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problemOf('request_timeout', 'The request was not received in time.')
        : problemOf('malformed_request', 'The request is not valid HTTP.');
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
