/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk into stored Kubernetes objects (untyped JSON) */
/**
 * KubeVela's multi-cluster delivery, as its documentation teaches it (topology by names and by labels, the `local`
 * cluster with another namespace, a deploy workflow with an approval, per-cluster overrides, an override's selector
 * and an added component), written for this suite with `clusters` naming its environments, and applied as written
 * over real HTTP (the Nest app with its worker): each one PUT, delivered, and its status asserted per environment.
 * hangzhou-1 and hangzhou-2 run on the kubernetes runtime against the test API server (their rendered objects are
 * read back from it: the overrides and the Application's labels and annotations landed), beijing and hub on the
 * local runtime; every environment provisions with the local provider. What Berth does not carry out is refused
 * naming it.
 */
import { KubernetesWorkloadRuntime } from '@berth/kube';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_LIFECYCLE } from '../lifecycle/support/lifecycle-harness';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

/** Where each Kubernetes environment places its objects on the test API server. */
const NAMESPACES: Record<string, string> = { 'hangzhou-1': 'hz1', 'hangzhou-2': 'hz2' };

type Delivery = { environment: string; phase: string };
type Workflow = { phase: string; steps: Array<{ name: string; phase: string; reason?: string }> };

describe('KubeVela multi-environment examples, applied as written', () => {
  let t: TestApp;
  let cluster: KubeCluster;

  beforeAll(async () => {
    cluster = await startKubeCluster({ namespaces: Object.values(NAMESPACES), controller: 'rollout' });
    t = await startTestApp('sqlite', {
      extraRuntimes: [new KubernetesWorkloadRuntime({ pollIntervalMs: 50, kubeconfigDirs: [cluster.dir] })],
      config: { role: 'all', lifecycle: FAST_LIFECYCLE, leaseSeconds: 30, refreshIntervalMs: 0 },
    });
    const environments: Array<[string, Record<string, string>, object]> = [
      ['hangzhou-1', { region: 'hangzhou' }, kube('hangzhou-1')],
      ['hangzhou-2', { region: 'hangzhou' }, kube('hangzhou-2')],
      ['beijing', { region: 'beijing' }, { kind: 'local' }],
      ['hub', {}, { kind: 'local' }],
    ];
    for (const [name, labels, runtime] of environments) {
      const answer = await request(t.server)
        .put(`/v1/environments/${name}`)
        .send({ provider: { kind: 'local' }, runtime, labels });
      expect(answer.status, answer.text).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
  });

  function kube(env: string) {
    return {
      kind: 'kubernetes',
      settings: { kubeconfig: cluster.kubeconfig, namespace: NAMESPACES[env], rolloutTimeoutSeconds: 60 },
    };
  }

  const path = (env: string, name: string) => `/v1/environments/${env}/applications/${name}`;

  async function put(env: string, yaml: string) {
    const name = /^ {2}name: (\S+)$/m.exec(yaml)![1]!;
    const answer = await request(t.server).put(path(env, name)).set('Content-Type', 'application/yaml').send(yaml);
    expect(answer.status, answer.text).toBe(201);
    return name;
  }

  /** Polls the home until `done` holds (a long ceiling: the machine is shared). */
  async function until(env: string, name: string, done: (status: any) => boolean, timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = (await request(t.server).get(path(env, name)).expect(200)).body.status;
      if (done(status)) return status;
      if (Date.now() > deadline) throw new Error(`${env}/${name} did not get there: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until the home's deliveries are exactly `environments`, each Ready; answers them by environment. */
  async function deliveredTo(env: string, name: string, environments: string[]) {
    const status = await until(
      env,
      name,
      (s) =>
        ((s.deliveries ?? []) as Delivery[]).map((d) => d.environment).join() === [...environments].sort().join() &&
        (s.deliveries as Delivery[]).every((d) => d.phase === 'Ready'),
    );
    return new Map((status.deliveries as Delivery[]).map((d) => [d.environment, d]));
  }

  const deployment = (env: string, component: string) =>
    cluster.server.getObject('apps/v1', 'Deployment', NAMESPACES[env]!, component) as any;
  const container = (env: string, component: string) => deployment(env, component).spec.template.spec.containers[0];

  it('a topology naming clusters: one delivery each, carrying the Application labels and annotations', async () => {
    const name = await put(
      'local',
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: storefront
  labels:
    team: storefront
  annotations:
    example.com/owner: web-team
spec:
  components:
    - name: storefront-web
      type: webservice
      properties:
        image: nginx:1.25
        ports:
          - port: 80
            expose: true
  policies:
    - name: hangzhou-clusters
      type: topology
      properties:
        clusters: ["hangzhou-1", "hangzhou-2"]
`,
    );
    await deliveredTo('local', name, ['hangzhou-1', 'hangzhou-2']);
    for (const env of ['hangzhou-1', 'hangzhou-2']) {
      const delivery = (await request(t.server).get(path(env, name)).expect(200)).body;
      expect(delivery.status.phase, env).toBe('Ready');
      expect(delivery.metadata.deliveredFrom).toBe('local');
      // Every object rendered for the delivery carries the Application's labels and annotations beside Berth's own.
      const objects = cluster.server
        .listObjects(NAMESPACES[env]!)
        .filter((o: any) => o.metadata.labels?.['berth.dev/application'] === name) as any[];
      expect(objects.map((o) => o.kind).sort(), env).toEqual(['Deployment', 'Service']);
      for (const object of objects) {
        expect(object.metadata.labels, `${env} ${object.kind}`).toMatchObject({
          team: 'storefront',
          'berth.dev/application': name,
          'berth.dev/environment': env,
        });
        expect(object.metadata.annotations?.['example.com/owner'], `${env} ${object.kind}`).toBe('web-team');
      }
    }
    // Nothing is delivered where the topology does not point.
    expectProblem(await request(t.server).get(path('beijing', name)), 404);
  });

  it('a topology selecting clusters by label', async () => {
    const name = await put(
      'local',
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: by-region
spec:
  components:
    - name: by-region-web
      type: webservice
      properties:
        image: nginx:1.25
  policies:
    - name: all-of-hangzhou
      type: topology
      properties:
        clusterLabelSelector:
          region: hangzhou
`,
    );
    await deliveredTo('local', name, ['hangzhou-1', 'hangzhou-2']);
    for (const env of ['hangzhou-1', 'hangzhou-2']) expect(container(env, 'by-region-web').image).toBe('nginx:1.25');
  });

  it('the local cluster in another namespace: refused naming the namespace (local has a local runtime)', async () => {
    const answer = await request(t.server)
      .put(path('hub', 'control-plane'))
      .set('Content-Type', 'application/yaml')
      .send(
        `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: control-plane
spec:
  components:
    - name: control-plane-web
      type: webservice
      properties:
        image: nginx:1.25
  policies:
    - name: on-the-hub
      type: topology
      properties:
        clusters: ["local"]
        namespace: examples-alternative
`,
      );
    const problem = expectProblem(answer, 422);
    expect(problem.errors).toEqual([
      expect.objectContaining({
        path: '/spec/policies/0/properties/namespace',
        message: expect.stringMatching(/^environment local has a local runtime without namespaces/),
      }),
    ]);
    expectProblem(await request(t.server).get(path('hub', 'control-plane')), 404);
    expectProblem(await request(t.server).get(path('local', 'control-plane')), 404);
  });

  it('a deploy workflow: the local cluster first, hangzhou only after an approval', async () => {
    const name = await put(
      'hub',
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: approved-rollout
spec:
  components:
    - name: approved-web
      type: webservice
      properties:
        image: nginx:1.25
  policies:
    - name: topology-local
      type: topology
      properties:
        clusters: ["local"]
    - name: topology-hangzhou
      type: topology
      properties:
        clusterLabelSelector:
          region: hangzhou
  workflow:
    steps:
      - name: deploy-local
        type: deploy
        properties:
          policies: ["topology-local"]
      - name: deploy-hangzhou
        type: deploy
        properties:
          auto: false
          parallelism: 2
          policies: ["topology-hangzhou"]
`,
    );
    const waiting = await until(
      'hub',
      name,
      (s) => !!(s.workflow as Workflow | undefined)?.steps.some((step) => step.reason === 'WaitingForApproval'),
    );
    expect((waiting.workflow as Workflow).steps.map((s) => [s.name, s.phase])).toEqual([
      ['deploy-local', 'succeeded'],
      ['deploy-hangzhou', 'suspending'],
    ]);
    expect(((await request(t.server).get(path('local', name)).expect(200)).body.status as any).phase).toBe('Ready');
    expectProblem(await request(t.server).get(path('hangzhou-1', name)), 404);

    await request(t.server)
      .post(`${path('hub', name)}:resume`)
      .expect(202);
    await until('hub', name, (s) => (s.workflow as Workflow).phase === 'succeeded');
    await deliveredTo('hub', name, ['hangzhou-1', 'hangzhou-2', 'local']);
    for (const env of ['hangzhou-1', 'hangzhou-2']) expect(deployment(env, 'approved-web')).toBeDefined();
  });

  it('per-cluster overrides: an older image in one cluster, more replicas in the other', async () => {
    const name = await put(
      'hub',
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: tuned
  labels:
    team: tuning
spec:
  components:
    - name: tuned-web
      type: webservice
      properties:
        image: nginx:1.25
      traits:
        - type: scaler
          properties:
            replicas: 1
  policies:
    - name: topology-hangzhou-1
      type: topology
      properties:
        clusters: ["hangzhou-1"]
    - name: topology-hangzhou-2
      type: topology
      properties:
        clusters: ["hangzhou-2"]
    - name: override-legacy-image
      type: override
      properties:
        components:
          - name: tuned-web
            properties:
              image: nginx:1.20
    - name: override-high-availability
      type: override
      properties:
        components:
          - type: webservice
            traits:
              - type: scaler
                properties:
                  replicas: 3
  workflow:
    steps:
      - name: deploy-hangzhou-1
        type: deploy
        properties:
          policies: ["topology-hangzhou-1", "override-legacy-image"]
      - name: deploy-hangzhou-2
        type: deploy
        properties:
          policies: ["topology-hangzhou-2", "override-high-availability"]
`,
    );
    await until('hub', name, (s) => (s.workflow as Workflow).phase === 'succeeded');
    await deliveredTo('hub', name, ['hangzhou-1', 'hangzhou-2']);
    expect(container('hangzhou-1', 'tuned-web').image).toBe('nginx:1.20');
    expect(deployment('hangzhou-1', 'tuned-web').spec.replicas).toBe(1);
    expect(container('hangzhou-2', 'tuned-web').image).toBe('nginx:1.25');
    expect(deployment('hangzhou-2', 'tuned-web').spec.replicas).toBe(3);
    // A workflow's deliveries carry the home's labels too.
    for (const env of ['hangzhou-1', 'hangzhou-2'])
      expect(deployment(env, 'tuned-web').metadata.labels.team).toBe('tuning');
  });

  it('an override that selects some components and adds one', async () => {
    const name = await put(
      'hub',
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: split
spec:
  components:
    - name: split-frontend
      type: webservice
      properties:
        image: nginx:1.25
    - name: split-backend
      type: webservice
      properties:
        image: nginx:1.25
  policies:
    - name: topology-beijing
      type: topology
      properties:
        clusters: ["beijing"]
    - name: topology-hangzhou-2
      type: topology
      properties:
        clusters: ["hangzhou-2"]
    - name: backend-only
      type: override
      properties:
        selector: ["split-backend"]
    - name: with-metrics
      type: override
      properties:
        components:
          - name: split-metrics
            type: webservice
            properties:
              image: prom/prometheus:v2.53.0
  workflow:
    steps:
      - name: deploy-beijing
        type: deploy
        properties:
          policies: ["topology-beijing", "backend-only"]
      - name: deploy-hangzhou-2
        type: deploy
        properties:
          policies: ["topology-hangzhou-2", "with-metrics"]
`,
    );
    await until('hub', name, (s) => (s.workflow as Workflow).phase === 'succeeded');
    await deliveredTo('hub', name, ['beijing', 'hangzhou-2']);
    const components = async (env: string) =>
      ((await request(t.server).get(path(env, name)).expect(200)).body.status.components as Array<{ name: string }>)
        .map((c) => c.name)
        .sort();
    expect(await components('beijing')).toEqual(['split-backend']);
    expect(await components('hangzhou-2')).toEqual(['split-backend', 'split-frontend', 'split-metrics']);
    expect(container('hangzhou-2', 'split-metrics').image).toBe('prom/prometheus:v2.53.0');
  });

  it('refuses, naming it, what Berth does not carry out, and stores nothing', async () => {
    // KubeVela's shared-resource example shares namespaces by resource type: Berth selects components, not objects.
    const shared = await request(t.server)
      .put(path('hub', 'shared-namespace'))
      .set('Content-Type', 'application/yaml')
      .send(
        `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shared-namespace
spec:
  components:
    - name: shared-web
      type: webservice
      properties:
        image: nginx:1.25
  policies:
    - name: topology-hangzhou
      type: topology
      properties:
        clusters: ["hangzhou-1"]
    - name: shared-namespaces
      type: shared-resource
      properties:
        rules:
          - selector:
              resourceTypes: ["Namespace"]
`,
      );
    // shared-resource is carried out for components; its resourceTypes selector (Kubernetes kinds) is refused by name.
    const problem = expectProblem(shared, 422);
    expect(problem.errors, JSON.stringify(problem.errors)).toEqual([
      expect.objectContaining({
        path: '/spec/policies/1/properties/rules/0/selector/resourceTypes',
        message: expect.stringMatching(/is not carried out by Berth/),
      }),
    ]);
    expectProblem(await request(t.server).get(path('hub', 'shared-namespace')), 404);

    // A workflow that deploys to the environment it is PUT in (KubeVela's hub is also a target): refused naming it.
    const home = await request(t.server)
      .put(path('local', 'self-deploy'))
      .set('Content-Type', 'application/yaml')
      .send(
        `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: self-deploy
spec:
  components:
    - name: self-web
      type: webservice
      properties:
        image: nginx:1.25
  policies:
    - name: topology-local
      type: topology
      properties:
        clusters: ["local"]
  workflow:
    steps:
      - name: deploy-local
        type: deploy
        properties:
          policies: ["topology-local"]
`,
      );
    const refused = expectProblem(home, 422);
    expect(refused.detail).toMatch(/environment local/);
    expectProblem(await request(t.server).get(path('local', 'self-deploy')), 404);
  });
});
