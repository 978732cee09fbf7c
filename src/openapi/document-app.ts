import type { OpenAPIObject } from '@nestjs/swagger';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { useApiPrefix } from '../app.factory';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/config';
import { buildOpenApiDocument } from './document';

/**
 * The OpenAPI document without a database: Nest's preview mode resolves the modules and their
 * controllers but instantiates nothing, so no connection is opened. The configuration is a
 * placeholder; nothing in the document depends on it.
 */
export async function openApiDocumentWithoutDatabase(): Promise<OpenAPIObject> {
  const config = loadConfig({
    DATABASE_URL: 'postgres://document-only@127.0.0.1:1/none',
    JWT_SECRET: 'document-only-document-only-document-only',
    PSEUDONYM_KEY: 'document-only-document-only-document-only',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  useApiPrefix(app);
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** The committed document's bytes: two-space JSON with a final newline. */
export const serializeDocument = (document: OpenAPIObject): string =>
  `${JSON.stringify(document, null, 2)}\n`;
