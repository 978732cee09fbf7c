import { isUtf8 } from 'node:buffer';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';
import { AppError } from '../errors/app-error';

/**
 * JSON bodies must be UTF-8 (RFC 8259). The default parser decodes the bytes leniently, so a body
 * with invalid bytes (ff fe) in a string was stored with U+FFFD in their place. This parser checks
 * the raw bytes first, then hands on to Fastify's JSON parser with its prototype-poisoning checks.
 */
export function parseJsonBodiesStrictly(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    if (!isUtf8(body)) {
      done(new AppError('malformed_body', 'The request body is not valid UTF-8.'), undefined);
      return;
    }
    // The default parser answers through done and returns nothing; its type also admits a body
    // parser's promise form, which it is not.
    void parseJson(request, body.toString('utf8'), done);
  });
}
