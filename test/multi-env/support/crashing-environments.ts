import request from 'supertest';
import { expect } from 'vitest';
import { multiEnvShopYaml } from '../../fixtures/applications';

/** The environments a crash e2e delivers to; the home environment `hub` is put beside them. */
export const TARGETS = ['dev', 'staging', 'prod'];

/** A vpc + oss + bound webservice, deployed to dev, then staging, then prod after an approval (`auto: false`). */
export function stagedShop(name = 'shop'): string {
  return multiEnvShopYaml({
    name,
    image: 'shop:1',
    policies: TARGETS.map((t) => `{ name: ${t}, type: topology, properties: { clusters: [${t}] } }`),
    steps: [
      '{ name: deploy-dev, type: deploy, properties: { policies: [dev] } }',
      '{ name: deploy-staging, type: deploy, properties: { policies: [staging] } }',
      '{ name: deploy-prod, type: deploy, properties: { policies: [prod], auto: false } }',
    ],
  });
}

/**
 * Puts `hub` and every target on the test provider, with `staging` set to SIGKILL the broker right after it applies
 * `crashAfter` (the test provider's exitAt), and the local runtime.
 */
export async function putCrashingEnvironments(base: string, inventoryPath: string, crashAfter: string): Promise<void> {
  for (const name of ['hub', ...TARGETS]) {
    const exitAt = name === 'staging' ? { component: crashAfter, when: 'after', action: 'apply' } : undefined;
    const answer = await request(base)
      .put(`/v1/environments/${name}`)
      .send({
        provider: {
          kind: 'test',
          settings: { inventoryPath, components: { '*': { delayMs: 20 } }, ...(exitAt ? { exitAt } : {}) },
        },
        runtime: { kind: 'local', settings: {} },
      });
    expect(answer.status, answer.text).toBeLessThan(300);
  }
}
