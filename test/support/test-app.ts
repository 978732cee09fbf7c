import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/common/logging/logger';
import { createDataSource } from '../../src/database/data-source';
import { databaseUrl, serviceDatabaseEnv, templateName, withAdminClient } from './database';
import { OpenApiContract, recordViolations } from './openapi-contract';

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest agent on the running app */
  http: () => ReturnType<typeof request>;
  /**
   * The test's database as its owner (a superuser here): for setting up and checking rows. It
   * bypasses row-level security; the service's own pool (`serviceDb`) does not.
   */
  db: DataSource;
  /** The service's request pool (role lotse_app, bound by row-level security). */
  serviceDb: DataSource;
  config: AppConfig;
  close(): Promise<void>;
}

let counter = 0;

let contract: Promise<OpenApiContract> | undefined;
/** The served document, read once per worker from the first app (every app serves the same). */
function contractOf(fastify: FastifyInstance): Promise<OpenApiContract> {
  contract ??= fastify
    .inject({ method: 'GET', url: '/openapi.json' })
    .then((response) => new OpenApiContract(response.json()));
  return contract;
}

/** Every response of the app is checked against the served OpenAPI document (openapi-contract.ts). */
function checkResponsesAgainstContract(fastify: FastifyInstance): void {
  const seen = new WeakSet<object>();
  fastify.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    if (route === '/openapi.json') return payload;
    seen.add(request);
    const body =
      typeof payload === 'string'
        ? payload
        : Buffer.isBuffer(payload)
          ? payload.toString('utf8')
          : undefined;
    const observed = {
      method: request.method,
      route,
      status: reply.statusCode,
      contentType: reply.getHeader('content-type') as string | undefined,
      body: payload === null || payload === undefined ? '' : body,
      headers: Object.keys(reply.getHeaders()),
    };
    recordViolations((await contractOf(fastify)).check(observed));
    return payload;
  });
  // A streamed answer (the exports) writes to the raw response and never passes onSend: its
  // status and content type are checked once it is sent (the body is a stream, not checked).
  fastify.addHook('onResponse', async (request, reply) => {
    if (seen.has(request) || request.routeOptions.url === '/openapi.json') return;
    const contentType = reply.raw.getHeader('content-type');
    recordViolations(
      (await contractOf(fastify)).check({
        method: request.method,
        route: request.routeOptions.url,
        status: reply.raw.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        body: undefined,
        headers: reply.raw.getHeaderNames(),
      }),
    );
  });
}

/**
 * Boots the real application (Fastify, pipes, filters, guards) on a fresh database cloned from the
 * migrated template. Call close() in afterAll: it drops the database.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  /** Another app on this app's database (its secrets too), which stays when this one closes. */
  beside?: TestApp,
): Promise<TestApp> {
  const template = templateName();
  const pid = template.split('_')[2];
  const name = beside
    ? new URL(beside.config.databaseOwnerUrl!).pathname.slice(1)
    : `lotse_t_${pid}_${process.env.JEST_WORKER_ID ?? '0'}_${Date.now().toString(36)}${counter++}`;
  if (!beside) {
    await withAdminClient((client) =>
      client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`),
    );
  }
  return openTestApp(
    { ...serviceDatabaseEnv(name), DATABASE_POOL_SIZE: '20', ...env },
    databaseUrl(name),
    beside
      ? undefined
      : () =>
          withAdminClient((client) =>
            client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
          ),
  );
}

/**
 * The real application on the database `env` names (DATABASE_URL and the rest), with the test
 * defaults beneath `env`, and an owner pool on `ownerUrl` for setting up and checking rows; the
 * suites on clusters of their own (multi-host, read replica) start theirs through it too.
 */
export async function openTestApp(
  env: Record<string, string>,
  ownerUrl: string,
  afterClose?: () => Promise<unknown>,
): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    PSEUDONYM_KEY: 'test-pseudonym-key-test-pseudonym-key-01',
    // The webhook delivery worker polls the database: off unless a suite about webhooks wants it.
    WEBHOOK_POLL_MS: '0',
    ...env,
  });
  const app = await createApp(config, createLogger({ logLevel: config.logLevel }), {
    instrument: checkResponsesAgainstContract,
  });
  const server = app.getHttpServer();
  const owner = createDataSource({
    url: ownerUrl,
    poolSize: 4,
    embedded: false,
    applicationName: 'lotse-test-owner',
  });
  await owner.initialize();
  return {
    app,
    http: () => request(server),
    db: owner,
    serviceDb: app.get(DataSource),
    config,
    async close() {
      await app.close();
      await owner.destroy();
      await afterClose?.();
    },
  };
}
