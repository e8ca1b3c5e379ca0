import 'reflect-metadata';
import { createDataSource } from '@berth/persistence';
import type { DataSource } from 'typeorm';
import { resolveConfig } from './app.factory';
import type { BerthConfig } from './config/berth-config';
import { ConfigError } from './config/config.error';

/**
 * Runs one of the service's maintenance commands (`npm run migrate`, `npm run reseal`): reads and checks the
 * configuration, opens the configured database, runs `body`, closes the database. A configuration problem exits 78
 * (EX_CONFIG) with `invalid configuration: …`; any other failure exits 1 with `<failure>: …`, first line only.
 */
export function runMaintenanceCommand(
  failure: string,
  body: (config: BerthConfig, dataSource: DataSource) => Promise<void>,
): void {
  const run = async () => {
    const config = resolveConfig();
    const dataSource = createDataSource({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      schema: config.databaseSchema,
    });
    await dataSource.initialize();
    try {
      await body(config, dataSource);
    } finally {
      await dataSource.destroy();
    }
  };
  run().catch((error: unknown) => {
    const prefix = error instanceof ConfigError ? 'invalid configuration' : failure;
    process.stderr.write(
      `berth: ${prefix}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`,
    );
    process.exit(error instanceof ConfigError ? 78 : 1);
  });
}
