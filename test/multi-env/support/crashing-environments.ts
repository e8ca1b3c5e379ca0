import request from 'supertest';
import { expect } from 'vitest';

/** The environments a crash e2e delivers to; the home environment `hub` is put beside them. */
export const TARGETS = ['dev', 'staging', 'prod'];

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
