import 'reflect-metadata';
// The broker service as a real process with the TEST-ONLY provider registered (kind `test`): what the crash and
// multi-worker tests start, kill and restart. Configured by the usual BERTH_* variables; the test provider reads
// BERTH_TEST_PROVIDER_INVENTORY and BERTH_TEST_PROVIDER_EXIT_AT (SIGKILL to itself at that point).
import { createApp, resolveConfig } from '../../apps/broker/src';
import { TestResourceProvider } from './test-provider';

async function main(): Promise<void> {
  const config = resolveConfig();
  const app = await createApp({
    config: {
      ...config,
      lifecycle: {
        workerPollMs: 50,
        streamPollMs: 50,
        retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100, factor: 2 },
      },
    },
    extraProviders: [new TestResourceProvider()],
  });
  const shutdown = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`berth listening on http://${config.host}:${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`lifecycle broker child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
