import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/common/logging/logger';
import { databaseUrl, templateName, withAdminClient } from './database';

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest agent on the running app */
  http: () => ReturnType<typeof request>;
  db: DataSource;
  config: AppConfig;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Boots the real application (Fastify, pipes, filters, guards) on a fresh database cloned from the
 * migrated template. Call close() in afterAll: it drops the database.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const template = templateName();
  const pid = template.split('_')[2];
  const name = `lotse_t_${pid}_${process.env.JEST_WORKER_ID ?? '0'}_${Date.now().toString(36)}${counter++}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const config = loadConfig({
    DATABASE_URL: databaseUrl(name),
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    PSEUDONYM_KEY: 'test-pseudonym-key-test-pseudonym-key-01',
    DATABASE_POOL_SIZE: '20',
    ...env,
  });
  const app = await createApp(config, createLogger({ logLevel: config.logLevel }));
  const server = app.getHttpServer();
  return {
    app,
    http: () => request(server),
    db: app.get(DataSource),
    config,
    async close() {
      await app.close();
      await withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}
