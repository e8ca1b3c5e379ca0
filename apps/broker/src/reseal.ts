import 'reflect-metadata';
import { createDataSource, prepareSchema } from '@berth/persistence';
import { resolveConfig } from './app.factory';
import { ConfigError } from './config/config.error';
import { loadSecretKeys, SecretKeyring } from './secrets/secret-keyring';
import { resealAll, SEALED_KINDS } from './secrets/secret-resealer';

/** `--batch-size=N` (1–10000, default 100): values re-encrypted per transaction. */
function batchSize(args: readonly string[]): number {
  const given = args.find((arg) => arg.startsWith('--batch-size='));
  if (!given) return 100;
  const value = Number(given.slice('--batch-size='.length));
  if (!Number.isInteger(value) || value < 1 || value > 10_000)
    throw new ConfigError('--batch-size: must be an integer between 1 and 10000');
  return value;
}

/**
 * `npm run reseal`: re-encrypts every sealed value with the first key of BERTH_SECRET_KEYS (see secret-resealer.ts).
 * Safe to interrupt and to rerun; prints what it did, never a value.
 */
async function main(): Promise<void> {
  const unknown = process.argv.slice(2).filter((arg) => !arg.startsWith('--batch-size='));
  if (unknown.length) throw new ConfigError(`unknown argument ${JSON.stringify(unknown[0])} (only --batch-size=N)`);
  const size = batchSize(process.argv.slice(2));
  const config = resolveConfig();
  const keyring = new SecretKeyring(loadSecretKeys(config.dataDir, config.secretKeys));
  const dataSource = createDataSource({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
  });
  await dataSource.initialize();
  try {
    await prepareSchema(dataSource, 'refuse-if-pending');
    const report = await resealAll(dataSource, keyring, {
      batchSize: size,
      afterBatch: (kind, progress) => {
        process.stdout.write(`berth: ${kind}: ${progress[kind].resealed} resealed so far\n`);
      },
    });
    const lines = SEALED_KINDS.map(
      (kind) => `${kind} ${report[kind].resealed} resealed, ${report[kind].current} already current`,
    );
    process.stdout.write(`berth: every sealed value is now sealed with key id ${keyring.keyId}: ${lines.join('; ')}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  const prefix = error instanceof ConfigError ? 'invalid configuration' : 'reseal failed (rerun to resume)';
  process.stderr.write(`berth: ${prefix}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
