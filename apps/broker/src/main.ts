import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { BOOTSTRAP_TOKEN_NAME, BootstrapAdminService } from './access/bootstrap-admin.service';
import { createApp } from './app.factory';
import { BERTH_CONFIG, type BerthConfig } from './config/berth-config';
import { ConfigError } from './config/config.error';
import { bootSummary } from './logging/boot-summary';

/** One line on stderr and a non-zero exit: what an operator sees when Berth cannot start. */
function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = error instanceof ConfigError ? 'invalid configuration' : 'cannot start';
  process.stderr.write(`berth: ${prefix}: ${message.split('\n')[0]}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
}

async function main(): Promise<void> {
  // Every bad variable, the service's and its adapters', is one ConfigError from createApp (exit 78).
  const app = await createApp().catch(fail);
  const config = app.get<BerthConfig>(BERTH_CONFIG);
  const logger = app.get(Logger);

  // Graceful shutdown. Like Nest's enableShutdownHooks() (app.close(): stop accepting connections, finish the ones
  // in flight, run every module's shutdown hooks, close the database), but then the process ends by itself with
  // exit code 0 once its last log lines are written, instead of re-raising the signal.
  const shutdown = (signal: NodeJS.Signals) => {
    logger.log(`${signal} received: shutting down`, 'Bootstrap');
    setTimeout(() => {
      process.stderr.write('berth: shutdown took longer than 30 s; exiting\n');
      process.exit(1);
    }, 30_000).unref();
    app.close().then(
      () => logger.log('stopped', 'Bootstrap'),
      (error: unknown) => {
        logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`, 'Bootstrap');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.log(bootSummary(config, port), 'Bootstrap');
  const tokenFile = app.get(BootstrapAdminService).createdTokenFile;
  if (tokenFile)
    logger.log(`created the admin token ${BOOTSTRAP_TOKEN_NAME}: it is in ${tokenFile} (mode 0600)`, 'Bootstrap');
}

void main().catch(fail);
