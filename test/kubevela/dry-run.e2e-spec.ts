/**
 * KubeVela documents through the HTTP API on the local environment: the dry run answers the normalized document
 * with warnings[], a refused feature is a 422 naming it as written, and nothing is stored.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

const base = '/v1/environments/local/applications';

const PASTED = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
  namespace: default
  uid: 0b7a7c2e-1111-2222-3333-444455556666
  resourceVersion: "42"
spec:
  components:
    - name: db
      type: alibaba-rds
      properties:
        instance_name: shop-db
        account_name: shop
        writeConnectionSecretToRef: { name: db-conn }
    - name: web
      type: webservice
      properties:
        image: oamdev/hello-world
        ports: [{ port: 8000, expose: true }]
        exposeType: LoadBalancer
      traits:
        - { type: scaler, properties: { replicas: 2 } }
        - type: service-binding
          properties:
            envMappings:
              DB_HOST: { secret: db-conn, key: DB_HOST }
status:
  status: running
`;

describe('KubeVela documents over HTTP (local environment)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  const put = (name: string, body: string, dryRun = true) =>
    request(t.server)
      .put(`${base}/${name}${dryRun ? '?dryRun=true' : ''}`)
      .set('Content-Type', 'application/yaml')
      .send(body);

  it('dry-runs a document pasted from kubectl: namespace kept, KubeVela defaults applied, warnings listed', async () => {
    const answer = await put('shop', PASTED);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.dryRun).toBe(true);
    expect(answer.body.metadata).toMatchObject({ name: 'shop', namespace: 'default' });
    const db = answer.body.spec.components.find((c: { name: string }) => c.name === 'db');
    expect(db).toMatchObject({
      type: 'rds',
      properties: {
        engine: 'mysql',
        engineVersion: '8.0',
        instanceClass: 'rds.mysql.c1.large',
        storageGB: 20,
        databaseName: 'dblinks',
        accountName: 'shop',
        publicConnection: false,
      },
    });
    expect(answer.body.warnings.map((w: { path: string }) => w.path)).toEqual(
      expect.arrayContaining([
        '/metadata/uid',
        '/metadata/resourceVersion',
        '/status',
        '/spec/components/0/properties',
      ]),
    );
    expect(
      answer.body.warnings.find((w: { path: string }) => w.path === '/spec/components/0/properties').message,
    ).toContain('allocate_public_connection');
    await request(t.server).get(`${base}/shop`).expect(404);
  });

  it('answers 422 naming helm, and a workflow step the broker cannot carry out, as written, never a 5xx', async () => {
    const answer = await put(
      'charts',
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: charts }
spec:
  components:
    - { name: redis, type: helm, properties: { chart: redis, url: https://charts.bitnami.com/bitnami } }
  workflow:
    steps: [{ name: deploy, type: deploy }]
`,
    );
    expect(answer.status, answer.text).toBe(422);
    const messages = (answer.body.errors as Array<{ path: string; message: string }>).map(
      (e) => `${e.path} ${e.message}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/spec\/components\/0\/type component type "helm" is a KubeVela component type/),
      ]),
    );
    // A step type Berth does not run is refused by name; the webhook URL it carries is not quoted.
    const home = await put(
      'charts',
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: charts }
spec:
  components:
    - { name: web, type: webservice, properties: { image: nginx } }
  workflow:
    steps: [{ name: deploy, type: deploy }, { name: notify, type: apply-object, properties: { value: { url: "https://hooks.example/x" } } }]
`,
    );
    expect(home.status, home.text).toBe(422);
    expect(home.body.errors).toEqual(
      expect.arrayContaining([
        { path: '/spec/workflow/steps/1/type', message: expect.stringContaining('is not carried out by Berth yet') },
      ]),
    );
    expect(home.text).not.toContain('hooks.example');
    // A deploy naming no topology would deliver to the home itself: with a workflow, Berth refuses that, naming it.
    const itself = await put(
      'charts',
      `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: charts }
spec:
  components:
    - { name: web, type: webservice, properties: { image: nginx } }
  workflow:
    steps: [{ name: deploy, type: deploy }]
`,
    );
    expect(itself.status, itself.text).toBe(422);
    expect(itself.body.errors).toEqual([
      {
        path: '/spec/workflow/steps/0/properties/policies',
        message: expect.stringContaining('delivers to environment local, where the Application is PUT'),
      },
    ]);
  });

  it('refuses a binding of DB_PUBLIC_HOST on an alias component without allocate_public_connection, naming it', async () => {
    const answer = await put(
      'public',
      PASTED.replace('DB_HOST: { secret: db-conn, key: DB_HOST }', 'DB_HOST: { secret: db-conn, key: DB_PUBLIC_HOST }'),
    );
    expect(answer.status, answer.text).toBe(422);
    expect(answer.body.errors).toContainEqual({
      path: '/spec/components/1/traits/1/properties/envMappings/DB_HOST/key',
      message: expect.stringContaining('allocate_public_connection: true'),
    });
  });

  it("on an alicloud environment, an alibaba-rds naming no vswitch_id goes into the profile's default network, or is a 422 naming vswitch_id", async () => {
    const environment = (name: string, settings: Record<string, unknown>) =>
      request(t.server)
        .put(`/v1/environments/${name}?allowUnavailable=true`)
        .send({
          provider: { kind: 'alicloud', settings: { region: 'cn-hangzhou', ...settings } },
          runtime: { kind: 'local' },
        });
    expect((await environment('ali-bare', {})).status).toBe(201);
    expect(
      (await environment('ali-net', { defaultNetwork: { vswitchId: 'vsw-default1', cidr: '10.8.0.0/16' } })).status,
    ).toBe(201);
    const refused = await environment('ali-bad', { defaultVswitch: 'subnet-1' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { path: '/provider/settings/defaultVswitch', message: 'defaultVswitch must be a vSwitch id (vsw-…)' },
    ]);

    const rds = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: rds-cloud-source }
spec:
  components:
    - name: sample-db
      type: alibaba-rds
      properties:
        instance_name: sample-db
        account_name: oamtest
        password: U34rfwefwefffaked
        writeConnectionSecretToRef: { name: db-conn }
`;
    // plan=true: the dry run without the adapter availability check (no pulumi CLI here), the component checks run.
    const dryRun = (env: string) =>
      request(t.server)
        .put(`/v1/environments/${env}/applications/rds-cloud-source?dryRun=true&plan=true`)
        .set('Content-Type', 'application/yaml')
        .send(rds);
    const bare = await dryRun('ali-bare');
    expect(bare.status, bare.text).toBe(422);
    expect(bare.body.errors).toEqual([
      { path: '/spec/components/0/properties', message: expect.stringContaining('set vswitch_id (vswitchId)') },
    ]);
    const placed = await dryRun('ali-net');
    expect(placed.status, placed.text).toBe(200);
    expect(placed.body.spec.components[0].properties).not.toHaveProperty('vswitchId');
    await request(t.server).get('/v1/environments/ali-net/applications/rds-cloud-source').expect(404);
  });

  it('on the local environment, a binding of a Secret the application does not create is a 422 naming it', async () => {
    const answer = await put(
      'shop',
      PASTED.replace(
        'DB_HOST: { secret: db-conn, key: DB_HOST }',
        'DB_PASSWORD: { secret: legacy-db-credentials, key: password }',
      ),
    );
    expect(answer.status, answer.text).toBe(422);
    expect(answer.body.errors).toEqual([
      {
        path: '/spec/components/1/traits/1/properties/envMappings/DB_PASSWORD/secret',
        message: expect.stringMatching(
          /^binds Secret "legacy-db-credentials", which this application does not create: the local runtime has no Secrets/,
        ),
      },
    ]);
  });
});
