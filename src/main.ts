import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/config';
import { createLogger } from './common/logging/logger';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config);
  try {
    const app = await createApp(config, logger);
    // Graceful shutdown: stop accepting, let in-flight requests finish, then close the database
    // (the embedded one flushes to disk). A request still running after the timeout must not keep
    // the process alive for ever.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down: finishing in-flight requests');
        setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
        app.close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
    await app.listen({ port: config.port, host: config.host });
    logger.info({ port: config.port, host: config.host }, 'Lotse is listening');
  } catch (error) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : 'start failed');
    process.exit(1);
  }
}

void bootstrap();
