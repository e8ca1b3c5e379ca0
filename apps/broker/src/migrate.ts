import 'reflect-metadata';
import { createDataSource, prepareSchema } from '@berth/persistence';
import { resolveConfig } from './app.factory';
import { ConfigError } from './config/config.error';

/** `npm run migrate`: applies pending migrations to the configured database, then exits. */
async function main(): Promise<void> {
  const config = resolveConfig();
  const dataSource = createDataSource({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
  });
  await dataSource.initialize();
  try {
    const ran = await prepareSchema(dataSource, 'run');
    process.stdout.write(ran.length ? `berth: applied ${ran.join(', ')}\n` : 'berth: database schema is up to date\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  const prefix = error instanceof ConfigError ? 'invalid configuration' : 'migration failed';
  process.stderr.write(`berth: ${prefix}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
