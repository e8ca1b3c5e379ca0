/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk into stored Kubernetes objects (untyped JSON) */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ProviderError,
  ProviderErrorCode,
  bindingsChecksum,
  type ConnectionSecretMaterial,
  type DeliveryRequest,
  type OperationLog,
  type ResolvedEnvVar,
  type RuntimeSpec,
  type WorkloadComponentSpec,
  type WorkloadDelivery,
} from '@berth/core';
import { KubernetesWorkloadRuntime } from '@berth/kube';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiTestServer } from '../kube-api-server/kube-api.server';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster';

const NS = 'team-a';
const PASSWORD_V1 = 'Initial-Pa55word_one';
const PASSWORD_V2 = 'Rotated-Pa55word_two';

function workload(
  name: string,
  type: WorkloadComponentSpec['type'],
  properties: Record<string, unknown>,
): WorkloadComponentSpec {
  return { kind: 'workload', name, type, properties, dependsOn: [], traits: [], bindings: [] };
}

function dbSecret(version: number, password: string): ConnectionSecretMaterial {
  return {
    name: 'shop-db-conn',
    component: 'db',
    version,
    data: { DB_HOST: 'db.internal', DB_PORT: '5432', DB_USER: 'shop', DB_PASSWORD: password },
    sensitiveKeys: ['DB_PASSWORD'],
  };
}

const lbSecret: ConnectionSecretMaterial = {
  name: 'shop-lb-conn',
  component: 'lb',
  version: 1,
  data: { SLB_ID: 'lb-2zeexample0001', slbId: 'lb-2zeexample0001', SLB_ADDRESS: '10.0.0.8' },
  sensitiveKeys: [],
};

/** What the engine hands the runtime: bindings resolved, checksum over the bound secrets' versions (core's function). */
function deliveryOf(
  component: WorkloadComponentSpec,
  env: ResolvedEnvVar[],
  secrets: ConnectionSecretMaterial[],
): WorkloadDelivery {
  const bound = new Set(env.map((e) => e.secretName));
  return {
    component,
    env,
    bindingsChecksum: bindingsChecksum(
      secrets.filter((s) => bound.has(s.name)).map((s) => ({ name: s.name, version: s.version })),
    ),
  };
}

const dbEnv: ResolvedEnvVar[] = [
  { name: 'DB_HOST', secretName: 'shop-db-conn', key: 'DB_HOST', sensitive: false },
  { name: 'DB_PASSWORD', secretName: 'shop-db-conn', key: 'DB_PASSWORD', sensitive: true },
];

interface Shape {
  dbVersion?: number;
  password?: string;
  worker?: boolean;
  task?: boolean;
  lb?: boolean;
  application?: string;
}

describe('KubernetesWorkloadRuntime against the test Kubernetes API server', () => {
  const server = new KubeApiTestServer({ namespaces: [NS], token: 'berth-test-token', controllerDelayMs: 30 });
  const runtime = new KubernetesWorkloadRuntime({ pollIntervalMs: 25, kubeconfigDirs: [tmpdir()] });
  let dir: string;
  let kubeconfig: string;
  let lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
  const log: OperationLog = { log: (level, message, fields) => lines.push({ level, message, fields }) };

  let cluster: KubeCluster;
  beforeAll(async () => {
    cluster = await startKubeCluster({ kubeconfig: { context: 'test-cluster' } }, server);
    ({ dir, kubeconfig } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(() => {
    lines = [];
    server.controllerMode = 'rollout';
    server.clearFaults();
  });
  afterEach(async () => {
    // Each test starts from an empty namespace (and the clean-up itself must not meet a test's faults).
    server.clearFaults();
    await runtime.remove(
      {
        environment: 'staging',
        application: 'shop',
        runtime: runtimeSpec(),
        includeSecrets: true,
        signal: new AbortController().signal,
      },
      log,
    );
  });

  function runtimeSpec(settings: Record<string, unknown> = {}): RuntimeSpec {
    return {
      kind: 'kubernetes',
      settings: { kubeconfig, context: 'test-cluster', namespace: NS, rolloutTimeoutSeconds: 3, ...settings },
    };
  }

  function request(
    shape: Shape = {},
    settings: Record<string, unknown> = {},
    signal = new AbortController().signal,
  ): DeliveryRequest {
    const db = dbSecret(shape.dbVersion ?? 1, shape.password ?? PASSWORD_V1);
    const secrets = shape.lb === false ? [db] : [db, lbSecret];
    const workloads = [
      deliveryOf(
        workload('web', 'webservice', {
          image: 'registry.example/shop/web:1',
          port: 8080,
          replicas: 2,
          env: [{ name: 'MODE', value: 'prod' }],
        }),
        shape.lb
          ? [...dbEnv, { name: 'LB_ADDRESS', secretName: 'shop-lb-conn', key: 'SLB_ADDRESS', sensitive: false }]
          : dbEnv,
        secrets,
      ),
    ];
    if (shape.worker !== false)
      workloads.push(
        deliveryOf(workload('jobs', 'worker', { image: 'registry.example/shop/worker:1' }), dbEnv, secrets),
      );
    if (shape.task)
      workloads.push(
        deliveryOf(workload('migrate', 'task', { image: 'registry.example/shop/migrate:1' }), dbEnv, secrets),
      );
    return {
      environment: 'staging',
      application: shape.application ?? 'shop',
      runtime: runtimeSpec(settings),
      workloads,
      secrets,
      signal,
    };
  }

  const get = (apiVersion: string, kind: string, name: string) => server.getObject(apiVersion, kind, NS, name) as any;
  const appObjects = (application = 'shop') =>
    server.listObjects(NS).filter((o: any) => o.metadata.labels?.['berth.dev/application'] === application);

  async function failure(promise: Promise<unknown>): Promise<ProviderError> {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderError);
      return error as ProviderError;
    }
    throw new Error('expected a ProviderError');
  }

  it('delivers: Secret with the connection keys, Deployment with secretKeyRef env, Service, all rolled out', async () => {
    const statuses = await runtime.deliver(request({ task: true }), log);
    expect(statuses).toEqual([
      { component: 'web', ready: true, message: expect.stringContaining('2 of 2') },
      { component: 'jobs', ready: true, message: expect.any(String) },
      { component: 'migrate', ready: true, message: expect.stringContaining('completed') },
    ]);

    const secret = get('v1', 'Secret', 'shop-db-conn');
    expect(secret.type).toBe('Opaque');
    expect(Buffer.from(secret.data.DB_PASSWORD, 'base64').toString()).toBe(PASSWORD_V1);
    expect(secret.metadata.labels).toMatchObject({
      'berth.dev/application': 'shop',
      'berth.dev/environment': 'staging',
      'berth.dev/component': 'db',
    });

    const web = get('apps/v1', 'Deployment', 'web');
    expect(web.spec.template.spec.containers[0].env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_HOST' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_PASSWORD' } } },
    ]);
    expect(web.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'berth', operation: 'Apply' })]);
    expect(get('v1', 'Service', 'web').spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ port: 8080, targetPort: 8080 }],
    });
    expect(get('batch/v1', 'Job', 'migrate').status.succeeded).toBe(1);

    // Server-side apply, field manager berth, forced; every Secret before any workload.
    const writes = server.requests.filter((r) => r.method === 'PATCH');
    expect(
      writes.every(
        (r) =>
          r.contentType === 'application/apply-patch+yaml' &&
          r.query.fieldManager === 'berth' &&
          r.query.force === 'true',
      ),
    ).toBe(true);
    const lastSecret = writes.findLastIndex((r) => r.path.includes('/secrets/'));
    const firstWorkload = writes.findIndex((r) => !r.path.includes('/secrets/'));
    expect(lastSecret).toBeLessThan(firstWorkload);
    // No secret value reaches the operation log.
    expect(JSON.stringify(lines)).not.toContain(PASSWORD_V1);
  });

  it('rolls a workload when a bound secret version changes, and leaves it alone when nothing changed', async () => {
    await runtime.deliver(request(), log);
    const before = get('apps/v1', 'Deployment', 'web');
    const checksum = before.spec.template.metadata.annotations['berth.dev/bindings-checksum'];
    expect(before.metadata.generation).toBe(1);

    // Same versions: no new generation, nothing to roll, and the apply is a no-op (same resourceVersion).
    const settled = get('apps/v1', 'Deployment', 'web');
    await runtime.deliver(request(), log);
    const same = get('apps/v1', 'Deployment', 'web');
    expect(same.metadata.generation).toBe(1);
    expect(same.metadata.resourceVersion).toBe(settled.metadata.resourceVersion);
    expect(same.spec.template.metadata.annotations['berth.dev/bindings-checksum']).toBe(checksum);

    // Rotation: version 2 of the database secret with a new password.
    const statuses = await runtime.deliver(request({ dbVersion: 2, password: PASSWORD_V2 }), log);
    expect(statuses.every((s) => s.ready)).toBe(true);
    const rotated = get('apps/v1', 'Deployment', 'web');
    expect(rotated.spec.template.metadata.annotations['berth.dev/bindings-checksum']).not.toBe(checksum);
    expect(rotated.metadata.generation).toBe(2);
    // deliver returned only after the new generation rolled out: safe to revoke the old credentials now.
    expect(rotated.status).toMatchObject({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2 });
    const secret = get('v1', 'Secret', 'shop-db-conn');
    expect(Buffer.from(secret.data.DB_PASSWORD, 'base64').toString()).toBe(PASSWORD_V2);
    expect(secret.metadata.annotations['berth.dev/secret-version']).toBe('2');
  });

  it('replaces a Job whose template changed (a Job template cannot change in place)', async () => {
    await runtime.deliver(request({ task: true }), log);
    const first = get('batch/v1', 'Job', 'migrate');
    const mark = server.requests.length;
    await runtime.deliver(request({ task: true, dbVersion: 2, password: PASSWORD_V2 }), log);
    const jobRequests = server.requests
      .slice(mark)
      .filter((r) => r.path.endsWith('/jobs/migrate') && r.method !== 'GET');
    expect(jobRequests.map((r) => r.method)).toEqual(['DELETE', 'PATCH']);
    expect(get('batch/v1', 'Job', 'migrate').metadata.uid).not.toBe(first.metadata.uid);
  });

  it('attaches the provisioned SLB to a webservice bound to it', async () => {
    await runtime.deliver(request({ lb: true }), log);
    const service = get('v1', 'Service', 'web');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id': 'lb-2zeexample0001',
      'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners': 'true',
    });
  });

  it('prunes a dropped workload and the Secret of a dropped cloud component', async () => {
    await runtime.deliver(request(), log);
    expect(get('apps/v1', 'Deployment', 'jobs')).toBeDefined();
    expect(get('v1', 'Secret', 'shop-lb-conn')).toBeDefined();
    await runtime.deliver(request({ worker: false, lb: false }), log);
    expect(get('apps/v1', 'Deployment', 'jobs')).toBeUndefined();
    expect(get('v1', 'Secret', 'shop-lb-conn')).toBeUndefined();
    expect(get('apps/v1', 'Deployment', 'web')).toBeDefined();
    expect(lines.map((l) => l.message)).toContain('pruned Deployment jobs: no longer part of the application');
  });

  it('keeps workloads a partial delivery does not list when prune is false', async () => {
    await runtime.deliver(request(), log);
    await runtime.deliver({ ...request({ worker: false, lb: false }), prune: false }, log);
    expect(get('apps/v1', 'Deployment', 'jobs')).toBeDefined();
    expect(get('v1', 'Secret', 'shop-lb-conn')).toBeDefined();
  });

  it('reports a rollout that does not finish in time as not ready, with the reason', async () => {
    server.controllerMode = 'stall';
    const started = Date.now();
    const statuses = await runtime.deliver(request({ worker: false }, { rolloutTimeoutSeconds: 1 }), log);
    const elapsed = Date.now() - started;
    expect(statuses).toEqual([
      {
        component: 'web',
        ready: false,
        message: expect.stringMatching(/rollout did not finish within 1s: 0 of 2 updated replicas available/),
      },
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(10_000); // far from a hang; the bound only has to tell 1 s from "never"
    // status() reads the same state without waiting.
    const now = await runtime.status({
      environment: 'staging',
      application: 'shop',
      runtime: runtimeSpec(),
      signal: new AbortController().signal,
    });
    expect(now).toEqual([{ component: 'web', ready: false, message: '0 of 2 updated replicas available' }]);
  });

  it('reports a failed rollout at once instead of waiting for the timeout', async () => {
    server.controllerMode = 'fail';
    const started = Date.now();
    const statuses = await runtime.deliver(request({ worker: false }, { rolloutTimeoutSeconds: 30 }), log);
    expect(statuses[0]).toMatchObject({
      component: 'web',
      ready: false,
      message: expect.stringContaining('rollout failed: ReplicaSet "web" has timed out progressing'),
    });
    expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s timeout
  });

  it('removes everything of the application, workloads before secrets, and leaves other applications alone', async () => {
    await runtime.deliver(request({ task: true }), log);
    await runtime
      .deliver(request({ application: 'other', worker: false, lb: false }), log)
      .catch((error: ProviderError) => {
        // 'other' reuses the names web and shop-db-conn, which belong to shop: refused, nothing taken over.
        expect(error.code).toBe(ProviderErrorCode.InvalidRequest);
        expect(error.message).toMatch(/belongs to application "shop" of environment "staging"/);
      });
    expect(appObjects('other')).toEqual([]);
    expect(appObjects().map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/jobs',
      'Deployment/web',
      'Job/migrate',
      'Secret/shop-db-conn',
      'Secret/shop-lb-conn',
      'Service/web',
    ]);
    const mark = server.requests.length;
    await runtime.remove(
      {
        environment: 'staging',
        application: 'shop',
        runtime: runtimeSpec(),
        includeSecrets: true,
        signal: new AbortController().signal,
      },
      log,
    );
    expect(appObjects()).toEqual([]);
    const deletes = server.requests.slice(mark).filter((r) => r.method === 'DELETE');
    const kinds = deletes.map((r) => r.path.split('/').at(-2));
    expect(kinds.filter((k) => k === 'secrets')).toHaveLength(2);
    expect(kinds.indexOf('secrets')).toBe(kinds.length - 2); // every workload object went first
    expect(deletes.every((r) => r.query.propagationPolicy === 'Foreground')).toBe(true);
  });

  it('removes only the named components, and keeps secrets unless asked', async () => {
    await runtime.deliver(request(), log);
    await runtime.remove(
      {
        environment: 'staging',
        application: 'shop',
        runtime: runtimeSpec(),
        components: ['jobs'],
        includeSecrets: false,
        signal: new AbortController().signal,
      },
      log,
    );
    expect(get('apps/v1', 'Deployment', 'jobs')).toBeUndefined();
    expect(get('apps/v1', 'Deployment', 'web')).toBeDefined();
    expect(get('v1', 'Secret', 'shop-db-conn')).toBeDefined();
    const labelSelector = server.requests.filter((r) => r.method === 'GET' && r.query.labelSelector).at(-1)!.query
      .labelSelector;
    expect(labelSelector).toBe(
      'berth.dev/application=shop,berth.dev/environment=staging,berth.dev/component in (jobs)',
    );
  });

  it('treats 404 on delete as already gone (another actor deleted the object in between)', async () => {
    await runtime.deliver(request(), log);
    const mark = server.requests.length;
    server.injectFault({
      method: 'DELETE',
      path: '/deployments/jobs',
      before: () => server.deleteObject('apps/v1', 'Deployment', NS, 'jobs'),
      times: 1,
    });
    await runtime.remove(
      {
        environment: 'staging',
        application: 'shop',
        runtime: runtimeSpec(),
        includeSecrets: true,
        signal: new AbortController().signal,
      },
      log,
    );
    const missing = server.requests
      .slice(mark)
      .find((r) => r.method === 'DELETE' && r.path.endsWith('/deployments/jobs'));
    expect(missing?.status).toBe(404);
    expect(appObjects()).toEqual([]);
    // Removing again finds nothing and is fine.
    await runtime.remove(
      {
        environment: 'staging',
        application: 'shop',
        runtime: runtimeSpec(),
        includeSecrets: true,
        signal: new AbortController().signal,
      },
      log,
    );
  });

  describe('maps client errors to ProviderError codes', () => {
    it('missing namespace → InvalidRequest', async () => {
      const error = await failure(runtime.deliver(request({}, { namespace: 'nowhere' }), log));
      expect(error.code).toBe(ProviderErrorCode.InvalidRequest);
      expect(error.message).toContain('namespaces "nowhere" not found');
    });

    it('401 and 403 → Unauthorized', async () => {
      const bad = await server.writeKubeconfig(join(dir, 'bad-token'), { context: 'test-cluster', token: 'wrong' });
      const unauthorized = await failure(runtime.deliver(request({}, { kubeconfig: bad }), log));
      expect(unauthorized.code).toBe(ProviderErrorCode.Unauthorized);
      expect(unauthorized.retryable).toBe(false);
      server.injectFault({
        method: 'PATCH',
        path: '/secrets/',
        status: 403,
        reason: 'Forbidden',
        message: 'secrets "shop-db-conn" is forbidden: User "berth" cannot patch resource "secrets"',
      });
      const forbidden = await failure(runtime.deliver(request(), log));
      expect(forbidden.code).toBe(ProviderErrorCode.Unauthorized);
      expect(forbidden.message).toContain('Forbidden (HTTP 403)');
    });

    it('409 → Conflict (retryable), 503 → Transient, 422 → InvalidRequest', async () => {
      server.injectFault({
        method: 'PATCH',
        path: '/deployments/web',
        status: 409,
        reason: 'Conflict',
        message: 'Apply failed with 1 conflict',
        times: 1,
      });
      const conflict = await failure(runtime.deliver(request(), log));
      expect(conflict.code).toBe(ProviderErrorCode.Conflict);
      expect(conflict.retryable).toBe(true);
      server.injectFault({ method: 'GET', path: '/apis/apps/v1', status: 503, reason: 'ServiceUnavailable', times: 1 });
      // Discovery of apps/v1 is cached by the client per instance; the runtime builds a client per call, so it asks again.
      const unavailable = await failure(runtime.deliver(request(), log));
      expect(unavailable.code).toBe(ProviderErrorCode.Transient);
      server.injectFault({
        method: 'PATCH',
        path: '/services/web',
        status: 422,
        reason: 'Invalid',
        message: 'Service "web" is invalid',
        times: 1,
      });
      expect((await failure(runtime.deliver(request(), log))).code).toBe(ProviderErrorCode.InvalidRequest);
    });

    it('never puts a secret value into an error message', async () => {
      server.injectFault({
        method: 'PATCH',
        path: '/secrets/shop-db-conn',
        status: 422,
        reason: 'Invalid',
        message: `Secret "shop-db-conn" is invalid: data[DB_PASSWORD]: Invalid value: "${PASSWORD_V1}"`,
        times: 1,
      });
      const error = await failure(runtime.deliver(request(), log));
      expect(error.code).toBe(ProviderErrorCode.InvalidRequest);
      expect(error.message).toContain('Secret "shop-db-conn" is invalid');
      expect(error.message).not.toContain(PASSWORD_V1);
      expect(JSON.stringify(error)).not.toContain(PASSWORD_V1);
      expect(error.cause).toBeUndefined();
    });

    it('connection refused → Transient', async () => {
      const gone = await new KubeApiTestServer().start();
      const path = await gone.writeKubeconfig(join(dir, 'gone'), { context: 'test-cluster' });
      await gone.stop();
      const error = await failure(runtime.deliver(request({}, { kubeconfig: path }), log));
      expect(error.code).toBe(ProviderErrorCode.Transient);
      expect(error.message).toContain('connection refused');
    });

    it('a server that does not answer → Timeout, both by request deadline and by the caller aborting', async () => {
      server.injectFault({ method: 'GET', path: '/secrets/shop-db-conn', hang: true });
      const started = Date.now();
      const slow = await failure(runtime.deliver(request({}, { requestTimeoutSeconds: 1 }), log));
      expect(slow.code).toBe(ProviderErrorCode.Timeout);
      expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s default

      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('step deadline')), 200);
      const aborted = await failure(runtime.deliver(request({}, {}, controller.signal), log));
      expect(aborted.code).toBe(ProviderErrorCode.Timeout);
      expect(aborted.message).toContain('aborted (step deadline)');
    });

    it('an abort while waiting for rollout stops the wait', async () => {
      server.controllerMode = 'stall';
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('cancelled')), 300);
      const started = Date.now();
      const error = await failure(
        runtime.deliver(request({ worker: false }, { rolloutTimeoutSeconds: 30 }, controller.signal), log),
      );
      expect(error.code).toBe(ProviderErrorCode.Timeout);
      expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s rollout timeout
    });

    it('bad settings → InvalidRequest before any request', async () => {
      const mark = server.requests.length;
      await expect(runtime.deliver(request({}, { namespace: 'Not_A_Namespace' }), log)).rejects.toMatchObject({
        code: ProviderErrorCode.InvalidRequest,
      });
      await expect(runtime.deliver(request({}, { context: 'missing' }), log)).rejects.toThrow(/no context "missing"/);
      await expect(runtime.deliver(request({}, { kubeconfig: join(dir, 'absent') }), log)).rejects.toMatchObject({
        code: ProviderErrorCode.InvalidRequest,
      });
      expect(server.requests.length).toBe(mark);
    });
  });
});
