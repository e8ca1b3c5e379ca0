/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk into untyped manifest JSON */
import {
  bindingsChecksum,
  type ConnectionSecretMaterial,
  type ResolvedEnvVar,
  type WorkloadComponentSpec,
  type WorkloadDelivery,
} from '@berth/core';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateKubeObject } from '../testing/kube-schema';
import type { KubeObject } from './kube-object';
import { renderManifests, type RenderRequest } from './manifest.renderer';

const DB_PASSWORD = 'p4ss-Word_xyz-123';

/** What the engine puts in WorkloadDelivery.bindingsChecksum (core's function over the bound secrets' versions). */
function computeBindingsChecksum(env: readonly ResolvedEnvVar[], secrets: readonly ConnectionSecretMaterial[]): string {
  const bound = new Set(env.map((variable) => variable.secretName));
  return bindingsChecksum(secrets.filter((s) => bound.has(s.name)).map((s) => ({ name: s.name, version: s.version })));
}

function workload(
  name: string,
  type: WorkloadComponentSpec['type'],
  properties: Record<string, unknown>,
): WorkloadComponentSpec {
  return { kind: 'workload', name, type, properties, dependsOn: [], traits: [], bindings: [] };
}

function secret(
  name: string,
  component: string,
  version: number,
  data: Record<string, string>,
  sensitiveKeys: string[] = [],
): ConnectionSecretMaterial {
  return { name, component, version, data, sensitiveKeys };
}

function delivery(
  component: WorkloadComponentSpec,
  env: ResolvedEnvVar[],
  secrets: ConnectionSecretMaterial[],
): WorkloadDelivery {
  return { component, env, bindingsChecksum: computeBindingsChecksum(env, secrets) };
}

function fixture(dbVersion = 1, options: { slb?: boolean } = {}): RenderRequest {
  const db = secret('shop-db-conn', 'db', dbVersion, { DB_HOST: 'db.internal', DB_PASSWORD, DB_PORT: '5432' }, [
    'DB_PASSWORD',
  ]);
  const lb = secret('shop-lb-conn', 'lb', 1, {
    SLB_ID: 'lb-bp1hfycf39bbeb019pg7m',
    slbId: 'lb-bp1hfycf39bbeb019pg7m',
    SLB_ADDRESS: '47.1.2.3',
  });
  const secrets = [db, lb];
  const dbEnv: ResolvedEnvVar[] = [
    { name: 'DB_HOST', secretName: 'shop-db-conn', key: 'DB_HOST', sensitive: false },
    { name: 'DATABASE_PASSWORD', secretName: 'shop-db-conn', key: 'DB_PASSWORD', sensitive: true },
  ];
  const webEnv = options.slb
    ? [...dbEnv, { name: 'LB_ADDRESS', secretName: 'shop-lb-conn', key: 'SLB_ADDRESS', sensitive: false }]
    : dbEnv;
  return {
    environment: 'staging',
    application: 'shop',
    namespace: 'team-a',
    secrets,
    workloads: [
      delivery(
        workload('web', 'webservice', {
          image: 'registry.example/shop/web:1.2',
          ports: [
            { port: 8080, expose: true },
            { port: 9090, name: 'metrics', expose: false },
          ],
          cmd: ['node', 'server.js'],
          args: ['--verbose'],
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'DB_HOST', value: 'overridden-by-binding' },
          ],
          cpu: '500m',
          memory: '256Mi',
          replicas: 3,
        }),
        webEnv,
        secrets,
      ),
      delivery(workload('jobs', 'worker', { image: 'registry.example/shop/worker:1.2' }), dbEnv, secrets),
      delivery(
        workload('migrate', 'task', { image: 'registry.example/shop/migrate:1.2', cmd: 'migrate' }),
        dbEnv,
        secrets,
      ),
    ],
  };
}

function find(objects: KubeObject[], kind: string, name: string): KubeObject & Record<string, any> {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object)
    throw new Error(
      `${kind}/${name} not rendered; got ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  return object as KubeObject & Record<string, any>;
}

const validateAgainstSchema = validateKubeObject;

describe('renderManifests', () => {
  it('renders a webservice as Deployment + Service, a worker as Deployment, a task as Job, and one Secret per cloud component', () => {
    const { objects } = renderManifests(fixture(), { includeSecrets: true });
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'v1 Secret/shop-db-conn',
      'v1 Secret/shop-lb-conn',
      'v1 Service/web',
      'apps/v1 Deployment/web',
      'apps/v1 Deployment/jobs',
      'batch/v1 Job/migrate',
    ]);
    for (const object of objects) expect(object.metadata.namespace).toBe('team-a');
  });

  it('writes a connection secret into the namespace its writeConnectionSecretToRef names, in the GitOps view too', () => {
    const request = fixture();
    const { namespace: _namespace, ...gitOps } = request;
    const secrets = request.secrets.map((s) => (s.name === 'shop-db-conn' ? { ...s, namespace: 'team-a' } : s));
    const { objects } = renderManifests({ ...gitOps, secrets }, { includeSecrets: false });
    const byName = (name: string) => objects.find((o) => o.kind === 'Secret' && o.metadata.name === name)!;
    expect(byName('shop-db-conn').metadata.namespace).toBe('team-a');
    // Without a namespace of its own (and none for the view), the Secret names none.
    expect(byName('shop-lb-conn').metadata.namespace).toBeUndefined();
    expect(() => validateAgainstSchema(byName('shop-db-conn'))).not.toThrow();
  });

  it('labels every object and pod template with the OAM and Berth labels, and selects on stable labels only', () => {
    const { objects } = renderManifests(fixture(), { includeSecrets: false });
    for (const object of objects) {
      const component = object.metadata.labels?.['berth.dev/component'];
      expect(object.metadata.labels).toMatchObject({
        'app.oam.dev/name': 'shop',
        'app.oam.dev/component': component,
        'berth.dev/environment': 'staging',
        'berth.dev/application': 'shop',
      });
    }
    expect(find(objects, 'Secret', 'shop-db-conn').metadata.labels?.['berth.dev/component']).toBe('db');
    const web = find(objects, 'Deployment', 'web');
    const selector = {
      'berth.dev/environment': 'staging',
      'berth.dev/application': 'shop',
      'berth.dev/component': 'web',
    };
    expect(web.spec.selector).toEqual({ matchLabels: selector });
    expect(web.spec.template.metadata.labels).toMatchObject(selector);
    expect(find(objects, 'Service', 'web').spec.selector).toEqual(selector);
  });

  it("carries the Application's labels and annotations onto every object; Berth's own labels win", () => {
    const metadata = {
      labels: { team: 'storefront', 'berth.dev/application': 'not-this' },
      annotations: { 'example.com/owner': 'web-team' },
    };
    const { objects } = renderManifests({ ...fixture(), metadata }, { includeSecrets: false });
    for (const object of objects) {
      expect(object.metadata.labels, `${object.kind}/${object.metadata.name}`).toMatchObject({
        team: 'storefront',
        'berth.dev/application': 'shop',
      });
      expect(object.metadata.annotations?.['example.com/owner']).toBe('web-team');
    }
    // The selector and the pod template are Berth's alone.
    expect(find(objects, 'Deployment', 'web').spec.selector.matchLabels.team).toBeUndefined();
    // Without them, nothing is added.
    const plain = renderManifests(fixture(), { includeSecrets: false }).objects;
    expect(plain.some((o) => o.metadata.labels?.team !== undefined)).toBe(false);
  });

  it('binds connection secret keys through secretKeyRef and keeps literal env', () => {
    const { objects } = renderManifests(fixture(), { includeSecrets: false });
    const container = find(objects, 'Deployment', 'web').spec.template.spec.containers[0];
    expect(container).toMatchObject({
      name: 'web',
      image: 'registry.example/shop/web:1.2',
      command: ['node', 'server.js'],
      args: ['--verbose'],
      resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      ports: [
        { name: 'port-8080', containerPort: 8080, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ],
    });
    expect(container.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_HOST' } } },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_PASSWORD' } } },
    ]);
    expect(find(objects, 'Deployment', 'web').spec.replicas).toBe(3);
    expect(find(objects, 'Deployment', 'jobs').spec.replicas).toBe(1);
    // Only exposed ports reach the Service; without an SLB it stays inside the cluster.
    const service = find(objects, 'Service', 'web');
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'port-8080', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(service.metadata.annotations).toBeUndefined();
  });

  it('renders a task as a Job that never restarts by default and carries the bindings', () => {
    const { objects } = renderManifests(fixture(), { includeSecrets: false });
    const job = find(objects, 'Job', 'migrate');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.containers[0].command).toEqual(['migrate']);
    expect(job.spec.template.spec.containers[0].env).toContainEqual({
      name: 'DATABASE_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_PASSWORD' } },
    });
    expect(job.metadata.annotations?.['berth.dev/template-hash']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes the pod template checksum when, and only when, a bound secret version changes', () => {
    const annotation = (request: RenderRequest, kind: string, name: string) =>
      find(renderManifests(request, { includeSecrets: false }).objects, kind, name).spec.template.metadata.annotations[
        'berth.dev/bindings-checksum'
      ];
    const v1 = annotation(fixture(1), 'Deployment', 'web');
    expect(v1).toMatch(/^[0-9a-f]+$/);
    expect(annotation(fixture(1), 'Deployment', 'web')).toBe(v1);
    expect(annotation(fixture(2), 'Deployment', 'web')).not.toBe(v1);
    expect(annotation(fixture(2), 'Job', 'migrate')).not.toBe(annotation(fixture(1), 'Job', 'migrate'));
    // A new version of a secret the worker does not bind leaves it alone.
    const unrelated = fixture(1);
    unrelated.secrets = unrelated.secrets.map((s) => (s.name === 'shop-lb-conn' ? { ...s, version: 7 } : s));
    unrelated.workloads = unrelated.workloads.map((w) => ({
      ...w,
      bindingsChecksum: computeBindingsChecksum(w.env, unrelated.secrets),
    }));
    expect(annotation(unrelated, 'Deployment', 'jobs')).toBe(annotation(fixture(1), 'Deployment', 'jobs'));
    // Changing a secret value without a new version does not change the checksum (only versions count).
    const sameVersion = fixture(1);
    sameVersion.secrets = sameVersion.secrets.map((s) => ({ ...s, data: { ...s.data, DB_PASSWORD: 'other' } }));
    expect(computeBindingsChecksum(sameVersion.workloads[0]!.env, sameVersion.secrets)).toBe(v1);
  });

  it('makes a webservice bound to an slb a LoadBalancer Service attached to that SLB', () => {
    const { objects } = renderManifests(fixture(1, { slb: true }), { includeSecrets: false });
    const service = find(objects, 'Service', 'web');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id': 'lb-bp1hfycf39bbeb019pg7m',
      'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-force-override-listeners': 'true',
    });
  });

  it('refuses an slb bound to a webservice that exposes no port', () => {
    const request = fixture(1, { slb: true });
    request.workloads[0]!.component.properties.ports = [{ port: 9090, expose: false }];
    expect(() => renderManifests(request, { includeSecrets: false })).toThrow(/binds an slb but exposes no port/);
  });

  it('lists Secret keys without values unless includeSecrets', () => {
    const redacted = renderManifests(fixture(), { includeSecrets: false });
    const secretObject = find(redacted.objects, 'Secret', 'shop-db-conn');
    expect(secretObject.type).toBe('Opaque');
    expect(secretObject.data).toBeUndefined();
    expect(secretObject.stringData).toEqual({
      DB_HOST: '<redacted>',
      DB_PASSWORD: '<redacted>',
      DB_PORT: '<redacted>',
    });
    expect(secretObject.metadata.annotations).toMatchObject({
      'berth.dev/secret-version': '1',
      'berth.dev/values-redacted': 'true',
    });
    expect(redacted.yaml).not.toContain(DB_PASSWORD);
    expect(redacted.yaml).not.toContain(Buffer.from(DB_PASSWORD).toString('base64'));
    expect(redacted.yaml).not.toContain('db.internal');

    const clear = renderManifests(fixture(), { includeSecrets: true });
    const full = find(clear.objects, 'Secret', 'shop-db-conn');
    expect(Buffer.from(full.data.DB_PASSWORD, 'base64').toString('utf8')).toBe(DB_PASSWORD);
    expect(full.stringData).toBeUndefined();
  });

  it('prints the same objects as a parseable YAML stream', () => {
    const rendered = renderManifests(fixture(1, { slb: true }), { includeSecrets: false });
    const documents = parseAllDocuments(rendered.yaml).map((d) => d.toJS());
    expect(documents).toEqual(JSON.parse(JSON.stringify(rendered.objects)));
  });

  it('validates every rendered object against the official Kubernetes schemas', () => {
    for (const includeSecrets of [true, false]) {
      for (const request of [fixture(), fixture(3, { slb: true })]) {
        const { objects } = renderManifests(request, { includeSecrets });
        expect(objects.length).toBeGreaterThan(0);
        for (const object of objects)
          expect(() => validateAgainstSchema(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
      }
    }
  });

  it('the schema check is not vacuous: a broken Deployment fails it', () => {
    const { objects } = renderManifests(fixture(), { includeSecrets: false });
    const broken = structuredClone(find(objects, 'Deployment', 'web'));
    broken.spec.replicas = 'three';
    expect(() => validateAgainstSchema(broken)).toThrow();
  });

  it('refuses a binding to a secret that is not delivered, or to a key it does not have', () => {
    const missingSecret = fixture();
    missingSecret.secrets = missingSecret.secrets.filter((s) => s.name !== 'shop-db-conn');
    expect(() => renderManifests(missingSecret, { includeSecrets: false })).toThrow(/binds secret "shop-db-conn"/);
    const missingKey = fixture();
    missingKey.workloads[1]!.env.push({ name: 'X', secretName: 'shop-db-conn', key: 'NOPE', sensitive: false });
    expect(() => renderManifests(missingKey, { includeSecrets: false })).toThrow(/key NOPE/);
  });

  it('accepts the single port, string cpu numbers, env as a map, and task count/restart', () => {
    const request: RenderRequest = {
      environment: 'dev',
      application: 'a',
      secrets: [],
      workloads: [
        {
          component: workload('api', 'webservice', { image: 'nginx', port: 80, cpu: 0.5, env: { MODE: 'x' } }),
          env: [],
          bindingsChecksum: 'none',
        },
        {
          component: workload('t', 'task', { image: 'busybox', count: 2, restart: 'OnFailure' }),
          env: [],
          bindingsChecksum: 'none',
        },
      ],
    };
    const { objects } = renderManifests(request, { includeSecrets: false });
    const api = find(objects, 'Deployment', 'api').spec.template.spec.containers[0];
    expect(api.env).toEqual([{ name: 'MODE', value: 'x' }]);
    expect(api.resources.requests.cpu).toBe('0.5');
    expect(find(objects, 'Service', 'api').spec.ports).toEqual([
      { name: 'port-80', port: 80, targetPort: 80, protocol: 'TCP' },
    ]);
    const job = find(objects, 'Job', 't');
    expect(job.spec).toMatchObject({
      completions: 2,
      parallelism: 2,
      template: { spec: { restartPolicy: 'OnFailure' } },
    });
    expect(objects.every((o) => o.metadata.namespace === undefined)).toBe(true);
    for (const object of objects) validateAgainstSchema(object);
  });
});
