/**
 * KubeVela compatibility: Applications written the way KubeVela's documentation writes them (metadata, policies,
 * traits, pasted `kubectl get -o yaml` output, refused features), each with the normalized result or the precise
 * refusal. The documents are written here from what the documentation describes.
 */
import { validateApplication } from '@berth/oam';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { accepted, refused } from '../support/kubevela-documents';

describe('KubeVela dialect: metadata', () => {
  it('accepts metadata.namespace, records it in the application and the normalized document', () => {
    const result = accepted(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: first-vela-app
  namespace: prod
spec:
  components:
    - name: express-server
      type: webservice
      properties:
        image: oamdev/hello-world
        ports:
          - port: 8000
            expose: true
`);
    expect(result.application.namespace).toBe('prod');
    expect(result.document.metadata).toEqual({ name: 'first-vela-app', namespace: 'prod' });
    expect(result.warnings).toEqual([]);
  });

  it('refuses a namespace Kubernetes would refuse, at its path', () => {
    const problems = refused(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app, namespace: Prod_1 }
spec:
  components: [{ name: web, type: worker, properties: { image: busybox } }]
`);
    expect(problems).toEqual([{ path: '/metadata/namespace', message: expect.stringContaining('DNS-1123 label') }]);
  });

  it('ignores read-only fields pasted from kubectl get -o yaml, with one warning each', () => {
    const result = accepted(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: app
  namespace: default
  creationTimestamp: "2024-01-02T03:04:05Z"
  generation: 3
  resourceVersion: "123456"
  uid: 0b7a7c2e-1111-2222-3333-444455556666
  finalizers: [app.oam.dev/resource-tracker-finalizer]
  managedFields:
    - manager: kubectl
      operation: Update
spec:
  components:
    - name: web
      type: webservice
      properties: { image: nginx }
status:
  status: running
  observedGeneration: 3
`);
    expect(result.warnings.map((w) => w.path).sort()).toEqual([
      '/metadata/creationTimestamp',
      '/metadata/finalizers',
      '/metadata/generation',
      '/metadata/managedFields',
      '/metadata/resourceVersion',
      '/metadata/uid',
      '/status',
    ]);
    expect(result.warnings[0]!.message).toContain('ignored');
    expect(result.document.metadata).toEqual({ name: 'app', namespace: 'default' });
    expect(result.document).not.toHaveProperty('status');
  });
});

describe('KubeVela dialect: components and traits', () => {
  it('takes `traits:` left empty (null) as no traits', () => {
    const result = accepted(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - name: web
      type: webservice
      properties: { image: nginx }
      traits:
`);
    expect(result.application.components[0]!.traits).toEqual([]);
  });

  it('accepts component names with dots (DNS-1123 subdomains) and refuses other spellings', () => {
    const result = accepted(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - { name: api.v2, type: worker, properties: { image: busybox } }
`);
    expect(result.application.components[0]!.name).toBe('api.v2');
    const problems = refused(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - { name: api..v2, type: worker, properties: { image: busybox } }
`);
    expect(problems).toEqual([
      { path: '/spec/components/0/name', message: expect.stringContaining('DNS-1123 subdomain') },
    ]);
  });
});

describe('KubeVela dialect: refusals by name', () => {
  it('refuses helm and kustomize components by name as KubeVela features, with the alternative', () => {
    const problems = refused(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - name: redis
      type: helm
      properties:
        repoType: helm
        url: https://charts.bitnami.com/bitnami
        chart: redis
    - name: infra
      type: kustomize
      properties: { repoType: git, url: https://github.com/example/repo, path: ./deploy }
`);
    expect(problems).toEqual([
      {
        path: '/spec/components/0/type',
        message: expect.stringMatching(/^component type "helm" is a KubeVela component type .*instead: .*k8s-objects/),
      },
      {
        path: '/spec/components/1/type',
        message: expect.stringMatching(/^component type "kustomize" is a KubeVela component type .*kustomize build/),
      },
    ]);
    expect(problems.map((p) => p.message).join()).not.toContain('closest match');
  });

  it('names an unknown (custom, CUE-defined) type and trait as written, without a far-fetched match', () => {
    const problems = refused(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - name: web
      type: my-company-service
      properties: { image: nginx }
    - name: job
      type: worker
      properties: { image: busybox }
      traits:
        - type: my-sidecar-injector
`);
    expect(problems).toEqual([
      {
        path: '/spec/components/0/type',
        message: expect.stringMatching(/^unknown component type "my-company-service" \(.*custom \(CUE-defined\)/),
      },
      {
        path: '/spec/components/1/traits/0/type',
        message: expect.stringMatching(/^unknown trait type "my-sidecar-injector" \(.*custom \(CUE-defined\)/),
      },
    ]);
    expect(problems.map((p) => p.message).join()).not.toContain('closest match');
  });

  it('accepts topology/override policies and spec.workflow (issue 13: the broker checks and runs the steps); a policy without name is named by its type', () => {
    const problems = refused(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - { name: web, type: webservice, properties: { image: nginx } }
  policies:
    - type: topology
      properties: { clusters: [local] }
    - name: override-replicas
      type: override
      properties:
        components: [{ name: web, properties: { replicas: 3 } }]
    - type: topology
      properties: { clusters: [other] }
  workflow:
    steps:
      - { name: deploy, type: deploy, properties: { policies: [topology] } }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: '/spec/policies/2/type',
          message: expect.stringContaining(
            'repeats the policy name topology (a policy without a name is named by its type)',
          ),
        },
      ]),
    );
    expect(problems.filter((p) => p.path === '/spec/policies/0/type' || p.path.startsWith('/spec/policies/1'))).toEqual(
      [],
    );
    expect(problems.some((p) => p.path.endsWith('/name') && p.message === 'is required')).toBe(false);
    expect(problems.some((p) => p.path.startsWith('/spec/workflow'))).toBe(false);
  });

  it('refuses other KubeVela policies by name, and unknown ones as custom definitions', () => {
    const problems = refused(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - { name: web, type: webservice, properties: { image: nginx } }
  policies:
    - { name: mine-only, type: take-over, properties: { rules: [] } }
    - { name: mine, type: my-policy }
`);
    expect(problems).toEqual([
      {
        path: '/spec/policies/0/type',
        message: expect.stringMatching(
          /^policy type "take-over" is a KubeVela policy Berth does not run: Berth does not adopt existing objects/,
        ),
      },
      {
        path: '/spec/policies/1/type',
        message: expect.stringMatching(/^unknown policy type "my-policy"; .*custom \(CUE-defined\)/),
      },
    ]);
  });

  it('says a binding to a component whose type was refused targets a refused component, not a missing one', () => {
    const problems = refused(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - name: cache
      type: helm
      properties: { chart: redis }
    - name: web
      type: webservice
      dependsOn: [cache]
      properties: { image: nginx }
      traits:
        - type: service-binding
          properties:
            envMappings:
              REDIS_HOST: { secret: cache, key: HOST }
`);
    expect(problems).toEqual([
      { path: '/spec/components/0/type', message: expect.stringContaining('component type "helm"') },
      {
        path: '/spec/components/1/dependsOn/0',
        message: '"cache" is a component whose type was refused (see /spec/components/0/type)',
      },
      {
        path: '/spec/components/1/traits/0/properties/envMappings/REDIS_HOST/secret',
        message: expect.stringContaining('"cache" is a component whose type was refused'),
      },
    ]);
  });
});

describe('KubeVela dialect: alibaba-rds databases', () => {
  const rds = (properties: string) => `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: dbs }
spec:
  components:
    - name: sample-db
      type: alibaba-rds
      properties:
        instance_name: sample-db
        account_name: oamtest
        password: U34rfwefwefffaked
        allocate_public_connection: false
${properties}
`;

  it('takes several databases on one instance, without the dblinks default', () => {
    const result = accepted(
      rds(`        databases:
          - name: orders
            character_set: utf8
            description: orders of the shop
          - name: audit
            character_set: UTF8MB4
          - name: reports`),
    );
    const properties = (result.document.spec as { components: { properties: Record<string, unknown> }[] })
      .components[0]!.properties;
    expect(properties.databases).toEqual([
      { name: 'orders', characterSet: 'utf8', description: 'orders of the shop' },
      { name: 'audit', characterSet: 'utf8mb4' },
      { name: 'reports', characterSet: 'utf8' },
    ]);
    expect(properties).not.toHaveProperty('databaseName');
    expect(properties).toMatchObject({ accountName: 'oamtest', privilege: 'ReadWrite', engine: 'mysql' });
  });

  it('refuses what KubeVela refuses or Berth cannot create, at the path as written', () => {
    expect(
      refused(
        rds(`        database_name: app
        databases: [{ name: orders }]`),
      ),
    ).toEqual([
      { path: '/spec/components/0/properties/database_name', message: 'conflicts with databases: give one of them' },
    ]);
    expect(refused(rds(`        databases: [{ name: orders }, { name: orders }]`))).toEqual([
      { path: '/spec/components/0/properties/databases/1/name', message: 'orders is listed twice' },
    ]);
    expect(refused(rds(`        databases: [{ name: Orders-1 }]`))).toEqual([
      { path: '/spec/components/0/properties/databases/0/name', message: expect.stringContaining('database name') },
    ]);
    expect(refused(rds(`        databases: [{ name: orders, character_set: latin1 }]`))).toEqual([
      { path: '/spec/components/0/properties/databases', message: expect.stringContaining('character_set "latin1"') },
    ]);
    expect(refused(rds(`        databases: [{ name: orders, collation: utf8_bin }]`))).toEqual([
      { path: '/spec/components/0/properties/databases', message: expect.stringContaining('collation') },
    ]);
    expect(refused(rds(`        databases: []`))).toEqual([
      { path: '/spec/components/0/properties/databases', message: expect.any(String) },
    ]);
  });
});

describe('KubeVela dialect: alibaba-vswitch defaults', () => {
  it("an alibaba-vswitch without vpc_cidr takes KubeVela's VPC block; a vswitch_cidr outside it is refused at dry run", () => {
    const vswitch = (cidr: string) => `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: net }
spec:
  components:
    - name: sample-vswitch
      type: alibaba-vswitch
      properties:
        zone_id: cn-hangzhou-h
        vswitch_cidr: ${cidr}
`;
    const spec = (yaml: string) =>
      (accepted(yaml).document.spec as { components: { properties: Record<string, unknown> }[] }).components[0]!
        .properties;
    expect(spec(vswitch('172.16.1.0/24'))).toMatchObject({
      cidr: '172.16.0.0/12',
      vswitches: [{ zone: 'cn-hangzhou-h', cidr: '172.16.1.0/24' }],
    });
    expect(refused(vswitch('10.0.1.0/24'))).toEqual([
      {
        path: '/spec/components/0/properties/vswitch_cidr',
        message: "must lie inside the VPC's CIDR block 172.16.0.0/12",
      },
    ]);
  });
});

describe('KubeVela dialect: service-binding of a Secret the application does not create', () => {
  const binding = (secret: string) => `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - name: db
      type: alibaba-rds
      properties: { allocate_public_connection: false, writeConnectionSecretToRef: { name: db-conn } }
    - name: web
      type: webservice
      properties: { image: oamdev/hello-world }
      traits:
        - type: service-binding
          properties:
            envMappings:
              PASSWORD: { secret: ${secret}, key: password }
`;
  const at = '/spec/components/1/traits/0/properties/envMappings/PASSWORD/secret';

  it('on a runtime that binds existing Secrets (kubernetes), is accepted as written', () => {
    const result = validateApplication(parse(binding('legacy-db-credentials')), { existingSecrets: 'bind' });
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it('on the local runtime, is refused naming the secret and the reason', () => {
    const result = validateApplication(parse(binding('legacy-db-credentials')), {
      existingSecrets: { refused: 'the local runtime has no Secrets of its own' },
    });
    expect(result.ok ? [] : result.problems).toEqual([
      {
        path: at,
        message:
          'binds Secret "legacy-db-credentials", which this application does not create: the local runtime has no Secrets of its own',
      },
    ]);
  });

  it('a typo of one of its own secrets stays an error, even where existing Secrets are bound', () => {
    const result = validateApplication(parse(binding('db-con')), { existingSecrets: 'bind' });
    expect(result.ok ? [] : result.problems).toEqual([
      { path: at, message: expect.stringMatching(/neither a cloud component nor a connection secret.*db-conn/) },
    ]);
  });
});

describe('KubeVela dialect: older trait names', () => {
  it('refuses ingress-1-20, volumes and pvc by name as written, naming the built-in trait to use', () => {
    const problems = refused(`
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: app }
spec:
  components:
    - name: web
      type: webservice
      properties: { image: nginx, ports: [{ port: 80, expose: true }] }
      traits:
        - { type: ingress-1-20, properties: { domain: app.example.com, http: { "/": 80 } } }
        - { type: volumes, properties: { volumes: [] } }
        - { type: pvc, properties: { claimName: data } }
`);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [
        '/spec/components/0/traits/0/type',
        expect.stringMatching(/^trait type "ingress-1-20" is a KubeVela trait .*instead: an ingress trait/),
      ],
      [
        '/spec/components/0/traits/1/type',
        expect.stringMatching(/"volumes" is a KubeVela trait .*instead: a storage trait/),
      ],
      [
        '/spec/components/0/traits/2/type',
        expect.stringMatching(/"pvc" is a KubeVela trait .*instead: a storage trait/),
      ],
    ]);
  });
});
