import { parseArgs } from 'node:util';
import { prepareSchema, SealedValueRepository } from '@berth/persistence';
import { ConfigError } from './config/config.error';
import { runMaintenanceCommand } from './maintenance-command';
import { loadSecretKeys, SecretKeyring } from './secrets/secret-keyring';
import { resealAll, SEALED_KINDS } from './secrets/secret-resealer';

/** `--batch-size=N` (1–10000, default 100): values re-encrypted per transaction. */
function batchSize(args: string[]): number {
  let given: string | undefined;
  try {
    given = parseArgs({ args, options: { 'batch-size': { type: 'string' } }, strict: true }).values['batch-size'];
  } catch (error) {
    throw new ConfigError(`${(error as Error).message.split('\n')[0]} (only --batch-size=N)`);
  }
  if (given === undefined) return 100;
  const value = Number(given);
  if (!Number.isInteger(value) || value < 1 || value > 10_000)
    throw new ConfigError('--batch-size: must be an integer between 1 and 10000');
  return value;
}

/**
 * `npm run reseal`: re-encrypts every sealed value with the first key of BERTH_SECRET_KEYS (see secret-resealer.ts).
 * Safe to interrupt and to rerun; prints what it did, never a value.
 */
runMaintenanceCommand('reseal failed (rerun to resume)', async (config, dataSource) => {
  const size = batchSize(process.argv.slice(2));
  const keyring = new SecretKeyring(loadSecretKeys(config.dataDir, config.secretKeys));
  await prepareSchema(dataSource, 'refuse-if-pending');
  const report = await resealAll(new SealedValueRepository(dataSource), keyring, {
    batchSize: size,
    afterBatch: (kind, progress) => {
      process.stdout.write(`berth: ${kind}: ${progress[kind].resealed} resealed so far\n`);
    },
  });
  const lines = SEALED_KINDS.map(
    (kind) => `${kind} ${report[kind].resealed} resealed, ${report[kind].current} already current`,
  );
  process.stdout.write(`berth: every sealed value is now sealed with key id ${keyring.keyId}: ${lines.join('; ')}\n`);
});
