import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
// The broker has no @berth/ alias (it is an app, not a library); its index is the surface tests use.
import { BERTH_CONFIG, type BerthConfig, createApp, type CreateAppOptions } from '../../apps/broker/src';
import { authenticateRequests, readAdminToken } from './admin-auth';
import { createTemporarySchema, TEST_POSTGRES_URL } from './postgres-schema';

export type BackendName = 'sqlite' | 'postgres';

export interface Backend {
  name: BackendName;
  /** True when this backend cannot run here (PostgreSQL without TEST_POSTGRES_URL). */
  skip: boolean;
}

/** The databases an end-to-end suite runs on: always SQLite; PostgreSQL when TEST_POSTGRES_URL is set. */
export const BACKENDS: Backend[] = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: !TEST_POSTGRES_URL },
];

export interface TestApp {
  app: NestExpressApplication;
  /** For supertest: `request(testApp.server)`. */
  server: Server;
  dataSource: DataSource;
  config: BerthConfig;
  dataDir: string;
  /** The bootstrap admin token (`<data dir>/admin.token`), which requests without Authorization are sent with. */
  adminToken: string;
  close: () => Promise<void>;
}

export interface TestAppOptions extends Omit<CreateAppOptions, 'env'> {
  config?: Partial<BerthConfig>;
  /**
   * Environment variables the service sees (none of the host's): adapters read their own settings from them, e.g.
   * `BERTH_LOCAL_REDIS_URL`. Over the default BERTH_LOCAL_MYSQL_URL (undefined unsets it).
   */
  env?: Record<string, string | undefined>;
  /**
   * false: requests go out as they are written (the access suites send their own credentials, or none). Default:
   * a request without an Authorization header is sent as the bootstrap admin, so suites about something else need
   * no credentials of their own.
   */
  authenticateAsAdmin?: boolean;
}

/**
 * Boots the real service (real database, real HTTP stack) on a temp data dir, or on a fresh PostgreSQL schema that
 * `close()` drops again. Environment variables are not read, so the host's settings cannot leak in.
 */
export async function startTestApp(backend: BackendName, options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  let dropSchema: (() => Promise<void>) | undefined;
  const config: Partial<BerthConfig> = {
    dataDir,
    logLevel: 'silent',
    // API suites run the API role: operations are queued, not run (lifecycle suites pass role 'all').
    role: 'api',
    ...options.config,
  };
  if (backend === 'postgres') {
    if (!TEST_POSTGRES_URL) throw new Error('TEST_POSTGRES_URL is not set');
    const { schema, drop } = await createTemporarySchema(TEST_POSTGRES_URL, 'berth_e2e');
    dropSchema = drop;
    Object.assign(config, { databaseUrl: TEST_POSTGRES_URL, databaseSchema: schema, migrateOnBoot: true });
  }
  const cleanup = async () => {
    await dropSchema?.();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let app: NestExpressApplication;
  const { authenticateAsAdmin = true, env: givenEnv, ...createOptions } = options;
  const env = {
    // The shared fixtures use rds mysql, which the local provider only accepts with a MySQL server configured (it
    // is not contacted until such a component is provisioned).
    BERTH_LOCAL_MYSQL_URL: process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
    ...givenEnv,
  };
  try {
    app = await createApp({ ...createOptions, env, config });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const server = app.getHttpServer() as Server;
  const adminToken = readAdminToken(app.get<BerthConfig>(BERTH_CONFIG).dataDir);
  if (authenticateAsAdmin) authenticateRequests(server, adminToken);
  return {
    app,
    server,
    adminToken,
    dataSource: app.get(DataSource),
    config: app.get<BerthConfig>(BERTH_CONFIG),
    dataDir,
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}
