import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { databaseKind } from '@berth/persistence';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';
import type { BerthConfig } from './config/berth-config';
import { loadConfig } from './config/config.loader';
import { openDatabase } from './database/database.module';
import { BerthExpressAdapter } from './http/berth-express.adapter';
import { corsOptions } from './http/cors-options';
import { FrameworkLogger } from './logging/framework.logger';
import { setupOpenApi } from './openapi/openapi.document';
import { ProblemFilter } from './http/problem.filter';

export interface CreateAppOptions extends AppModuleOptions {
  /** Settings that win over the environment variables (tests: a temp data dir, a database URL and schema, …). */
  config?: Partial<BerthConfig>;
  /** Environment variables to read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export function resolveConfig(options: Pick<CreateAppOptions, 'config' | 'env'> = {}): BerthConfig {
  const config = { ...loadConfig(options.env ?? process.env), ...options.config };
  return { ...config, databaseKind: databaseKind(config.databaseUrl) };
}

/**
 * Builds and initializes the service (database opened and migrated per policy, `local` environment ensured), ready
 * to `listen()` or to be driven by supertest through `getHttpServer()`.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const config = resolveConfig(options);
  // Open and migrate the database first: its errors (unreachable, migrations pending) are the likely boot failures,
  // and they should reach the caller as they are, not as a Nest stack trace.
  const dataSource = options.dataSource ?? (await openDatabase(config));
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot(config, { ...options, dataSource }),
      new BerthExpressAdapter({ requestTimeoutMs: config.requestTimeoutMs }),
      {
        // Bodies are read by our own size-limited reader, per route.
        bodyParser: false,
        bufferLogs: true,
        abortOnError: false,
      },
    );
  } catch (error) {
    if (!options.dataSource && dataSource.isInitialized) await dataSource.destroy();
    throw error;
  }
  app.useLogger(new FrameworkLogger(app.get(Logger)));
  app.flushLogs();
  app.disable('x-powered-by');
  // ETag means the application's generation here; Express's body-hash ETags would only blur that.
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.useGlobalFilters(new ProblemFilter());
  // Browser pages of the allowed origins may call the API and read its answers; every other origin is refused
  // (HostAndOriginMiddleware), and without BERTH_ALLOWED_ORIGINS no CORS header is ever sent.
  if (config.allowedOrigins.length) app.enableCors(corsOptions(config.allowedOrigins));

  setupOpenApi(app);

  await app.init();
  return app;
}
