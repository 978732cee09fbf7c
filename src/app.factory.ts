import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/config';
import { answerClientError, ProblemFilter, replyWithProblem } from './common/errors/problem.filter';
import { createValidationPipe } from './common/http/validation';
import { createLogger, PinoNestLogger } from './common/logging/logger';
import { setUpOpenApi } from './openapi/document';
import { parseJsonBodiesStrictly } from './common/http/json-body';
import { registerSecurityHeaders } from './common/http/security-headers';
import { EXPORT_UPLOAD_TYPES } from './exports/upload-types';

export const API_PREFIX = 'api/v1';

/** Every route but the health probes lives under /api/v1 (also for the OpenAPI document). */
export function useApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/ready'] });
}

export interface RegisteredRoute {
  method: string;
  url: string;
}
const routesByApp = new WeakMap<object, RegisteredRoute[]>();

/** Every route the HTTP server answers (for the test that no route is silently public). */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return routesByApp.get(app) ?? [];
}
export interface CreateAppOptions {
  /** Adds Fastify hooks before the server is ready (the tests check every response against the OpenAPI document). */
  instrument?: (fastify: FastifyInstance) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the whole HTTP application (without listening) so that the service, the tests and the
 * benchmarks run exactly the same stack. Fastify, not Express: on these machines a hello world
 * serves about 7x as many requests per second on it.
 */
export async function createApp(
  config: AppConfig,
  logger: Logger = createLogger(config),
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    // Behind a reverse proxy: the client's address (login throttle, access log) and protocol.
    trustProxy: config.trustProxy,
    // Accept a caller's X-Request-Id when it is harmless, so logs can be joined across services.
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // Errors before any route runs are problem+json too: a bad URL encoding or an over-long path
    // segment (router), oversized headers or a malformed request (Node's HTTP parser).
    frameworkErrors: replyWithProblem,
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RegisteredRoute[] = [];
  routesByApp.set(app, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // Export files uploaded for verification are read as streams, never buffered (no size limit).
  fastify.addContentTypeParser(Object.values(EXPORT_UPLOAD_TYPES), (_request, payload, done) =>
    done(null, payload),
  );
  parseJsonBodiesStrictly(app, config.bodyLimitBytes);
  await registerSecurityHeaders(app, config);
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: ['ETag', 'X-Request-Id', 'X-Export-Id', 'Retry-After', 'Location'],
    allowedHeaders: [
      'Authorization',
      'X-API-Key',
      'Content-Type',
      'If-Match',
      'Idempotency-Key',
      'X-Request-Id',
    ],
    maxAge: 600,
  });
  useApiPrefix(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  setUpOpenApi(app);
  options.instrument?.(fastify);
  await app.init();
  await fastify.ready();
  return app;
}
