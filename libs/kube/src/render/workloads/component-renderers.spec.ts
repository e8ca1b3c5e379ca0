/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk into untyped manifest JSON */
import { describe, expect, it } from 'vitest';
import { findObject, renderComponents, validateKubeObject, workloadSpec } from '../../testing';

function render(type: string, properties: Record<string, unknown>, options = {}) {
  const objects = renderComponents([workloadSpec('c1', type, properties)], options);
  for (const object of objects) validateKubeObject(object);
  return objects;
}

const PROBE = { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 10 };

describe('component renderers', () => {
  it('webservice: every KubeVela workload parameter reaches the Deployment and Service', () => {
    const objects = render('webservice', {
      image: 'registry.example/web:1',
      ports: [
        { port: 8080, expose: true },
        { port: 53, protocol: 'UDP', name: 'dns', expose: true },
        { port: 9090, name: 'metrics' },
      ],
      exposeType: 'LoadBalancer',
      labels: { tier: 'front' },
      annotations: { 'x.example/owner': 'team-a' },
      imagePullPolicy: 'Always',
      imagePullSecrets: ['regcred'],
      cmd: ['/app'],
      args: ['--port', '8080'],
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } },
        { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'ui', key: 'color' } } },
      ],
      cpu: '500m',
      memory: '256Mi',
      volumeMounts: {
        pvc: [{ name: 'data', mountPath: '/data', claimName: 'web-data' }],
        configMap: [{ name: 'conf', mountPath: '/etc/conf', cmName: 'web-conf' }],
        secret: [{ name: 'certs', mountPath: '/etc/certs', secretName: 'web-certs' }],
        emptyDir: [{ name: 'cache', mountPath: '/cache', medium: 'Memory' }],
        hostPath: [{ name: 'logs', mountPath: '/logs', path: '/var/log' }],
      },
      livenessProbe: PROBE,
      readinessProbe: { tcpSocket: { port: 8080 } },
      hostAliases: [{ ip: '10.1.2.3', hostnames: ['legacy.local'] }],
    });
    const service = findObject(objects, 'Service', 'c1');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports).toEqual([
      { name: 'port-8080', port: 8080, targetPort: 8080, protocol: 'TCP' },
      { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
    ]);
    const deployment = findObject(objects, 'Deployment', 'c1');
    expect(deployment.metadata.labels?.tier).toBe('front');
    expect(deployment.metadata.annotations).toEqual({ 'x.example/owner': 'team-a' });
    const template = deployment.spec.template;
    expect(template.metadata.labels).toMatchObject({ tier: 'front', 'berth.dev/component': 'c1' });
    expect(template.metadata.annotations['x.example/owner']).toBe('team-a');
    const pod = template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.hostAliases).toEqual([{ ip: '10.1.2.3', hostnames: ['legacy.local'] }]);
    expect(pod.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
      { name: 'conf', configMap: { name: 'web-conf', defaultMode: 420 } },
      { name: 'certs', secret: { secretName: 'web-certs', defaultMode: 420 } },
      { name: 'cache', emptyDir: { medium: 'Memory' } },
      { name: 'logs', hostPath: { path: '/var/log' } },
    ]);
    const container = pod.containers[0];
    expect(container).toMatchObject({
      imagePullPolicy: 'Always',
      command: ['/app'],
      args: ['--port', '8080'],
      resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      livenessProbe: PROBE,
      readinessProbe: { tcpSocket: { port: 8080 } },
    });
    expect(container.ports.map((p: any) => p.name)).toEqual(['port-8080', 'dns', 'metrics']);
    expect(container.env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } },
      { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'ui', key: 'color' } } },
    ]);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual([
      '/data',
      '/etc/conf',
      '/etc/certs',
      '/cache',
      '/logs',
    ]);
  });

  it('webservice: containerPort and nodePort of a port reach the container and the NodePort Service', () => {
    const objects = render('webservice', {
      image: 'nginx',
      ports: [{ port: 80, containerPort: 8080, nodePort: 30080, expose: true }],
      exposeType: 'NodePort',
    });
    expect(findObject(objects, 'Service', 'c1').spec.ports).toEqual([
      { name: 'port-80', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 },
    ]);
    expect(findObject(objects, 'Deployment', 'c1').spec.template.spec.containers[0].ports).toEqual([
      { name: 'port-80', containerPort: 8080, protocol: 'TCP' },
    ]);
  });

  it('webservice: a ports[] entry is exposed only with expose: true (KubeVela default false)', () => {
    const objects = render('webservice', { image: 'nginx', ports: [{ port: 80 }] });
    expect(objects.map((o) => o.kind)).toEqual(['Deployment']);
  });

  it('webservice: the older volumes[] form mounts by type', () => {
    const objects = render('webservice', {
      image: 'nginx',
      volumes: [
        { name: 'scratch', mountPath: '/tmp/x', type: 'emptyDir' },
        { name: 'cfg', mountPath: '/cfg', type: 'configMap', cmName: 'nginx-cfg' },
      ],
    });
    const pod = findObject(objects, 'Deployment', 'c1').spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'nginx-cfg', defaultMode: 420 } },
    ]);
  });

  it('worker: a Deployment and no Service', () => {
    const objects = render('worker', { image: 'busybox', cmd: ['sleep', '3600'] });
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(['apps/v1 Deployment']);
  });

  it('daemon: a DaemonSet and the Service of its exposed ports', () => {
    const objects = render('daemon', {
      image: 'fluentd',
      ports: [{ port: 24224, expose: true }],
      exposeType: 'NodePort',
    });
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(['v1 Service', 'apps/v1 DaemonSet']);
    expect(findObject(objects, 'Service', 'c1').spec.type).toBe('NodePort');
    expect(findObject(objects, 'DaemonSet', 'c1').spec.selector.matchLabels['berth.dev/component']).toBe('c1');
  });

  it('task: a Job with count, restart and the Job limits', () => {
    const job = findObject(
      render('task', {
        image: 'busybox',
        count: 3,
        restart: 'OnFailure',
        backoffLimit: 2,
        ttlSecondsAfterFinished: 60,
      }),
      'Job',
      'c1',
    );
    expect(job.spec).toMatchObject({ completions: 3, parallelism: 3, backoffLimit: 2, ttlSecondsAfterFinished: 60 });
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(job.metadata.annotations?.['berth.dev/template-hash']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('cron-task: a batch/v1 CronJob with KubeVela defaults', () => {
    const cron = findObject(
      render('cron-task', { image: 'busybox', schedule: '*/5 * * * *', cmd: ['date'] }),
      'CronJob',
      'c1',
    );
    expect(cron.apiVersion).toBe('batch/v1');
    expect(cron.spec).toMatchObject({
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { parallelism: 1, completions: 1, backoffLimit: 6 } },
    });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0].command).toEqual(['date']);
    expect(() => render('cron-task', { image: 'busybox' })).toThrow(
      'property "schedule" (a cron expression) is required',
    );
  });

  it('cron-task takes the pod traits on its job template (resource)', () => {
    const objects = renderComponents([
      workloadSpec('c1', 'cron-task', { image: 'busybox', schedule: '0 * * * *' }, [
        { type: 'resource', properties: { cpu: '1' } },
      ]),
    ]);
    const container = findObject(objects, 'CronJob', 'c1').spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: '1' }, limits: { cpu: '1' } });
  });

  it('k8s-objects: the objects as written, in the namespace, labelled for pruning; server fields dropped', () => {
    const objects = render('k8s-objects', {
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'nginx', labels: { app: 'nginx' }, uid: 'x', resourceVersion: '9' },
          spec: {
            selector: { matchLabels: { app: 'nginx' } },
            template: {
              metadata: { labels: { app: 'nginx' } },
              spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
            },
          },
          status: { replicas: 1 },
        },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nginx-conf' }, data: { a: 'b' } },
      ],
    });
    const deployment = findObject(objects, 'Deployment', 'nginx');
    expect(deployment.metadata).toEqual({
      name: 'nginx',
      namespace: 'team-a',
      labels: expect.objectContaining({ app: 'nginx', 'berth.dev/application': 'shop', 'berth.dev/component': 'c1' }),
    });
    expect(deployment.status).toBeUndefined();
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'nginx' } });
    expect(findObject(objects, 'ConfigMap', 'nginx-conf').data).toEqual({ a: 'b' });
  });

  it('k8s-objects: refuses a cluster-scoped kind and another namespace, naming the object', () => {
    expect(() =>
      render('k8s-objects', { objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }] }),
    ).toThrow('objects/0 is a Namespace, which is cluster-scoped');
    expect(() =>
      render('k8s-objects', {
        objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'other' } }],
      }),
    ).toThrow('objects/0 (ConfigMap x) names namespace "other"; this environment applies into namespace "team-a"');
  });

  it('raw: the properties are the object; traits patch it', () => {
    const objects = renderComponents([
      workloadSpec(
        'c1',
        'raw',
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'raw-web' },
          spec: {
            selector: { matchLabels: { app: 'raw' } },
            template: {
              metadata: { labels: { app: 'raw' } },
              spec: { containers: [{ name: 'main', image: 'nginx' }] },
            },
          },
        },
        [{ type: 'scaler', properties: { replicas: 3 } }],
      ),
    ]);
    expect(findObject(objects, 'Deployment', 'raw-web').spec.replicas).toBe(3);
  });

  it('ref-objects: adopts what the runtime read; the GitOps view without it says why it cannot', () => {
    const read = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shared', namespace: 'team-a', uid: 'u', resourceVersion: '3' },
        data: { k: 'v' },
      },
    ];
    const objects = render(
      'ref-objects',
      { objects: [{ resource: 'configmap', name: 'shared' }] },
      {
        referencedObjects: new Map([['c1', read]]),
      },
    );
    expect(findObject(objects, 'ConfigMap', 'shared').metadata.uid).toBeUndefined();
    expect(() => render('ref-objects', { objects: [{ resource: 'configmap', name: 'shared' }] })).toThrow(
      'ref-objects are read from the cluster when the application is applied',
    );
  });

  it('bindings reach the main container of any pod-running type and win over a declared variable', () => {
    const env = [{ name: 'DB_HOST', secretName: 'shop-db-conn', key: 'DB_HOST', sensitive: false }];
    const secrets = [{ name: 'shop-db-conn', component: 'db', version: 1, data: { DB_HOST: 'h' }, sensitiveKeys: [] }];
    const objects = renderComponents(
      [
        workloadSpec('c1', 'daemon', { image: 'x', env: [{ name: 'DB_HOST', value: 'literal' }] }, [
          { type: 'env', properties: { env: { DB_HOST: 'from-trait', OTHER: '1' } } },
        ]),
      ],
      { env, secrets },
    );
    expect(findObject(objects, 'DaemonSet', 'c1').spec.template.spec.containers[0].env).toEqual([
      { name: 'OTHER', value: '1' },
      { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'shop-db-conn', key: 'DB_HOST' } } },
    ]);
    expect(() =>
      renderComponents(
        [
          workloadSpec('c1', 'k8s-objects', {
            objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }],
          }),
        ],
        {
          env,
          secrets,
        },
      ),
    ).toThrow('binds connection secrets, but its ConfigMap run no pods to receive them');
  });

  it('refuses two objects of one kind and name across components', () => {
    const cm = (name: string) =>
      workloadSpec(name, 'k8s-objects', {
        objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } }],
      });
    expect(() => renderComponents([cm('a'), cm('b')])).toThrow('ConfigMap/same is also rendered by component "a"');
  });
});
