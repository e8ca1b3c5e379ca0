/* eslint-disable @typescript-eslint/no-explicit-any -- the assertions walk into untyped manifest JSON */
import { Client } from 'pg';
import { parseAllDocuments } from 'yaml';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, waitForOperation } from '../lifecycle/support/lifecycle-harness';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { validateRenderedObject } from '../support/validate-rendered-object';
import { BACKENDS, type TestApp } from '../support/test-app';
import { ENVIRONMENTS, startMultiEnvApp } from './support/multi-env-app';
import { RUN_ENDED, waitForWorkflow, type WorkflowStatus } from './support/workflow-wait';

warnSkippedWithoutPostgres('multi-environment deliveries');

/** vpc + rds + oss + webservice, delivered by an env-binding: staging gets another image, prod replicas and storage. */
const SHOP = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: net
      type: vpc
    - name: db
      type: rds
      properties:
        engine: postgresql
        network: net
        storageGB: 20
    - name: files
      type: oss
    - name: web
      type: webservice
      properties:
        image: shop:1
        replicas: 1
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_URL: { secret: db }
              DATABASE_NAME: { secret: db }
              BUCKET_NAME: { secret: files }
  policies:
    - name: envs
      type: env-binding
      properties:
        envs:
          - name: dev
            placement: { clusterSelector: { name: dev } }
          - name: staging
            placement: { clusterSelector: { name: staging } }
            patch:
              components:
                - { name: web, type: webservice, properties: { image: "shop:2" } }
          - name: prod
            placement: { clusterSelector: { labels: { tier: prod } } }
            patch:
              components:
                - { name: web, type: webservice, properties: { replicas: 3 } }
                - { name: db, type: rds, properties: { storageGB: 50 } }
`;

type Delivery = { environment: string; outcome: string; operation?: { id: string } };

describe.each(BACKENDS)('one Application delivered to dev, staging and prod on $name', ({ name: backend, skip }) => {
  let t: TestApp;

  const app = (env: string) => `/v1/environments/${env}/applications/shop`;
  const put = (env: string, yaml: string) =>
    request(t.server).put(app(env)).set('Content-Type', 'application/yaml').send(yaml);

  async function waitAll(operations: Array<{ id: string } | undefined>): Promise<void> {
    for (const operation of operations) {
      if (!operation) continue;
      const done = await waitForOperation(t.server, operation.id, 240_000);
      expect(done.state, JSON.stringify(done)).toBe('Succeeded');
    }
  }

  /** Without spec.workflow the deliveries go one topology after the other (a generated run): waits until it ends. */
  const delivered = () =>
    waitForWorkflow<WorkflowStatus & { revision: string }>(() => t.server, app('local'), RUN_ENDED);

  async function variables(env: string): Promise<Record<string, string>> {
    const answer = await request(t.server)
      .get(`${app(env)}/components/web/env?reveal=true`)
      .expect(200);
    return Object.fromEntries(
      (answer.body.variables as Array<{ name: string; value: string }>).map((v) => [v.name, v.value]),
    );
  }

  beforeAll(async () => {
    if (skip) return;
    t = await startMultiEnvApp(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it.skipIf(skip)('refuses bad policies at PUT with paths into the document, and stores nothing anywhere', async () => {
    const cases: Array<[string, string]> = [
      [SHOP.replace('labels: { tier: prod }', 'labels: { tier: nowhere }'), '/spec/policies/0/properties/envs/2'],
      [
        SHOP.replace('{ name: db, type: rds, properties', '{ name: dbx, properties'),
        '/spec/policies/0/properties/envs/2',
      ],
      [SHOP.replace('type: env-binding', 'type: replication'), '/spec/policies/0/type'],
      [
        SHOP.replace('clusterSelector: { name: dev }', 'clusterSelector: { name: qa }'),
        '/spec/policies/0/properties/envs/0',
      ],
      // An override that makes prod's rds invalid is refused naming prod and the component as written.
      [
        SHOP.replace('properties: { storageGB: 50 }', 'properties: { storageGB: -5 }'),
        '/spec/components/1/properties/storageGB',
      ],
    ];
    for (const [yaml, path] of cases) {
      const problem = expectProblem(await put('local', yaml), 422);
      expect(
        problem.errors.some((e) => e.path.startsWith(path)),
        `${path} in ${JSON.stringify(problem.errors)}`,
      ).toBe(true);
    }
    for (const env of ['local', ...ENVIRONMENTS]) expectProblem(await request(t.server).get(app(env)), 404);
  });

  it.skipIf(skip)(
    'a topology delivers only where the caller may deploy itself: 403 naming the environment',
    async () => {
      const token = await request(t.server)
        .post('/v1/tokens')
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            name: 'dev-team',
            roles: [
              { role: 'developer', scope: 'environment:local' },
              { role: 'developer', scope: 'environment:dev' },
              { role: 'viewer', scope: 'environment:staging' },
            ],
          }),
        );
      expect(token.status, token.text).toBe(201);
      const asDevTeam = (yaml: string, query = '') =>
        request(t.server)
          .put(`${app('local')}${query}`)
          .set('Authorization', `Bearer ${token.body.token as string}`)
          .set('Content-Type', 'application/yaml')
          .send(yaml);
      for (const query of ['', '?dryRun=true', '?dryRun=true&plan=true']) {
        const problem = expectProblem(await asDevTeam(SHOP, query), 403);
        // staging is named (the token has a role there); prod is not, the token has no role in it.
        expect(problem.detail).toContain('environment staging and 1 environment you have no role in');
        expect(problem.detail).not.toContain('prod');
      }
      for (const env of ['local', ...ENVIRONMENTS]) expectProblem(await request(t.server).get(app(env)), 404);
    },
  );

  it.skipIf(skip)(
    'delivers each environment its own overridden components and its own database',
    { timeout: 600_000 },
    async () => {
      // A dry-run plan first: per environment, the overridden components and what its apply would do; nothing stored.
      const planned = await request(t.server)
        .put(`${app('local')}?dryRun=true&plan=true`)
        .set('Content-Type', 'application/yaml')
        .send(SHOP);
      expect(planned.status, planned.text).toBe(200);
      expect(planned.body.plan).toBeUndefined(); // the home gets nothing of its own
      const plans = planned.body.deliveries as Array<{
        environment: string;
        spec: { components: Array<{ name: string; properties: Record<string, unknown> }> };
        plan: { environment: string; components: Array<{ name: string; action: string }> };
      }>;
      expect(plans.map((p) => [p.environment, p.plan.environment])).toEqual([
        ['dev', 'dev'],
        ['staging', 'staging'],
        ['prod', 'prod'],
      ]);
      expect(plans.map((p) => p.spec.components.find((c) => c.name === 'web')!.properties.image)).toEqual([
        'shop:1',
        'shop:2',
        'shop:1',
      ]);
      for (const p of plans) {
        expect(p.plan.components.map((c) => [c.name, c.action]).sort()).toEqual([
          ['db', 'create'],
          ['files', 'create'],
          ['net', 'create'],
          ['web', 'deliver'],
        ]);
      }
      for (const env of ['local', ...ENVIRONMENTS]) expectProblem(await request(t.server).get(app(env)), 404);

      const answer = await put('local', SHOP);
      expect(answer.status, answer.text).toBe(201);
      // KubeVela's default workflow: the PUT writes no delivery itself; each env is a deploy, in policy order.
      expect(answer.body.deliveries).toBeUndefined();
      // The home (local) is not selected by any env: it holds the policies and provisions nothing of its own.
      expect(answer.body.spec.components).toEqual([]);
      await waitAll([answer.body.operation]);
      const workflow = await delivered();
      expect(workflow.phase).toBe('succeeded');
      expect(workflow.steps.map((s) => [s.name, s.phase])).toEqual([
        ['deploy-envs-dev', 'succeeded'],
        ['deploy-envs-staging', 'succeeded'],
        ['deploy-envs-prod', 'succeeded'],
      ]);
      // One after the other: staging started only once dev had succeeded, prod once staging had.
      const log = (await events(t.server, answer.body.operation.id)).map((e) => e.message);
      const at = (message: string) => log.indexOf(`workflow: ${message}`);
      expect(at('step deploy-envs-dev: dev succeeded')).toBeGreaterThanOrEqual(0);
      expect(at('step deploy-envs-staging started (attempt 1)')).toBeGreaterThan(
        at('step deploy-envs-dev: dev succeeded'),
      );
      expect(at('step deploy-envs-prod started (attempt 1)')).toBeGreaterThan(
        at('step deploy-envs-staging: staging succeeded'),
      );

      type Component = { name: string; properties: Record<string, unknown> };
      const specs: Record<string, Component[]> = Object.fromEntries(
        await Promise.all(
          ENVIRONMENTS.map(async (env) => {
            const body = (await request(t.server).get(app(env)).expect(200)).body;
            expect(body.metadata.deliveredFrom).toBe('local');
            expect(body.status.phase).toBe('Ready');
            return [env, body.spec.components as Component[]];
          }),
        ),
      );
      const prop = (env: string, component: string, key: string) =>
        specs[env]!.find((c) => c.name === component)!.properties[key];
      expect([prop('dev', 'web', 'image'), prop('staging', 'web', 'image'), prop('prod', 'web', 'image')]).toEqual([
        'shop:1',
        'shop:2',
        'shop:1',
      ]);
      expect([prop('dev', 'web', 'replicas'), prop('prod', 'web', 'replicas')]).toEqual([1, 3]);
      expect([prop('staging', 'db', 'storageGB'), prop('prod', 'db', 'storageGB')]).toEqual([20, 50]);

      // The overrides land in what each environment renders: schema-valid Deployments with staging's image and
      // prod's replicas.
      const deployments: Record<string, { image: string; replicas: number }> = {};
      for (const env of ENVIRONMENTS) {
        const text = (
          await request(t.server)
            .get(`${app(env)}/manifests`)
            .buffer(true)
            .parse((res, done) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (body += chunk));
              res.on('end', () => done(null, body));
            })
            .expect(200)
        ).body as string;
        const objects = parseAllDocuments(text)
          .map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string }; spec?: any })
          .filter((o) => o !== null);
        for (const object of objects) expect(() => validateRenderedObject(object), object.kind).not.toThrow();
        const web = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web')!;
        deployments[env] = { image: web.spec.template.spec.containers[0].image, replicas: web.spec.replicas };
      }
      expect(deployments).toEqual({
        dev: { image: 'shop:1', replicas: 1 },
        staging: { image: 'shop:2', replicas: 1 },
        prod: { image: 'shop:1', replicas: 3 },
      });

      // Each environment got its own database: the injected credentials log in to three different ones.
      const databases: string[] = [];
      for (const env of ENVIRONMENTS) {
        const vars = await variables(env);
        const client = new Client({ connectionString: vars.DB_URL });
        await client.connect();
        databases.push((await client.query('select current_database() as name')).rows[0].name as string);
        await client.end();
        expect(databases.at(-1)).toBe(vars.DATABASE_NAME);
      }
      expect(new Set(databases).size).toBe(3);

      // The home shows every environment's status.
      const home = (await request(t.server).get(app('local')).expect(200)).body;
      expect(
        (home.status.deliveries as Array<{ environment: string; phase: string }>).map((d) => [d.environment, d.phase]),
      ).toEqual([
        ['dev', 'Ready'],
        ['prod', 'Ready'],
        ['staging', 'Ready'],
      ]);

      // The same PUT again changes nothing anywhere.
      const again = await put('local', SHOP);
      expect(again.status, again.text).toBe(200);
      expect(again.body.unchanged).toBe(true);
      expect(again.body.deliveries).toBeUndefined();
      expect(again.body.status.workflow).toMatchObject({ phase: 'succeeded', revision: workflow.revision });
    },
  );

  it.skipIf(skip)(
    'a topology that includes the home is written at once by the PUT, as before; no topology: no workflow run',
    { timeout: 600_000 },
    async () => {
      const yaml = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: both }
spec:
  components:
    - { name: web, type: webservice, properties: { image: "both:1" } }
  policies:
    - { name: here-and-dev, type: topology, properties: { clusters: [local, dev] } }
`;
      const at = '/v1/environments/local/applications/both';
      const answer = await request(t.server).put(at).set('Content-Type', 'application/yaml').send(yaml);
      expect(answer.status, answer.text).toBe(201);
      expect((answer.body.deliveries as Delivery[]).map((d) => [d.environment, d.outcome])).toEqual([
        ['dev', 'created'],
      ]);
      expect(answer.body.spec.components.map((c: { name: string }) => c.name)).toEqual(['web']);
      await waitAll([answer.body.operation, ...(answer.body.deliveries as Delivery[]).map((d) => d.operation)]);
      const home = (await request(t.server).get(at).expect(200)).body;
      expect(home.status.workflow).toBeUndefined();
      expect(home.status.phase).toBe('Ready');
      expect(
        (await request(t.server).get('/v1/environments/dev/applications/both').expect(200)).body.status.phase,
      ).toBe('Ready');
      const plain = await request(t.server)
        .put('/v1/environments/dev/applications/plain')
        .set('Content-Type', 'application/yaml')
        .send(yaml.replace('name: both', 'name: plain').slice(0, yaml.indexOf('  policies:')));
      expect(plain.status, plain.text).toBe(201);
      expect(plain.body.deliveries).toBeUndefined();
      expect(plain.body.status.workflow).toBeUndefined();
      for (const done of [at, '/v1/environments/dev/applications/plain']) {
        const deletion = await request(t.server).delete(done).expect(202);
        await waitAll([
          deletion.body.operation,
          ...((deletion.body.deliveries ?? []) as Delivery[]).map((d) => d.operation),
        ]);
      }
    },
  );

  it.skipIf(skip)('a delivery is changed and deleted only through its home; a foreign name is a 409', async () => {
    const direct = SHOP.slice(0, SHOP.indexOf('  policies:'));
    const refused = expectProblem(await put('staging', direct), 409);
    expect(refused.detail).toContain('delivered by the application shop of environment local');
    expectProblem(await request(t.server).delete(app('prod')), 409);

    // Another Application named shop at home in dev would take over staging's delivery: refused, nothing stored.
    const rival = SHOP.replace('clusterSelector: { name: dev }', 'clusterSelector: { name: staging }');
    const conflict = expectProblem(await put('dev', rival), 409);
    expect(conflict.detail).toMatch(/environment (dev|staging)/);
  });

  it.skipIf(skip)(
    'garbage-collect onAppDelete/orphan keeps a database when its application is deleted; what it cannot do is a 422',
    { timeout: 600_000 },
    async () => {
      const kept = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: keeper }
spec:
  components:
    - { name: db, type: rds, properties: { engine: postgresql } }
    - name: web
      type: webservice
      properties: { image: "keeper:1" }
      traits:
        - type: service-binding
          properties: { envMappings: { DB_URL: { secret: db } } }
  policies:
    - name: keep-db
      type: garbage-collect
      properties:
        rules:
          - selector: { componentNames: [db] }
            strategy: onAppDelete
            propagation: orphan
`;
      const at = '/v1/environments/dev/applications/keeper';
      const send = (yaml: string) => request(t.server).put(at).set('Content-Type', 'application/yaml').send(yaml);
      for (const bad of [
        kept.replace('        rules:', '        keepLegacyResource: true\n        rules:').replace('[db]', '[web]'),
        kept.replace('[db]', '[web]'),
        kept.replace('componentNames: [db]', 'traitTypes: [service-binding]'),
      ]) {
        const problem = expectProblem(await send(bad), 422);
        expect(problem.errors[0]!.path, JSON.stringify(problem.errors)).toMatch(/^\/spec\/policies\/0\/properties/);
      }
      expectProblem(await request(t.server).get(at), 404);

      const answer = await send(kept);
      expect(answer.status, answer.text).toBe(201);
      expect(answer.body.spec.components[0].properties.deletionPolicy).toBe('Retain');
      await waitAll([answer.body.operation]);
      const env = await request(t.server).get(`${at}/components/web/env?reveal=true`).expect(200);
      const url = (env.body.variables as Array<{ name: string; value: string }>).find(
        (v) => v.name === 'DB_URL',
      )!.value;

      const deletion = await request(t.server).delete(at).expect(202);
      await waitAll([deletion.body.operation]);
      expectProblem(await request(t.server).get(at), 404);
      const client = new Client({ connectionString: url });
      await client.connect();
      expect((await client.query('select 1 as one')).rows[0].one).toBe(1);
      await client.end();
    },
  );

  it.skipIf(skip)(
    'a topology that no longer selects an environment deletes that delivery; deleting the home deletes all',
    { timeout: 600_000 },
    async () => {
      const vars = await variables('prod');
      const withoutStaging = SHOP.replace(/ {10}- name: staging\n[\s\S]*?(?= {10}- name: prod)/, '');
      const answer = await put('local', withoutStaging);
      expect(answer.status, answer.text).toBe(200);
      const staging = (answer.body.deliveries as Delivery[]).find((d) => d.environment === 'staging')!;
      expect(staging.outcome).toBe('deleting');
      await waitAll([staging.operation]);
      expectProblem(await request(t.server).get(app('staging')), 404);

      const deletion = await request(t.server).delete(app('local')).expect(202);
      const gone = deletion.body.deliveries as Delivery[];
      expect(gone.map((d) => d.environment).sort()).toEqual(['dev', 'prod']);
      await waitAll([deletion.body.operation, ...gone.map((d) => d.operation)]);
      for (const env of ['local', ...ENVIRONMENTS]) expectProblem(await request(t.server).get(app(env)), 404);
      // prod's database went with it: its credentials no longer log in.
      const client = new Client({ connectionString: vars.DB_URL });
      await expect(client.connect()).rejects.toThrow();
      await client.end().catch(() => undefined);
    },
  );
});
