import { prepareSchema } from '@berth/persistence';
import { runMaintenanceCommand } from './maintenance-command';

/** `npm run migrate`: applies pending migrations to the configured database, then exits. */
runMaintenanceCommand('migration failed', async (_config, dataSource) => {
  const ran = await prepareSchema(dataSource, 'run');
  process.stdout.write(ran.length ? `berth: applied ${ran.join(', ')}\n` : 'berth: database schema is up to date\n');
});
