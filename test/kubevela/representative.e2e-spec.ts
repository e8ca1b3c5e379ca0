/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk into stored Kubernetes objects (untyped JSON) */
/**
 * The representative KubeVela application of issue 12 applied over real HTTP (the Nest app, worker role included) on
 * the local environment and on a kubernetes-runtime environment against the test API server: an alibaba-rds with
 * several databases (a real MySQL), a webservice with ports, exposeType LoadBalancer, scaler, gateway, storage and an
 * env valueFrom, a k8s-objects component and a cron-task — each reaching Ready.
 */
import { KubernetesWorkloadRuntime, type KubeObject } from '@berth/kube';
import { validateKubeObject } from '@berth/kube/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_LIFECYCLE, putApplication, waitForOperation } from '../lifecycle/support/lifecycle-harness';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster';
import { startTestApp, type TestApp } from '../support/test-app';

const NS = 'shop';
const tag = `${process.pid}${Date.now().toString(36)}`.replace(/[^a-z0-9]/g, '');

/** Written as KubeVela's documentation writes it (database names unique per run: they live on a shared MySQL). */
const SHOP = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
  namespace: ${NS}
spec:
  components:
    - name: db
      type: alibaba-rds
      properties:
        instance_name: shop-db
        account_name: shop_${tag}
        password: U34rfwefwefffaked
        allocate_public_connection: false
        databases:
          - { name: orders_${tag}, character_set: utf8mb4, description: orders }
          - { name: audit_${tag} }
        writeConnectionSecretToRef: { name: shop-db-conn, namespace: ${NS} }
    - name: web
      type: webservice
      properties:
        image: oamdev/hello-world
        ports:
          - { port: 8000, expose: true }
          - { port: 9090, name: metrics }
        exposeType: LoadBalancer
        env:
          - name: FLAGS
            valueFrom: { configMapKeyRef: { name: shop-flags, key: flags } }
      traits:
        - { type: scaler, properties: { replicas: 2 } }
        - type: gateway
          properties: { domain: shop.example.com, http: { "/": 8000 } }
        - type: storage
          properties:
            configMap: [{ name: shop-flags, mountPath: /etc/flags, data: { flags: beta } }]
        - type: service-binding
          properties:
            envMappings:
              DB_HOST: { secret: shop-db-conn, key: DB_HOST }
              DB_NAME: { secret: shop-db-conn }
    - name: settings
      type: k8s-objects
      properties:
        objects:
          - apiVersion: v1
            kind: ConfigMap
            metadata: { name: shop-settings }
            data: { region: cn-hangzhou }
    - name: nightly
      type: cron-task
      properties:
        image: busybox
        schedule: "0 2 * * *"
        cmd: [sh, -c, "echo report"]
`;

interface ComponentStatus {
  name: string;
  phase: string;
  conditions?: Array<{ type: string; message: string }>;
}

describe('the representative KubeVela application over HTTP: local and kubernetes environments', () => {
  let cluster: KubeCluster;
  let t: TestApp;

  beforeAll(async () => {
    cluster = await startKubeCluster({ namespaces: [NS], controller: 'rollout' });
    t = await startTestApp('sqlite', {
      extraRuntimes: [new KubernetesWorkloadRuntime({ pollIntervalMs: 50, kubeconfigDirs: [cluster.dir] })],
      config: { role: 'all', lifecycle: FAST_LIFECYCLE, leaseSeconds: 30, refreshIntervalMs: 0 },
    });
    const env = await request(t.server)
      .put('/v1/environments/k8s')
      .send({
        provider: { kind: 'local', settings: {} },
        runtime: {
          kind: 'kubernetes',
          settings: { kubeconfig: cluster.kubeconfig, namespace: NS, rolloutTimeoutSeconds: 60 },
        },
      });
    expect(env.status, env.text).toBeLessThan(300);
  }, 60_000);

  afterAll(async () => {
    for (const env of ['local', 'k8s']) {
      const removed = await request(t.server).delete(`/v1/environments/${env}/applications/shop`);
      if (removed.body?.operation?.id) await waitForOperation(t.server, removed.body.operation.id, 120_000);
    }
    await t?.close();
    await cluster?.stop();
  }, 180_000);

  async function applyAndWait(env: string): Promise<ComponentStatus[]> {
    const put = await putApplication(t.server, env, 'shop', SHOP);
    expect(put.status, put.text).toBe(201);
    const op = await waitForOperation(t.server, put.body.operation.id, 180_000);
    expect(op.state, JSON.stringify(op)).toBe('Succeeded');
    const app = (await request(t.server).get(`/v1/environments/${env}/applications/shop`).expect(200)).body;
    expect(app.status.phase).toBe('Ready');
    expect(app.metadata.namespace).toBe(NS);
    const components = app.status.components as ComponentStatus[];
    expect(Object.fromEntries(components.map((c) => [c.name, c.phase]))).toEqual({
      db: 'Ready',
      web: 'Ready',
      settings: 'Ready',
      nightly: 'Ready',
    });
    return components;
  }

  it('on the local environment: every component Ready; what a local process cannot have is listed by name', async () => {
    const components = await applyAndWait('local');
    const web = components.find((c) => c.name === 'web')!;
    const notApplied = web.conditions?.find((c) => c.type === 'NotApplied')?.message ?? '';
    expect(notApplied).toContain('env FLAGS (valueFrom configMapKeyRef shop-flags/flags)');
    expect(notApplied).toMatch(/gateway/);
    // The bound variables are what `berth env` hands over: the first database of the list.
    const env = (await request(t.server).get('/v1/environments/local/applications/shop/components/web/env').expect(200))
      .body as { variables: Array<{ name: string; value: string | null }> };
    expect(env.variables.find((v) => v.name === 'DB_NAME')?.value).toBe(`orders_${tag}`);
    expect(env.variables.find((v) => v.name === 'DB_HOST')?.value).toBeTruthy();
    // writeConnectionSecretToRef.namespace means nothing to a local process: recorded and shown.
    const app = (await request(t.server).get('/v1/environments/local/applications/shop').expect(200)).body;
    expect(app.spec.components[0].properties.writeConnectionSecretToRef).toEqual({
      name: 'shop-db-conn',
      namespace: NS,
    });
  });

  it('on the kubernetes environment, a connection secret naming another namespace is a 422 at that field', async () => {
    const answer = await request(t.server)
      .put('/v1/environments/k8s/applications/shop?dryRun=true')
      .set('Content-Type', 'application/yaml')
      .send(SHOP.replace(`{ name: shop-db-conn, namespace: ${NS} }`, '{ name: shop-db-conn, namespace: elsewhere }'));
    expect(answer.status, answer.text).toBe(422);
    expect(answer.body.errors).toEqual([
      {
        path: '/spec/components/0/properties/writeConnectionSecretToRef/namespace',
        message: expect.stringMatching(/^this environment places its objects in namespace shop/),
      },
    ]);
  });

  it('a binding of a Secret the application does not create: the kubernetes environment takes it, the local one refuses it', async () => {
    const legacy = SHOP.replace('DB_NAME: { secret: shop-db-conn }', 'DB_NAME: { secret: legacy-db-credentials }');
    const dryRun = (env: string) =>
      request(t.server)
        .put(`/v1/environments/${env}/applications/shop?dryRun=true`)
        .set('Content-Type', 'application/yaml')
        .send(legacy);
    const kube = await dryRun('k8s');
    expect(kube.status, kube.text).toBe(200);
    const local = await dryRun('local');
    expect(local.status, local.text).toBe(422);
    expect(local.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^binds Secret "legacy-db-credentials", which this application does not create/),
      }),
    ]);
  });

  it('on the kubernetes environment: the objects are applied schema-valid into the namespace and reach Ready', async () => {
    await applyAndWait('k8s');
    const objects = cluster.server.listObjects(NS) as any[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      expect.arrayContaining([
        'ConfigMap/shop-flags',
        'ConfigMap/shop-settings',
        'CronJob/nightly',
        'Deployment/web',
        'Ingress/web',
        'Secret/shop-db-conn',
        'Service/web',
      ]),
    );
    for (const object of objects) {
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
        `${object.kind}/${metadata.name}`,
      ).not.toThrow();
    }
    const web = cluster.server.getObject('apps/v1', 'Deployment', NS, 'web') as any;
    expect(web.spec.replicas).toBe(2);
    expect(web.spec.template.spec.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'FLAGS', valueFrom: { configMapKeyRef: { name: 'shop-flags', key: 'flags' } } },
        { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_HOST' } } },
        { name: 'DB_NAME', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_NAME' } } },
      ]),
    );
    expect((cluster.server.getObject('v1', 'Service', NS, 'web') as any).spec.type).toBe('LoadBalancer');
    const secret = cluster.server.getObject('v1', 'Secret', NS, 'shop-db-conn') as any;
    expect(Buffer.from(secret.data.DATABASE_NAME, 'base64').toString()).toBe(`orders_${tag}`);
    expect((cluster.server.getObject('batch/v1', 'CronJob', NS, 'nightly') as any).spec.schedule).toBe('0 2 * * *');
  });
});
