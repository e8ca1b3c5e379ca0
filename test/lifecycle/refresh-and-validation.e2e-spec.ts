import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ResourceProvider,
  type ApplyResult,
  type DriftReport,
  type ProviderAvailability,
  type ResourcePlan,
  type ResourceRequest,
} from '@berth/core';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  putApplication,
  putTestEnvironment,
  shopYaml,
  startLifecycleApp,
  waitForOperation,
  FAST_LIFECYCLE,
  type LifecycleApp,
} from './support/lifecycle-harness';

/**
 * TEST ONLY: a provider (kind `moving`) whose database port can change behind Berth's back, like the local provider's
 * embedded server coming back on another port after a restart: refresh reports the drift in DB_PORT only.
 */
class MovingPortProvider extends ResourceProvider {
  readonly kinds = ['moving'] as const;
  port = 41000;
  private issued: number | undefined;
  async availability(): Promise<ProviderAvailability> {
    return { available: true };
  }
  validateProfile(): [] {
    return [];
  }
  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    return { changes: [{ action: 'same', resource: request.component }], exact: false };
  }
  async apply(request: ResourceRequest): Promise<ApplyResult> {
    this.issued = this.port;
    return {
      externalIds: { id: `moving-${request.component}` },
      outputs: {
        DB_HOST: '127.0.0.1',
        DB_PORT: String(this.port),
        DB_USER: 'app',
        DATABASE_NAME: 'app',
        DB_NAME: 'app',
        DB_ID: 'moving',
      },
      secretOutputs: {
        DB_PASSWORD: request.secretProperties.password ?? 'none',
        DB_URL: `mysql://app:${request.secretProperties.password}@127.0.0.1:${this.port}/app`,
      },
    };
  }
  async destroy(): Promise<void> {}
  async refresh(): Promise<DriftReport> {
    if (this.issued === this.port) return { drifted: false, exists: true, differences: [] };
    return {
      drifted: true,
      exists: true,
      differences: [{ field: 'DB_PORT', expected: String(this.issued), actual: String(this.port) }],
    };
  }
}

const APP = '/v1/environments/dev/applications/shop';
const DB_APP = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: shop }
spec:
  components:
    - { name: db, type: rds, properties: { engine: mysql } }
    - name: api
      type: webservice
      properties: { image: shop:1 }
      traits: [ { type: service-binding, properties: { envMappings: { DB_PORT: { secret: db }, DB_URL: { secret: db } } } } ]
`;

describe('refresh and validation by the adapters', () => {
  let t: LifecycleApp | TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('re-issues the connection secret (version + 1) when only outputs drifted, and the bound workload sees the new value', async () => {
    const provider = new MovingPortProvider();
    t = await startTestApp('sqlite', {
      extraProviders: [provider],
      config: { role: 'all', refreshIntervalMs: 0, lifecycle: FAST_LIFECYCLE },
    });
    await request(t.server)
      .put('/v1/environments/dev')
      .send({ provider: { kind: 'moving', settings: {} }, runtime: { kind: 'local' } })
      .expect(201);
    const put = await putApplication(t.server, 'dev', 'shop', DB_APP);
    expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');
    const port = async () =>
      (await request(t!.server).get(`${APP}/components/api/env`).expect(200)).body.variables.find(
        (v: { name: string }) => v.name === 'DB_PORT',
      ).value;
    expect(await port()).toBe('41000');

    provider.port = 41001; // the server came back elsewhere
    const refresh = await request(t.server).post(`${APP}:refresh`).expect(202);
    const op = await waitForOperation(t.server, refresh.body.operation.id);
    expect(op.state).toBe('Succeeded');
    expect(op.steps.map((s) => s.id)).toEqual(['refresh:db', 'deliver:api']);
    const app = (await request(t.server).get(APP).expect(200)).body;
    const db = app.status.components.find((c: { name: string }) => c.name === 'db');
    expect(db.secret.version).toBe(2);
    expect(db.outputs.DB_PORT).toBe('41001');
    expect(app.status.conditions.find((c: { type: string }) => c.type === 'Drifted')).toMatchObject({
      status: 'False',
      reason: 'SecretReissued',
    });
    expect(await port()).toBe('41001');
    // The password is the one held since the first apply (generated once, then kept).
    const urls = (await request(t.server).get(`${APP}/components/api/env?reveal=true`).expect(200)).body.variables;
    expect(urls.find((v: { name: string }) => v.name === 'DB_URL').value).toMatch(
      /^mysql:\/\/app:.{16,}@127\.0\.0\.1:41001\/app$/,
    );
  });

  it('refreshes Ready applications on the BERTH_REFRESH_INTERVAL schedule', async () => {
    const app = await startLifecycleApp('sqlite', { refreshIntervalMs: 300 });
    t = app;
    await putTestEnvironment(app.server, 'dev', app.inventoryPath);
    const put = await putApplication(app.server, 'dev', 'shop', shopYaml());
    expect((await waitForOperation(app.server, put.body.operation.id)).state).toBe('Succeeded');
    const deadline = Date.now() + 60_000;
    let refreshed: { id: string; kind: string } | undefined;
    while (!refreshed && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      refreshed = (await request(app.server).get(`${APP}/operations`).expect(200)).body.items.find(
        (o: { kind: string }) => o.kind === 'refresh',
      );
    }
    expect(refreshed).toBeDefined();
    expect((await waitForOperation(app.server, refreshed!.id)).state).toBe('Succeeded');
  });

  it('refuses an rds mysql on the local provider without BERTH_LOCAL_MYSQL_URL, naming the variable (422)', async () => {
    t = await startTestApp('sqlite', { env: { BERTH_LOCAL_MYSQL_URL: undefined } });
    const answer = await putApplication(t.server, 'local', 'shop', DB_APP);
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toContainEqual({
      path: '/spec/components/0/properties/engine',
      message: expect.stringContaining('BERTH_LOCAL_MYSQL_URL'),
    });
    const postgres = await putApplication(
      t.server,
      'local',
      'shop',
      DB_APP.replace('engine: mysql', 'engine: postgresql'),
    );
    expect(postgres.status, postgres.text).toBe(201);
  });

  it('checks an environment profile with its provider (422 under /provider/settings)', async () => {
    t = await startTestApp('sqlite');
    const answer = await request(t.server)
      .put('/v1/environments/cloud')
      .send({ provider: { kind: 'alicloud', settings: { region: 'nowhere!' } }, runtime: { kind: 'local' } });
    expect(answer.status).toBe(422);
    expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(['/provider/settings/region']);
  });
});
