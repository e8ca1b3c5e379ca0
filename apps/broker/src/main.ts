import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createApp, resolveConfig } from './app.factory';
import { ConfigError } from './config/config.error';

/** One line on stderr and a non-zero exit: what an operator sees when Berth cannot start. */
function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = error instanceof ConfigError ? 'invalid configuration' : 'cannot start';
  process.stderr.write(`berth: ${prefix}: ${message.split('\n')[0]}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
}

async function main(): Promise<void> {
  let config;
  try {
    config = resolveConfig();
  } catch (error) {
    fail(error);
  }
  const app = await createApp({ config }).catch(fail);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  app.get(Logger).log(`berth listening on http://${config.host}:${port}`, 'Bootstrap');
}

void main().catch(fail);
