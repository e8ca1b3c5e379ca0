// A process that owns a data dir's embedded Redis the way the service does: it starts the local redis handler,
// applies one redis component, prints the result as one JSON line and then waits — for the test to SIGKILL it.
// Input: BERTH_DATA_DIR, CHILD_COMPONENT, CHILD_PASSWORD.
import { request } from '../local-request.fixture';
import { localRedis, REDIS } from './redis-resource.fixture';

async function main(): Promise<void> {
  const redis = localRedis(process.env.BERTH_DATA_DIR!);
  await redis.start();
  const result = await redis.resource.apply(
    request({
      type: REDIS,
      component: process.env.CHILD_COMPONENT!,
      secretProperties: { password: process.env.CHILD_PASSWORD! },
    }),
    { log: () => undefined },
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`redis owner child: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
