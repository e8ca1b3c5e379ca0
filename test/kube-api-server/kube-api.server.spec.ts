import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/* eslint-disable @typescript-eslint/no-explicit-any -- Status bodies are untyped JSON */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiTestServer } from './kube-api.server';
import { parseLabelSelector } from './label-selector';

// The test server is only worth something if the real client accepts it: every check here goes through
// @kubernetes/client-node and a kubeconfig file, as the runtime does.
describe('KubeApiTestServer with the real @kubernetes/client-node', () => {
  const server = new KubeApiTestServer({ namespaces: ['team-a'], token: 'sekret-token', controllerDelayMs: 5 });
  let dir: string;
  let api: k8s.KubernetesObjectApi;

  beforeAll(async () => {
    await server.start();
    dir = await mkdtemp(join(tmpdir(), 'kube-api-'));
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(await server.writeKubeconfig(join(dir, 'kubeconfig'), { namespace: 'team-a' }));
    api = k8s.KubernetesObjectApi.makeApiClient(kc);
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const configMap = (name: string, labels: Record<string, string>, data: Record<string, string> = { a: '1' }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'team-a', labels },
    data,
  });

  /** The failed request's HTTP code and its body (KubernetesObjectApi hands the body over as text). */
  async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, any> }> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof k8s.ApiException) {
        return { code: error.code, body: typeof error.body === 'string' ? JSON.parse(error.body) : error.body };
      }
      throw error;
    }
    throw new Error('expected the request to fail');
  }

  it('answers discovery the way the client resolves kinds to resources', async () => {
    await api.create(configMap('discovery', {}));
    const paths = server.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain('GET /api/v1');
    expect(paths).toContain('POST /api/v1/namespaces/team-a/configmaps');
  });

  it('creates, reads, lists by label selector, and deletes', async () => {
    await api.create(configMap('one', { tier: 'web', app: 'shop' }));
    await api.create(configMap('two', { tier: 'db', app: 'shop' }));
    await api.create(configMap('three', { tier: 'web' }));
    const read = await api.read({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'one', namespace: 'team-a' },
    });
    expect(read.metadata?.labels).toEqual({ tier: 'web', app: 'shop' });
    expect(read.metadata?.uid).toMatch(/[0-9a-f-]{36}/);
    const names = async (selector: string) =>
      (await api.list('v1', 'ConfigMap', 'team-a', undefined, undefined, undefined, undefined, selector)).items.map(
        (i) => i.metadata?.name,
      );
    expect(await names('app=shop')).toEqual(['one', 'two']);
    expect(await names('app=shop,tier!=db')).toEqual(['one']);
    expect(await names('tier in (db,web),!app')).toEqual(['three']);
    expect(await names('tier notin (web)')).toEqual(['discovery', 'two']); // notin also matches objects without the key
    expect(await names('app')).toEqual(['one', 'two']);
    const status = await api.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'two', namespace: 'team-a' },
    });
    expect(status.status).toBe('Success');
    expect(await names('app=shop')).toEqual(['one']);
  });

  it('answers 404 and 409 with Status objects as a real server does', async () => {
    const missing = await apiError(
      api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nope', namespace: 'team-a' } }),
    );
    expect(missing.code).toBe(404);
    expect(missing.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    await api.create(configMap('dup', {}));
    const exists = await apiError(api.create(configMap('dup', {})));
    expect(exists.code).toBe(409);
    expect(exists.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
      code: 409,
    });
    const noNamespace = await apiError(
      api.create({ ...configMap('x', {}), metadata: { name: 'x', namespace: 'elsewhere' } }),
    );
    expect(noNamespace.body).toMatchObject({
      reason: 'NotFound',
      message: 'namespaces "elsewhere" not found',
      code: 404,
    });
  });

  it('increments resourceVersion and rejects a PUT with a stale one (409 Conflict)', async () => {
    const created: k8s.V1ConfigMap = await api.create(configMap('rv', {}, { v: '1' }) as k8s.V1ConfigMap);
    const first = created.metadata!.resourceVersion!;
    const updated = await api.replace({
      ...configMap('rv', {}, { v: '2' }),
      metadata: { ...created.metadata! },
    } as k8s.V1ConfigMap);
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(Number(first));
    const stale = await apiError(
      api.replace({ ...configMap('rv', {}, { v: '3' }), metadata: { ...created.metadata! } } as k8s.V1ConfigMap),
    );
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict', status: 'Failure' });
    expect(String(stale.body.message)).toContain('the object has been modified');
  });

  it('server-side applies: creates, updates for the same field manager, drops fields no longer applied, keeps no-ops no-ops', async () => {
    const deployment = (image: string, labels: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team-a', labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
      },
    });
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-a' } };
    const apply = (object: k8s.KubernetesObject) =>
      api.patch(object, undefined, undefined, 'berth', true, k8s.PatchStrategy.ServerSideApply);
    const created = (await apply(deployment('nginx:1', { a: '1', b: '2' }))) as k8s.V1Deployment;
    expect(created.metadata?.generation).toBe(1);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'berth', operation: 'Apply' });
    const applyRequest = server.requests.at(-1)!;
    expect(applyRequest).toMatchObject({
      method: 'PATCH',
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'berth', force: 'true' },
      status: 201,
    });

    // Let the controller write its status first (that is a change of its own), then re-apply the same object.
    await expect.poll(async () => ((await api.read(ref)) as k8s.V1Deployment).status?.observedGeneration).toBe(1);
    const settled = (await api.read(ref)) as k8s.V1Deployment;
    const same = (await apply(deployment('nginx:1', { a: '1', b: '2' }))) as k8s.V1Deployment;
    expect(same.metadata?.resourceVersion).toBe(settled.metadata?.resourceVersion);

    const relabelled = (await apply(deployment('nginx:1', { a: '1' }))) as k8s.V1Deployment;
    expect(relabelled.metadata?.labels).toEqual({ a: '1' });
    expect(relabelled.metadata?.generation).toBe(1); // metadata changes do not bump generation

    const changed = (await apply(deployment('nginx:2', { a: '1' }))) as k8s.V1Deployment;
    expect(changed.metadata?.generation).toBe(2);
    await expect.poll(async () => ((await api.read(ref)) as k8s.V1Deployment).status?.observedGeneration).toBe(2);
    const rolled = (await api.read(ref)) as k8s.V1Deployment;
    expect(rolled.status).toMatchObject({ updatedReplicas: 2, availableReplicas: 2 });

    const noManager = await apiError(
      api.patch(
        deployment('nginx:3', {}),
        undefined,
        undefined,
        undefined,
        undefined,
        k8s.PatchStrategy.ServerSideApply,
      ),
    );
    expect(noManager.code).toBe(400);
  });

  it('refuses a wrong bearer token with 401', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(await server.writeKubeconfig(join(dir, 'bad'), { token: 'wrong' }));
    const bad = k8s.KubernetesObjectApi.makeApiClient(kc);
    const error = await apiError(bad.list('v1', 'ConfigMap', 'team-a'));
    expect(error.code).toBe(401);
    expect(error.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });
});

describe('parseLabelSelector', () => {
  it('implements equality, set-based and existence requirements', () => {
    const labels = { env: 'prod', tier: 'web' };
    expect(parseLabelSelector('env=prod,tier==web')(labels)).toBe(true);
    expect(parseLabelSelector('env!=prod')(labels)).toBe(false);
    expect(parseLabelSelector('env in (dev, prod)')(labels)).toBe(true);
    expect(parseLabelSelector('env notin (dev,prod)')(labels)).toBe(false);
    expect(parseLabelSelector('!tier')(labels)).toBe(false);
    expect(parseLabelSelector('owner')(labels)).toBe(false);
    expect(parseLabelSelector('owner!=x')(labels)).toBe(true);
    expect(() => parseLabelSelector('env=a b')).toThrow();
  });
});
