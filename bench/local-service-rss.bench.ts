/**
 * Memory of the service after the quick start: the built service as its own process (as `npm start` runs it) on a
 * fresh data dir, `examples/quickstart.yaml` applied on the `local` environment until Ready, then the service's
 * resident set, and apart from it the embedded PostgreSQL's processes (their proportional set: a separate server now,
 * no longer inside the service). `npx tsx bench/local-service-rss.bench.ts`
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/cli/support/berth-process';
import { embeddedPostgresPssMiB, putApplication, rssMiB, waitReady, withService } from './support/service-run';

export interface ServiceRssBenchResult {
  bootRssMiB: number;
  readyRssMiB: number;
  readyMs: number;
  postgres: { processes: number; pssMiB: number };
}

export async function run(): Promise<ServiceRssBenchResult> {
  return withService(async (server) => {
    const bootRssMiB = await rssMiB(server.pid);
    const started = performance.now();
    const quickstart = readFileSync(join(ROOT, 'examples/quickstart.yaml'), 'utf8');
    await putApplication(server.url, 'local', 'quickstart', quickstart);
    await waitReady(server.url, 'local', 'quickstart');
    const readyMs = performance.now() - started;
    // Let the last requests' garbage go the way it would on an idle service.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    return {
      bootRssMiB,
      readyRssMiB: await rssMiB(server.pid),
      readyMs,
      postgres: await embeddedPostgresPssMiB(server.dataDir),
    };
  });
}

if (require.main === module) {
  run()
    .then((r) => {
      console.log(
        `service RSS after the quickstart apply: ${r.readyRssMiB.toFixed(0)} MiB (at boot ${r.bootRssMiB.toFixed(0)} MiB; Ready in ${r.readyMs.toFixed(0)} ms)`,
      );
      console.log(
        `  embedded PostgreSQL beside it: ${r.postgres.processes} processes, ${r.postgres.pssMiB.toFixed(0)} MiB PSS together`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
