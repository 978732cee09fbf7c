import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../../config/config';

const CSP = 'content-security-policy';

/**
 * Helmet's headers with a CSP that Swagger UI (served from 'self') works under. Helmet's default
 * `upgrade-insecure-requests` makes a browser fetch every script over https, which leaves /docs
 * blank when the service is reached over plain http (a LAN address): so it is sent only to
 * requests that came over https (TLS here, or X-Forwarded-Proto from a trusted proxy), or to all
 * when HTTPS_ONLY says every client reaches the service over https.
 */
export async function registerSecurityHeaders(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        upgradeInsecureRequests: config.httpsOnly ? [] : null,
      },
    },
  });
  if (config.httpsOnly) return;
  // Runs after helmet's own onRequest hook, which has set the header on the raw response.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      const policy = reply.raw.getHeader(CSP);
      if (request.protocol === 'https' && typeof policy === 'string') {
        reply.raw.setHeader(CSP, `${policy};upgrade-insecure-requests`);
      }
    });
}
