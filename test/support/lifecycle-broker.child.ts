import 'reflect-metadata';
// The broker service as a real process with the TEST-ONLY provider registered (kind `test`): what the crash and
// multi-worker tests start, kill and restart. Configured by the usual BERTH_* variables; the test provider reads
// BERTH_TEST_PROVIDER_INVENTORY and BERTH_TEST_PROVIDER_EXIT_AT (SIGKILL to itself at that point).
import { createApp, resolveConfig } from '../../apps/broker/src';
import { randomUUID } from 'node:crypto';
import { TokensService } from '../../apps/broker/src/access/tokens.service';
import { authenticateRequests } from './admin-auth';
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
  // Like the in-process harness: a request without credentials is sent as an admin. Each process makes its own admin
  // token (several processes may share one database, and only the first start of it writes admin.token).
  const { token } = await app
    .get(TokensService)
    .create({ name: `test-child-${randomUUID().slice(0, 8)}`, roles: [{ role: 'admin', scope: 'service' }] }, 'test');
  authenticateRequests(app.getHttpServer(), token);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`berth listening on http://${config.host}:${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`lifecycle broker child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
