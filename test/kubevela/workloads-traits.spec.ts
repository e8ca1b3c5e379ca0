/**
 * KubeVela compatibility: the built-in workload types with their documented parameters, the component types
 * cron-task, daemon, k8s-objects, raw and ref-objects, and the built-in traits with the workloads they apply to.
 */
import { getDefinition } from '@berth/oam';
import { describe, expect, it } from 'vitest';
import { accepted, kubeVelaApp as app, refused } from '../support/kubevela-documents';

describe('KubeVela workload parameters', () => {
  it('accepts a webservice with the full documented parameter set', () => {
    const result = accepted(
      app(`
    - name: frontend
      type: webservice
      properties:
        image: oamdev/testapp:v1
        imagePullPolicy: IfNotPresent
        imagePullSecrets: [regcred]
        labels: { tier: web }
        annotations: { team: shop }
        cmd: [node, server.js]
        args: [--verbose]
        ports:
          - { port: 8080, name: http, protocol: TCP, expose: true }
          - { port: 9090, protocol: UDP }
        exposeType: LoadBalancer
        env:
          - { name: MODE, value: prod }
          - name: DB_PASSWORD
            valueFrom: { secretKeyRef: { name: db-secret, key: password } }
          - name: FEATURES
            valueFrom: { configMapKeyRef: { name: features, key: list } }
        cpu: "0.5"
        memory: 512Mi
        limit: { cpu: "1", memory: 1Gi }
        volumeMounts:
          pvc: [{ name: data, mountPath: /data, claimName: data-pvc }]
          configMap: [{ name: conf, mountPath: /etc/app, cmName: app-config }]
          secret: [{ name: tls, mountPath: /etc/tls, secretName: app-tls }]
          emptyDir: [{ name: cache, mountPath: /cache, medium: Memory }]
          hostPath: [{ name: logs, mountPath: /var/log/app, path: /var/log }]
        livenessProbe:
          httpGet: { path: /healthz, port: 8080 }
          initialDelaySeconds: 5
        readinessProbe:
          tcpSocket: { port: 8080 }
        hostAliases: [{ ip: 10.0.0.1, hostnames: [db.local] }]
`),
    );
    const web = result.application.components[0]!;
    expect(web.properties).toMatchObject({
      exposeType: 'LoadBalancer',
      ports: [
        { port: 8080, expose: true },
        { port: 9090, protocol: 'UDP', expose: false },
      ],
      env: [{ name: 'MODE' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-secret' } } }, {}],
    });
  });

  it('refuses a parameter outside the documented set, naming the known ones', () => {
    const problems = refused(
      app(`
    - name: frontend
      type: webservice
      properties: { image: nginx, exposeType: Ingress, replica: 2 }
`),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: '/spec/components/0/properties/exposeType',
          message: 'must be one of ClusterIP, NodePort, LoadBalancer',
        },
        { path: '/spec/components/0/properties/replica', message: expect.stringContaining('did you mean replicas?') },
      ]),
    );
  });

  it('accepts cron-task, daemon, k8s-objects, raw and ref-objects components', () => {
    const result = accepted(
      app(`
    - name: backup
      type: cron-task
      properties:
        image: busybox
        schedule: "*/5 * * * *"
        concurrencyPolicy: Forbid
        cmd: [sh, -c, date]
    - name: node-agent
      type: daemon
      properties: { image: fluentd, ports: [{ port: 24224, expose: true }] }
    - name: extras
      type: k8s-objects
      properties:
        objects:
          - apiVersion: v1
            kind: ConfigMap
            metadata: { name: extra }
            data: { key: value }
    - name: raw-deploy
      type: raw
      properties:
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: raw-deploy }
        spec: { replicas: 1 }
      traits:
        - type: scaler
          properties: { replicas: 3 }
    - name: copied
      type: ref-objects
      properties:
        objects: [{ resource: configmap, name: shared-config }]
`),
    );
    expect(result.application.components.map((c) => c.type)).toEqual([
      'cron-task',
      'daemon',
      'k8s-objects',
      'raw',
      'ref-objects',
    ]);
    expect(refused(app(`    - { name: backup, type: cron-task, properties: { image: busybox } }`))).toEqual([
      { path: '/spec/components/0/properties/schedule', message: 'is required' },
    ]);
  });
});

describe('KubeVela traits', () => {
  it('accepts the documented traits on a webservice', () => {
    const result = accepted(
      app(`
    - name: web
      type: webservice
      properties: { image: nginx, ports: [{ port: 80, expose: true }] }
      traits:
        - { type: scaler, properties: { replicas: 2 } }
        - { type: gateway, properties: { domain: shop.example.com, http: { "/": 80 } } }
        - { type: ingress, properties: { domain: www.example.com, http: { "/api": 80 } } }
        - { type: expose, properties: { port: [80], type: NodePort } }
        - { type: labels, properties: { release: stable } }
        - { type: annotations, properties: { note: hello } }
        - { type: env, properties: { env: { A: "1" } } }
        - { type: command, properties: { addArgs: [--debug] } }
        - { type: resource, properties: { cpu: 1, memory: 1Gi } }
        - { type: sidecar, properties: { name: logger, image: busybox, cmd: [tail, -f, /dev/null] } }
        - type: init-container
          properties: { name: init, image: busybox, appMountPath: /data, initMountPath: /init }
        - type: storage
          properties:
            pvc: [{ name: data, mountPath: /data, resources: { requests: { storage: 1Gi } } }]
            configMap:
              - name: conf
                mountToEnv: { envName: LEVEL, configMapKey: level }
                data: { level: info }
        - { type: hpa, properties: { min: 1, max: 5, cpu: { type: Utilization, value: 70 } } }
        - { type: service-account, properties: { name: web-sa, create: true } }
        - type: affinity
          properties: { tolerations: [{ key: gpu, operator: Exists, effect: NoSchedule }] }
        - { type: hostalias, properties: { hostAliases: [{ ip: 127.0.0.1, hostnames: [me] }] } }
        - type: json-patch
          properties: { operations: [{ op: add, path: /spec/paused, value: false }] }
        - { type: json-merge-patch, properties: { spec: { minReadySeconds: 5 } } }
`),
    );
    expect(result.application.components[0]!.traits.map((t) => t.type)).toHaveLength(18);
  });

  it('refuses a trait on a workload KubeVela does not apply it to, with the reason', () => {
    const problems = refused(
      app(`
    - name: job
      type: task
      properties: { image: busybox }
      traits:
        - { type: scaler, properties: { replicas: 2 } }
    - name: objects
      type: k8s-objects
      properties: { objects: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: c } }] }
      traits:
        - { type: cpuscaler, properties: { min: 1, max: 3 } }
`),
    );
    expect(problems).toEqual([
      {
        path: '/spec/components/0/traits/0/type',
        message: 'trait scaler applies to workloads of kind Deployment, StatefulSet; a task is a Job (component job)',
      },
      {
        path: '/spec/components/1/traits/0/type',
        message:
          'trait cpuscaler applies to workloads of kind Deployment; k8s-objects has no single workload object (component objects)',
      },
    ]);
  });

  it('checks trait properties against their schema and cross-field rules, at paths that exist', () => {
    const problems = refused(
      app(`
    - name: web
      type: webservice
      properties: { image: nginx }
      traits:
        - { type: hpa, properties: { min: 5, max: 2 } }
        - { type: ingress, properties: { http: { "/": 80 } } }
        - { type: service-account, properties: { name: sa, privileges: [{ scope: namespace }] } }
        - type: sidecar
`),
    );
    expect(problems).toEqual([
      { path: '/spec/components/0/traits/0/properties/min', message: 'must not exceed max (2)' },
      { path: '/spec/components/0/traits/1/properties/domain', message: 'is required' },
      {
        path: '/spec/components/0/traits/2/properties/privileges',
        message: expect.stringContaining('KubeVela feature Berth does not run'),
      },
      { path: '/spec/components/0/traits/3', message: 'properties.name is required' },
      { path: '/spec/components/0/traits/3', message: 'properties.image is required' },
    ]);
  });

  it('documents each trait through its definition, with the workloads it applies to', () => {
    const storage = getDefinition('storage')!;
    expect(storage).toMatchObject({
      kind: 'trait',
      appliesToWorkloads: ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'],
    });
    expect(storage.markdown).toContain('Applies to workloads of kind: Deployment, StatefulSet, DaemonSet, Job');
    expect(storage.markdown).toContain('| pvc |');
    expect(getDefinition('json-patch')!.appliesToWorkloads).toEqual(['any']);
  });
});
