// A process that owns a data dir's embedded PostgreSQL the way the service does: it starts the local provider, applies
// one rds component, prints the result as one JSON line and then waits — for the test to SIGKILL it.
// Input: BERTH_DATA_DIR, CHILD_COMPONENT, CHILD_PASSWORD.
import { LocalResourceProvider } from '@berth/provider-local';
import { request } from '../local-request.fixture';

async function main(): Promise<void> {
  const provider = new LocalResourceProvider({ dataDir: process.env.BERTH_DATA_DIR! });
  await provider.start();
  const result = await provider.apply(
    request({
      type: 'rds',
      component: process.env.CHILD_COMPONENT!,
      properties: { engine: 'postgresql' },
      secretProperties: { password: process.env.CHILD_PASSWORD! },
    }),
    { log: () => undefined },
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`cluster owner child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
