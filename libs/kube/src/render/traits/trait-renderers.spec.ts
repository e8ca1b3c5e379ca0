/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk into untyped manifest JSON */
import type { TraitSpec } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { findObject, renderComponents, validateKubeObject, workloadSpec } from '../../testing';

const WEB = { image: 'registry.example/shop/web:1.2', ports: [{ port: 8080, expose: true }] };

function web(traits: TraitSpec[], properties: Record<string, unknown> = WEB) {
  const objects = renderComponents([workloadSpec('web', 'webservice', properties, traits)]);
  for (const object of objects) validateKubeObject(object);
  const deployment = findObject(objects, 'Deployment', 'web');
  return {
    objects,
    deployment,
    pod: deployment.spec.template.spec,
    container: deployment.spec.template.spec.containers[0],
  };
}

const trait = (type: string, properties: Record<string, unknown>): TraitSpec => ({ type, properties });

describe('trait renderers', () => {
  it('scaler sets the replicas of the Deployment', () => {
    expect(web([trait('scaler', { replicas: 4 })]).deployment.spec.replicas).toBe(4);
  });

  it('refuses a trait on a workload kind KubeVela does not apply it to, naming the kinds', () => {
    const component = workloadSpec('nightly', 'task', { image: 'busybox' }, [trait('scaler', { replicas: 2 })]);
    expect(() => renderComponents([component])).toThrow(
      'component "nightly": trait "scaler" applies to Deployment, StatefulSet workloads; the component\'s workload is a Job',
    );
  });

  it('refuses a trait it does not render', () => {
    const component = workloadSpec('web', 'webservice', WEB, [trait('rollout', {})]);
    expect(() => renderComponents([component])).toThrow('trait "rollout" is not one Berth renders');
  });

  it('expose makes the component Service carry its ports, type, annotations', () => {
    const { objects } = web(
      [
        trait('expose', {
          ports: [
            { port: 80, targetPort: 8080 },
            { port: 9000, protocol: 'UDP', name: 'stats' },
          ],
          type: 'LoadBalancer',
          annotations: { 'x.io/a': 'b' },
        }),
      ],
      { image: 'nginx' },
    );
    const service = findObject(objects, 'Service', 'web');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports).toEqual([
      { name: 'port-80', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'stats', port: 9000, targetPort: 9000, protocol: 'UDP' },
    ]);
    expect(service.metadata.annotations).toEqual({ 'x.io/a': 'b' });
    expect(service.spec.selector['berth.dev/component']).toBe('web');
  });

  it('gateway renders a Service for its ports and a networking.k8s.io/v1 Ingress as KubeVela does', () => {
    const { objects } = web([trait('gateway', { domain: 'shop.example.com', http: { '/': 8080, '/api': 8081 } })]);
    const ingress = findObject(objects, 'Ingress', 'web');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.annotations).toEqual({ 'kubernetes.io/ingress.class': 'nginx' });
    expect(ingress.spec.rules).toEqual([
      {
        host: 'shop.example.com',
        http: {
          paths: [
            {
              path: '/',
              pathType: 'ImplementationSpecific',
              backend: { service: { name: 'web', port: { number: 8080 } } },
            },
            {
              path: '/api',
              pathType: 'ImplementationSpecific',
              backend: { service: { name: 'web', port: { number: 8081 } } },
            },
          ],
        },
      },
    ]);
    // The exposed 8080 stays once; 8081 is added for the route.
    expect(findObject(objects, 'Service', 'web').spec.ports.map((p: any) => p.port)).toEqual([8080, 8081]);
  });

  it('gateway with classInSpec and secretName puts the class in the spec and adds TLS', () => {
    const { objects } = web([
      trait('gateway', {
        domain: 'a.example',
        http: { '/': 8080 },
        class: 'alb',
        classInSpec: true,
        secretName: 'a-tls',
      }),
    ]);
    const ingress = findObject(objects, 'Ingress', 'web');
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(ingress.spec.tls).toEqual([{ hosts: ['a.example'], secretName: 'a-tls' }]);
  });

  it('ingress needs a domain and renders the same v1 Ingress', () => {
    expect(
      findObject(web([trait('ingress', { domain: 'x.example', http: { '/': 8080 } })]).objects, 'Ingress', 'web').spec
        .rules[0].host,
    ).toBe('x.example');
    expect(() => web([trait('ingress', { http: { '/': 8080 } })])).toThrow('trait ingress needs domain');
  });

  it('labels and annotations reach the Deployment and its pods, without replacing Berth labels', () => {
    const { deployment } = web([
      trait('labels', { team: 'payments', 'berth.dev/component': 'hijack' }),
      trait('annotations', { 'prometheus.io/scrape': 'true' }),
    ]);
    for (const metadata of [deployment.metadata, deployment.spec.template.metadata]) {
      expect(metadata.labels.team).toBe('payments');
      expect(metadata.labels['berth.dev/component']).toBe('web');
      expect(metadata.annotations['prometheus.io/scrape']).toBe('true');
    }
  });

  it('env merges, replaces and unsets variables of the main container', () => {
    const props = {
      ...WEB,
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    };
    expect(web([trait('env', { env: { B: 'two', C: '3' }, unset: ['A'] })], props).container.env).toEqual([
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' },
    ]);
    expect(web([trait('env', { env: { Z: '26' }, replace: true })], props).container.env).toEqual([
      { name: 'Z', value: '26' },
    ]);
    expect(() => web([trait('env', { containerName: 'nope', env: { Z: '1' } })], props)).toThrow(
      'containerName "nope"',
    );
  });

  it('command sets the command and edits the args', () => {
    const { container } = web([
      trait('command', { command: ['/bin/app'], args: ['-a', '-b'], addArgs: ['-c'], delArgs: ['-a'] }),
    ]);
    expect(container.command).toEqual(['/bin/app']);
    expect(container.args).toEqual(['-b', '-c']);
  });

  it('resource sets requests and limits', () => {
    const { container } = web([
      trait('resource', { cpu: '250m', limits: { memory: '1Gi' }, requests: { memory: '512Mi' } }),
    ]);
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { cpu: '250m', memory: '1Gi' },
    });
  });

  it('sidecar adds a container mounting a pod volume', () => {
    const { pod } = web([
      trait('storage', { emptyDir: [{ name: 'logs', mountPath: '/var/log/app' }] }),
      trait('sidecar', {
        name: 'tail',
        image: 'busybox',
        cmd: ['tail', '-F', '/logs/app.log'],
        volumes: [{ name: 'emptydir-logs', path: '/logs' }],
      }),
    ]);
    expect(pod.containers[1]).toEqual({
      name: 'tail',
      image: 'busybox',
      command: ['tail', '-F', '/logs/app.log'],
      volumeMounts: [{ name: 'emptydir-logs', mountPath: '/logs' }],
    });
  });

  it('init-container shares an emptyDir with the main container', () => {
    const { pod, container } = web([
      trait('init-container', {
        name: 'fetch',
        image: 'busybox',
        cmd: ['wget', '-O', '/work/index.html', 'http://x'],
        appMountPath: '/usr/share/nginx/html',
        initMountPath: '/work',
      }),
    ]);
    expect(pod.volumes).toEqual([{ name: 'workdir', emptyDir: {} }]);
    expect(container.volumeMounts).toEqual([{ name: 'workdir', mountPath: '/usr/share/nginx/html' }]);
    expect(pod.initContainers[0]).toMatchObject({
      name: 'fetch',
      imagePullPolicy: 'IfNotPresent',
      volumeMounts: [{ name: 'workdir', mountPath: '/work' }],
    });
  });

  it('storage creates the PVC, ConfigMap and Secret, mounts them and maps keys to env', () => {
    const { objects, pod, container } = web([
      trait('storage', {
        pvc: [{ name: 'data', mountPath: '/data', resources: { requests: { storage: '20Gi' } } }],
        configMap: [
          {
            name: 'settings',
            mountPath: '/etc/app',
            data: { mode: 'fast' },
            mountToEnv: { envName: 'MODE', configMapKey: 'mode' },
          },
        ],
        secret: [{ name: 'tokens', mountOnly: true, mountToEnvs: [{ envName: 'API_TOKEN', secretKey: 'token' }] }],
      }),
    ]);
    expect(findObject(objects, 'PersistentVolumeClaim', 'data').spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      resources: { requests: { storage: '20Gi' } },
    });
    expect(findObject(objects, 'ConfigMap', 'settings').data).toEqual({ mode: 'fast' });
    expect(objects.some((o) => o.kind === 'Secret' && o.metadata.name === 'tokens')).toBe(false); // mountOnly
    expect(pod.volumes).toEqual([
      { name: 'pvc-data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'configmap-settings', configMap: { name: 'settings', defaultMode: 420 } },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'pvc-data', mountPath: '/data' },
      { name: 'configmap-settings', mountPath: '/etc/app' },
    ]);
    expect(container.env).toEqual([
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'tokens', key: 'token' } } },
    ]);
  });

  it('storage Secret values are listed redacted in the GitOps view', () => {
    const component = workloadSpec('web', 'webservice', WEB, [
      trait('storage', { secret: [{ name: 'tokens', mountPath: '/t', stringData: { token: 's3cr3t-v4lue' } }] }),
    ]);
    const redacted = findObject(renderComponents([component], {}, false), 'Secret', 'tokens');
    expect(redacted.stringData).toEqual({ token: '<redacted>' });
    expect(JSON.stringify(redacted)).not.toContain('s3cr3t-v4lue');
    expect(findObject(renderComponents([component], {}, true), 'Secret', 'tokens').stringData).toEqual({
      token: 's3cr3t-v4lue',
    });
  });

  it('hpa renders an autoscaling/v2 HPA and leaves replicas to it', () => {
    const { objects, deployment } = web([
      trait('hpa', {
        min: 2,
        max: 6,
        cpu: { type: 'Utilization', value: 70 },
        mem: { type: 'AverageValue', value: '500Mi' },
      }),
    ]);
    expect(deployment.spec.replicas).toBeUndefined();
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'web').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      ],
    });
  });

  it('cpuscaler scales on CPU utilization; with hpa as well it is refused as a second HPA', () => {
    const { objects } = web([trait('cpuscaler', { min: 1, max: 3, cpuUtil: 60 })]);
    expect(
      findObject(objects, 'HorizontalPodAutoscaler', 'web').spec.metrics[0].resource.target.averageUtilization,
    ).toBe(60);
    expect(() => web([trait('cpuscaler', {}), trait('hpa', {})])).toThrow(
      'two HorizontalPodAutoscaler objects named "web"',
    );
  });

  it('service-account sets the pod identity and creates it when asked; privileges are refused', () => {
    const { objects, pod } = web([trait('service-account', { name: 'shop-reader', create: true })]);
    expect(pod.serviceAccountName).toBe('shop-reader');
    expect(findObject(objects, 'ServiceAccount', 'shop-reader').metadata.labels?.['berth.dev/application']).toBe(
      'shop',
    );
    expect(() => web([trait('service-account', { name: 'x', privileges: [{ scope: 'cluster' }] })])).toThrow(
      /privileges .* a KubeVela feature Berth does not run/,
    );
  });

  it('affinity and tolerations in the pod spec spelling', () => {
    const { pod } = web([
      trait('affinity', {
        podAntiAffinity: {
          preferred: [
            {
              weight: 100,
              podAffinityTerm: {
                topologyKey: 'kubernetes.io/hostname',
                labelSelector: { matchLabels: { app: 'web' } },
              },
            },
          ],
        },
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] },
        },
        tolerations: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
      }),
    ]);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    expect(
      pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]
        .key,
    ).toBe('disk');
    expect(pod.tolerations).toEqual([{ operator: 'Equal', key: 'dedicated', value: 'web', effect: 'NoSchedule' }]);
  });

  it('hostalias adds host aliases', () => {
    expect(
      web([trait('hostalias', { hostAliases: [{ ip: '10.0.0.5', hostnames: ['db.local'] }] })]).pod.hostAliases,
    ).toEqual([{ ip: '10.0.0.5', hostnames: ['db.local'] }]);
  });

  it('json-patch applies RFC 6902 operations to the workload and names a failing operation', () => {
    const { deployment } = web([
      trait('json-patch', {
        operations: [
          { op: 'add', path: '/spec/minReadySeconds', value: 10 },
          { op: 'replace', path: '/spec/replicas', value: 2 },
        ],
      }),
    ]);
    expect(deployment.spec.minReadySeconds).toBe(10);
    expect(deployment.spec.replicas).toBe(2);
    expect(() => web([trait('json-patch', { operations: [{ op: 'remove', path: '/spec/nothing' }] })])).toThrow(
      /json-patch: operations\/0 \(remove \/spec\/nothing\)/,
    );
    expect(() =>
      web([trait('json-patch', { operations: [{ op: 'replace', path: '/metadata/name', value: 'x' }] })]),
    ).toThrow("may not change the workload's metadata.name");
  });

  it('json-merge-patch merges RFC 7386 style (null removes)', () => {
    const { deployment } = web([
      trait('json-merge-patch', {
        spec: { replicas: 5, revisionHistoryLimit: 2 },
        metadata: { labels: { tier: 'front' } },
      }),
    ]);
    expect(deployment.spec).toMatchObject({ replicas: 5, revisionHistoryLimit: 2 });
    expect(deployment.metadata.labels?.tier).toBe('front');
    expect(web([trait('json-merge-patch', { spec: { replicas: null } })]).deployment.spec.replicas).toBeUndefined();
  });
});
