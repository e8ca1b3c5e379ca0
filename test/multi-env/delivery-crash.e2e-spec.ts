import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { TestInventory } from '../support/test-provider';
import { shopYaml } from '../lifecycle/support/lifecycle-harness';
import { putCrashingEnvironments, TARGETS } from './support/crashing-environments';
import { restartingBroker } from './support/restarting-broker';
import { RUN_ENDED, waitForWorkflow } from './support/workflow-wait';

const CLOUD = ['db', 'lb', 'media', 'net'];

/**
 * A delivery is an ordinary application in its environment, so a crash during one environment's deploy resumes
 * there: the service is SIGKILLed while staging's database is being created, restarted, and every environment ends
 * with exactly one resource per cloud component; deleting the home then leaves nothing in the provider's inventory.
 */
describe('multi-environment delivery: a crash during the staging deploy resumes there', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-delivery-crash-'));
  const inventoryPath = join(dataDir, 'inventory.json');
  const inventory = new TestInventory(inventoryPath);
  const env = {
    BERTH_DATA_DIR: dataDir,
    BERTH_HOST: '127.0.0.1',
    BERTH_LEASE_SECONDS: '1',
    BERTH_REFRESH_INTERVAL: '0',
  };

  const broker = restartingBroker(env);
  const url = () => broker.url();

  afterAll(async () => {
    await broker.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Follows an operation across crashes (restarting the service when it died) until it ends. */
  async function converge(id: string, timeoutMs = 180_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`operation ${id} did not end within ${timeoutMs} ms`);
      const answer = await request(await url())
        .get(`/v1/operations/${id}`)
        .catch(() => undefined);
      if (answer?.status === 200 && ['Succeeded', 'Failed', 'Superseded'].includes(answer.body.state)) {
        return answer.body.state as string;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Follows the home's workflow run across crashes until it ends; answers its phase. */
  async function delivered(home: string): Promise<string> {
    return (await waitForWorkflow(url, home, RUN_ENDED, { intervalMs: 50, acrossRestarts: true })).phase;
  }

  it(
    'converges with one resource per component in every environment, and delete leaves nothing',
    { timeout: 600_000 },
    async () => {
      const base = await url();
      await putCrashingEnvironments(base, inventoryPath, 'db');
      const yaml = shopYaml({
        extra: `  policies:\n    - name: everywhere\n      type: topology\n      properties:\n        clusters: [${TARGETS.join(', ')}]\n`,
      }).replace('deletionPolicy: Retain', 'deletionPolicy: Delete');
      const put = await request(base)
        .put('/v1/environments/hub/applications/shop')
        .set('Content-Type', 'application/yaml')
        .send(yaml);
      expect(put.status, put.text).toBe(201);
      expect(await converge(put.body.operation.id)).toBe('Succeeded');
      // Without spec.workflow the topology is one generated deploy step (the broker's run writes the deliveries).
      expect(await delivered('/v1/environments/hub/applications/shop')).toBe('succeeded');

      // The service died right after staging's database was created (the provider SIGKILLed it there).
      expect((await inventory.read()).exits.fired.length).toBe(1);
      const resources = await inventory.resources();
      for (const target of TARGETS) {
        expect(
          resources
            .filter((r) => r.environment === target)
            .map((r) => r.component)
            .sort(),
          target,
        ).toEqual(CLOUD);
      }
      const staging = await request(await url())
        .get('/v1/environments/staging/applications/shop')
        .expect(200);
      expect(staging.body.status.phase).toBe('Ready');

      const deletion = await request(await url())
        .delete('/v1/environments/hub/applications/shop')
        .expect(202);
      const deletes = [
        deletion.body.operation.id,
        ...deletion.body.deliveries.map((d: { operation: { id: string } }) => d.operation.id),
      ];
      for (const id of deletes) expect(await converge(id)).toBe('Succeeded');
      expect(await inventory.resources()).toEqual([]);
    },
  );
});
