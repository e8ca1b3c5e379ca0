/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk into stored Kubernetes objects (untyped JSON) */
import { tmpdir } from 'node:os';
import {
  bindingsChecksum,
  type ConnectionSecretMaterial,
  type DeliveryRequest,
  type OperationLog,
  type ResolvedEnvVar,
  type RuntimeSpec,
  type TraitSpec,
  type WorkloadComponentSpec,
} from '@berth/core';
import { KubernetesWorkloadRuntime, type KubeObject } from '@berth/kube';
import { validateKubeObject, workloadSpec } from '@berth/kube/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiTestServer } from '../kube-api-server/kube-api.server';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster';

const NS = 'team-a';

const dbSecret: ConnectionSecretMaterial = {
  name: 'shop-db-conn',
  component: 'db',
  version: 1,
  data: { DB_HOST: 'db.internal', DB_PASSWORD: 'Kube-Vela_pa55' },
  sensitiveKeys: ['DB_PASSWORD'],
};
const dbEnv: ResolvedEnvVar[] = [
  { name: 'DB_HOST', secretName: 'shop-db-conn', key: 'DB_HOST', sensitive: false },
  { name: 'DB_PASSWORD', secretName: 'shop-db-conn', key: 'DB_PASSWORD', sensitive: true },
];

const trait = (type: string, properties: Record<string, unknown>): TraitSpec => ({ type, properties });

/** The representative KubeVela application of issue 12: a webservice with everything, k8s-objects, a cron-task. */
function shop(options: { withObjects?: boolean } = {}): WorkloadComponentSpec[] {
  return [
    workloadSpec(
      'web',
      'webservice',
      {
        image: 'registry.example/shop/web:2',
        ports: [
          { port: 8080, expose: true },
          { port: 9090, name: 'metrics' },
        ],
        exposeType: 'LoadBalancer',
        env: [{ name: 'FLAGS', valueFrom: { configMapKeyRef: { name: 'shop-flags', key: 'flags' } } }],
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
      },
      [
        trait('scaler', { replicas: 3 }),
        trait('gateway', { domain: 'shop.example.com', http: { '/': 8080 } }),
        trait('storage', {
          pvc: [{ name: 'shop-uploads', mountPath: '/uploads' }],
          configMap: [{ name: 'shop-flags', data: { flags: 'beta' } }],
        }),
      ],
    ),
    ...(options.withObjects === false
      ? []
      : [
          workloadSpec('settings', 'k8s-objects', {
            objects: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: 'shop-settings' },
                data: { region: 'cn-hangzhou' },
              },
              { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop-robot' } },
            ],
          }),
        ]),
    workloadSpec('nightly', 'cron-task', {
      image: 'registry.example/shop/report:2',
      schedule: '0 2 * * *',
      cmd: ['report'],
    }),
    workloadSpec('agent', 'daemon', { image: 'registry.example/agent:1' }),
  ];
}

describe('KubeVela workloads and traits on the kubernetes runtime (test API server, real client-node)', () => {
  const server = new KubeApiTestServer({ namespaces: [NS, 'shared'], controllerDelayMs: 20 });
  const runtime = new KubernetesWorkloadRuntime({ pollIntervalMs: 20, kubeconfigDirs: [tmpdir()] });
  let cluster: KubeCluster;
  let kubeconfig: string;
  const log: OperationLog = { log: () => undefined };

  beforeAll(async () => {
    cluster = await startKubeCluster({}, server);
    kubeconfig = cluster.kubeconfig;
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
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

  function runtimeSpec(): RuntimeSpec {
    return { kind: 'kubernetes', settings: { kubeconfig, namespace: NS, rolloutTimeoutSeconds: 3 } };
  }

  function request(components: WorkloadComponentSpec[]): DeliveryRequest {
    return {
      environment: 'staging',
      application: 'shop',
      runtime: runtimeSpec(),
      secrets: [dbSecret],
      signal: new AbortController().signal,
      workloads: components.map((component) => {
        const env = component.name === 'web' ? dbEnv : [];
        return {
          component,
          env,
          bindingsChecksum: bindingsChecksum(env.length ? [{ name: dbSecret.name, version: 1 }] : []),
        };
      }),
    };
  }

  const stored = (): string[] =>
    server
      .listObjects(NS)
      .map((o: any) => `${o.kind}/${o.metadata.name}`)
      .sort();

  it('applies every object, each schema-valid, and reports each component ready', async () => {
    const statuses = await runtime.deliver(request(shop()), log);
    expect(statuses).toEqual([
      { component: 'web', ready: true, message: expect.stringMatching(/^rolled out: 3 of 3/) },
      { component: 'settings', ready: true, message: 'ConfigMap applied' },
      { component: 'nightly', ready: true, message: 'scheduled: 0 2 * * *' },
      { component: 'agent', ready: true, message: expect.stringMatching(/^rolled out: 1 of 1 pods/) },
    ]);
    expect(stored()).toEqual([
      'ConfigMap/shop-flags',
      'ConfigMap/shop-settings',
      'CronJob/nightly',
      'DaemonSet/agent',
      'Deployment/web',
      'Ingress/web',
      'PersistentVolumeClaim/shop-uploads',
      'Secret/shop-db-conn',
      'Service/web',
      'ServiceAccount/shop-robot',
    ]);
    for (const object of server.listObjects(NS) as any[]) {
      const {
        uid: _u,
        resourceVersion: _r,
        generation: _g,
        creationTimestamp: _c,
        managedFields: _m,
        ...metadata
      } = object.metadata;
      const { status: _s, ...rest } = object;
      expect(
        () => validateKubeObject({ ...rest, metadata } as KubeObject),
        `${object.kind}/${object.metadata.name}`,
      ).not.toThrow();
    }
    const web = server.getObject('apps/v1', 'Deployment', NS, 'web') as any;
    expect(web.spec.replicas).toBe(3);
    const container = web.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'FLAGS', valueFrom: { configMapKeyRef: { name: 'shop-flags', key: 'flags' } } },
      { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_HOST' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_PASSWORD' } } },
    ]);
    expect(container.volumeMounts).toEqual([{ name: 'pvc-shop-uploads', mountPath: '/uploads' }]);
    expect((server.getObject('v1', 'Service', NS, 'web') as any).spec.type).toBe('LoadBalancer');
    const ingress = server.getObject('networking.k8s.io/v1', 'Ingress', NS, 'web') as any;
    expect(ingress.spec.rules[0]).toMatchObject({ host: 'shop.example.com' });
    // Pods can read what they mount and reference before they start: ConfigMaps, claims and Secrets first.
    const applied = server.requests
      .filter((r) => r.method === 'PATCH')
      .map((r) => r.path.split('/').slice(-2).join('/'));
    expect(applied.indexOf('secrets/shop-db-conn')).toBeLessThan(applied.indexOf('deployments/web'));
    expect(applied.indexOf('configmaps/shop-flags')).toBeLessThan(applied.indexOf('deployments/web'));
    expect(applied.indexOf('persistentvolumeclaims/shop-uploads')).toBeLessThan(applied.indexOf('deployments/web'));
  });

  it('binds a Secret the application does not create as a secretKeyRef to it, creating no Secret of that name', async () => {
    const existing: ResolvedEnvVar = {
      name: 'LEGACY_PASSWORD',
      secretName: 'legacy-db-credentials',
      key: 'password',
      sensitive: true,
      external: true,
    };
    const [web] = shop({ withObjects: false });
    const delivery = request([web!]);
    delivery.workloads[0]!.env = [...dbEnv, existing];
    const statuses = await runtime.deliver(delivery, log);
    expect(statuses[0]).toMatchObject({ component: 'web', ready: true });
    const deployment = server.getObject('apps/v1', 'Deployment', NS, 'web') as any;
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({
      name: 'LEGACY_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'legacy-db-credentials', key: 'password' } },
    });
    const { status: _s, ...object } = deployment;
    const {
      uid: _u,
      resourceVersion: _r,
      generation: _g,
      creationTimestamp: _c,
      managedFields: _m,
      ...metadata
    } = deployment.metadata;
    expect(() => validateKubeObject({ ...object, metadata } as KubeObject)).not.toThrow();
    // Berth holds none of its values: it applies no Secret of that name (nor prunes one).
    expect(stored()).not.toContain('Secret/legacy-db-credentials');
  });

  it('prunes what the application no longer renders: a dropped k8s-objects component and a dropped trait output', async () => {
    await runtime.deliver(request(shop()), log);
    const components = shop({ withObjects: false });
    components[0]!.traits = components[0]!.traits.filter((t) => t.type !== 'gateway');
    await runtime.deliver(request(components), log);
    const left = stored();
    expect(left).not.toContain('Ingress/web');
    expect(left).not.toContain('ConfigMap/shop-settings');
    expect(left).not.toContain('ServiceAccount/shop-robot');
    expect(left).toContain('ConfigMap/shop-flags');
  });

  it('prunes and removes an object of a kind Berth itself never renders (found through discovery)', async () => {
    const role = workloadSpec('rbac', 'k8s-objects', {
      objects: [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'shop-reader' },
          rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
        },
      ],
    });
    await runtime.deliver(request([...shop(), role]), log);
    expect(stored()).toContain('Role/shop-reader');
    await runtime.deliver(request(shop()), log);
    expect(stored()).not.toContain('Role/shop-reader');
    await runtime.deliver(request([role]), log);
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
    expect(stored()).toEqual([]);
  });

  it('removes every kind it applied', async () => {
    await runtime.deliver(request(shop()), log);
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
    expect(stored()).toEqual([]);
  });

  it('reports the status of Deployments, DaemonSets and CronJobs without waiting', async () => {
    await runtime.deliver(request(shop()), log);
    const statuses = await runtime.status({
      environment: 'staging',
      application: 'shop',
      runtime: runtimeSpec(),
      signal: new AbortController().signal,
    });
    expect(statuses.map((s) => `${s.component}:${String(s.ready)}`)).toEqual([
      'agent:true',
      'nightly:true',
      'web:true',
    ]);
  });

  it('ref-objects copies the objects it refers to from another namespace', async () => {
    const seed = workloadSpec('seed', 'k8s-objects', {
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tenant-defaults' }, data: { quota: '10' } }],
    });
    // A ConfigMap in namespace `shared` that no Berth application owns.
    await new KubernetesWorkloadRuntime({ pollIntervalMs: 20, kubeconfigDirs: [tmpdir()] }).deliver(
      {
        ...request([seed]),
        application: 'platform',
        runtime: { kind: 'kubernetes', settings: { kubeconfig, namespace: 'shared', rolloutTimeoutSeconds: 3 } },
      },
      log,
    );
    const ref = workloadSpec('defaults', 'ref-objects', {
      objects: [{ resource: 'configmaps', name: 'tenant-defaults', namespace: 'shared' }],
    });
    await runtime.deliver(request([ref]), log);
    const copy = server.getObject('v1', 'ConfigMap', NS, 'tenant-defaults') as any;
    expect(copy.data).toEqual({ quota: '10' });
    expect(copy.metadata.labels['berth.dev/application']).toBe('shop');
    await expect(
      runtime.deliver(
        request([workloadSpec('defaults', 'ref-objects', { objects: [{ resource: 'configmap', name: 'absent' }] })]),
        log,
      ),
    ).rejects.toThrow('objects/0: ConfigMap team-a/absent does not exist');
  });
});
