import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { formatSettingProblem } from '@berth/core';
import { databaseKind } from '@berth/persistence';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';
import type { BerthConfig } from './config/berth-config';
import { adapterSettingsProblems, builtinProviders } from './adapters/builtin-providers';
import { ConfigError } from './config/config.error';
import { loadConfig, readConfig } from './config/config.loader';
import { openDatabase } from './database/database.module';
import { BerthExpressAdapter } from './http/berth-express.adapter';
import { corsOptions } from './http/cors-options';
import { FrameworkLogger } from './logging/framework.logger';
import { setupOpenApi } from './openapi/openapi.document';
import { ProblemFilter } from './http/problem.filter';

export interface CreateAppOptions extends AppModuleOptions {
  /** Settings that win over the environment variables (tests: a temp data dir, a database URL and schema, …). */
  config?: Partial<BerthConfig>;
  /** Environment variables to read, the service's and its adapters' (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The service's own configuration (not its adapters'): environment variables, then `config` over them. */
export function resolveConfig(options: Pick<CreateAppOptions, 'config' | 'env'> = {}): BerthConfig {
  return withOverrides(loadConfig(options.env ?? process.env), options.config);
}

function withOverrides(read: BerthConfig, overrides: Partial<BerthConfig> = {}): BerthConfig {
  const config = { ...read, ...overrides };
  return { ...config, databaseKind: databaseKind(config.databaseUrl) };
}

/**
 * The configuration and the built-in providers, each of which read their own settings. Throws one ConfigError listing
 * every bad variable of the service and of every adapter (`BERTH_PORT: …; BERTH_LOCAL_MYSQL_URL: …`).
 */
export function configureService(options: CreateAppOptions = {}): {
  config: BerthConfig;
  providers: NonNullable<AppModuleOptions['providers']>;
} {
  const env = options.env ?? process.env;
  const read = readConfig(env);
  const problems = read.problems.map(formatSettingProblem);
  const config =
    problems.length === 0 ? withOverrides(read.config, options.config) : { ...read.config, ...options.config };
  const providers = options.providers ?? builtinProviders(config, env);
  problems.push(...adapterSettingsProblems([...providers, ...(options.extraProviders ?? [])]));
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return { config, providers };
}

/**
 * Builds and initializes the service (database opened and migrated per policy, `local` environment ensured), ready
 * to `listen()` or to be driven by supertest through `getHttpServer()`.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const { config, providers } = configureService(options);
  // Open and migrate the database first: its errors (unreachable, migrations pending) are the likely boot failures,
  // and they should reach the caller as they are, not as a Nest stack trace.
  const dataSource = options.dataSource ?? (await openDatabase(config));
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot(config, { ...options, dataSource, providers }),
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
