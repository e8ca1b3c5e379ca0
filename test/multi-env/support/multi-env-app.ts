import request from 'supertest';
import { expect } from 'vitest';
import { TestResourceProvider } from '../../support/test-provider';
import { FAST_LIFECYCLE } from '../../lifecycle/support/lifecycle-harness';
import { startTestApp, type BackendName, type TestApp } from '../../support/test-app';

/** The environments the multi-environment suites deliver to: all on the local provider, prod labelled tier: prod. */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

/** A broker (worker role too) with dev, staging and prod created beside the ready `local` environment. */
export async function startMultiEnvApp(backend: BackendName): Promise<TestApp> {
  const t = await startTestApp(backend, {
    // The test provider too (kind `test`), for an environment whose provider fails on purpose.
    extraProviders: [new TestResourceProvider({ env: {} })],
    config: { role: 'all', lifecycle: FAST_LIFECYCLE, refreshIntervalMs: 0 },
  });
  for (const env of ENVIRONMENTS) {
    const answer = await request(t.server)
      .put(`/v1/environments/${env}`)
      .send({
        provider: { kind: 'local' },
        runtime: { kind: 'local' },
        ...(env === 'prod' ? { labels: { tier: 'prod' } } : {}),
      });
    expect(answer.status, answer.text).toBe(201);
  }
  return t;
}
