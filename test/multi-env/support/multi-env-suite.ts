import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, expect } from 'vitest';
import { waitForOperation } from '../../lifecycle/support/lifecycle-harness';
import type { BackendName, TestApp } from '../../support/test-app';
import { startMultiEnvApp } from './multi-env-app';

/** A broker with dev, staging and prod for one suite (none when skipped), closed after it; call the answer for it. */
export function multiEnvSuite(backend: BackendName, skip: boolean): () => TestApp {
  let t: TestApp | undefined;
  beforeAll(async () => {
    if (skip) return;
    t = await startMultiEnvApp(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });
  return () => t!;
}

/** Waits for each operation (a generous ceiling: the machine is shared) and expects it to have succeeded. */
export async function expectSucceeded(
  server: TestApp['server'],
  operations: ReadonlyArray<{ id: string } | undefined>,
  timeoutMs = 300_000,
): Promise<void> {
  for (const operation of operations) {
    if (!operation) continue;
    const done = await waitForOperation(server, operation.id, timeoutMs);
    expect(done.state, JSON.stringify(done)).toBe('Succeeded');
  }
}

/** The operations a PUT or DELETE answer queued: the record's own and its deliveries'. */
export function queuedOperations(answer: request.Response): Array<{ id: string } | undefined> {
  const deliveries = (answer.body.deliveries ?? []) as Array<{ operation?: { id: string } }>;
  return [answer.body.operation as { id: string } | undefined, ...deliveries.map((d) => d.operation)];
}

/** The environment variables a workload got, values revealed (`application` is its path under /v1). */
export async function workloadVariables(
  server: TestApp['server'],
  application: string,
  component = 'web',
): Promise<Record<string, string>> {
  const answer = await request(server).get(`${application}/components/${component}/env?reveal=true`).expect(200);
  return Object.fromEntries(
    (answer.body.variables as Array<{ name: string; value: string }>).map((v) => [v.name, v.value]),
  );
}

/** What the local provider holds in this broker's data dir: one file per resource, named `<type>-<hash>.json`. */
export async function localInventory(dataDir: string): Promise<string[]> {
  const files = await readdir(join(dataDir, 'local', 'resources')).catch(() => [] as string[]);
  return files.filter((file) => file.endsWith('.json')).sort();
}
