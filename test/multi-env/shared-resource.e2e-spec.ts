import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { BACKENDS } from '../support/test-app';
import { expectSucceeded, localInventory, multiEnvSuite, workloadVariables } from './support/multi-env-suite';
import { waitForWorkflow, workflowPhaseIn } from './support/workflow-wait';

warnSkippedWithoutPostgres('shared cloud resources');

/** One rds shared by the deliveries to dev and staging; each environment's web binds it. */
const COMMON = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: common
spec:
  components:
    - name: db
      type: rds
      properties: { engine: postgresql }
    - name: web
      type: webservice
      properties: { image: "common:1" }
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_URL: { secret: db }
              DATABASE_NAME: { secret: db }
  policies:
    - name: both
      type: topology
      properties: { clusters: [dev, staging] }
    - name: share-db
      type: shared-resource
      properties:
        rules:
          - selector: { componentNames: [db] }
`;

type Delivery = { environment: string; outcome: string; operation?: { id: string } };

describe.each(BACKENDS)('a shared rds used by two environments on $name', ({ name: backend, skip }) => {
  const t = multiEnvSuite(backend, skip);

  const app = (env: string) => `/v1/environments/${env}/applications/common`;
  const put = (yaml: string) =>
    request(t().server).put(app('local')).set('Content-Type', 'application/yaml').send(yaml);

  const waitAll = (operations: Array<{ id: string } | undefined>) => expectSucceeded(t().server, operations);
  const variables = (env: string) => workloadVariables(t().server, app(env));
  const inventory = () => localInventory(t().dataDir);

  /** The home's workflow phase once the run has finished (succeeded or failed), waiting up to 10 minutes. */
  async function workflowPhase(): Promise<string> {
    const goal = workflowPhaseIn('succeeded', 'failed');
    return (await waitForWorkflow(() => t().server, app('local'), goal, { timeoutMs: 600_000, intervalMs: 200 })).phase;
  }

  async function query<T>(url: string, sql: string): Promise<T[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it.skipIf(skip)(
    'refuses sharing between environments whose provider profiles differ, naming both; stores nothing',
    async () => {
      const qa = await request(t().server)
        .put('/v1/environments/qa')
        .send({
          provider: { kind: 'test', settings: { inventoryPath: join(t().dataDir, 'qa-inventory.json') } },
          runtime: { kind: 'local' },
        });
      expect(qa.status, qa.text).toBe(201);
      const problem = expectProblem(await put(COMMON.replace('[dev, staging]', '[dev, qa]')), 422);
      const error = problem.errors.find((e) => e.path === '/spec/policies/1');
      expect(error?.message, JSON.stringify(problem.errors)).toMatch(
        /shares component db between environments dev and qa, whose provider profiles differ \(local and test\)/,
      );
      // Which environment makes a shared component is Berth's to write, not the document's.
      const plain = COMMON.slice(0, COMMON.indexOf('  policies:')).replace(
        'name: common\n',
        "name: common\n  annotations: { berth.dev/shared-components: 'db=dev' }\n",
      );
      const written = expectProblem(
        await request(t().server).put(app('dev')).set('Content-Type', 'application/yaml').send(plain),
        422,
      );
      expect(written.errors[0]!.path).toBe('/metadata/annotations/berth.dev~1shared-components');
      for (const env of ['local', 'dev', 'qa']) expectProblem(await request(t().server).get(app(env)), 404);
    },
  );

  it.skipIf(skip)(
    'provisions the rds once, binds it in both environments, and destroys it with the last delivery',
    { timeout: 900_000 },
    async () => {
      const answer = await put(COMMON);
      expect(answer.status, answer.text).toBe(201);
      // KubeVela's default workflow: the home's run deploys the topology (both environments at once).
      await waitAll([answer.body.operation]);
      expect(await workflowPhase()).toBe('succeeded');
      for (const env of ['dev', 'staging']) {
        const body = (await request(t().server).get(app(env)).expect(200)).body;
        expect(body.metadata.deliveredFrom, env).toBe('local');
      }

      // One database in the provider, whichever delivery made it.
      const made = await inventory();
      expect(made.filter((file) => file.startsWith('rds-'))).toHaveLength(1);

      // Both environments' workloads got credentials that log in to the same database: a row written through
      // dev's credentials is read through staging's.
      const dev = await variables('dev');
      const staging = await variables('staging');
      expect(dev.DATABASE_NAME).toBe(staging.DATABASE_NAME);
      await query(dev.DB_URL!, 'create table shared_check (note text)');
      await query(dev.DB_URL!, "insert into shared_check values ('from dev')");
      expect(await query<{ note: string }>(staging.DB_URL!, 'select note from shared_check')).toEqual([
        { note: 'from dev' },
      ]);
      for (const env of ['dev', 'staging']) {
        const body = (await request(t().server).get(app(env)).expect(200)).body;
        expect(body.status.phase, env).toBe('Ready');
      }

      // The same PUT again changes nothing anywhere.
      const run = (await request(t().server).get(app('local')).expect(200)).body.status.workflow;
      const again = await put(COMMON);
      expect(again.status, again.text).toBe(200);
      expect(again.body.deliveries).toBeUndefined();
      expect((await request(t().server).get(app('local')).expect(200)).body.status.workflow).toEqual(run);

      // Its credentials are bound in both environments: rotating them from one is refused, by name.
      const rotation = expectProblem(await request(t().server).post(`${app('staging')}/components/db:rotate`), 422);
      expect(rotation.detail).toContain('shared-resource policy');

      // dev leaves the topology: its delivery goes, the database stays for staging (whoever made it).
      const onlyStaging = await put(COMMON.replace('[dev, staging]', '[staging]'));
      expect(onlyStaging.status, onlyStaging.text).toBe(200);
      const devGone = (onlyStaging.body.deliveries as Delivery[]).find((d) => d.environment === 'dev')!;
      expect(devGone.outcome).toBe('deleting');
      await waitAll([onlyStaging.body.operation, devGone.operation]);
      expectProblem(await request(t().server).get(app('dev')), 404);
      expect(await query<{ note: string }>(staging.DB_URL!, 'select note from shared_check')).toEqual([
        { note: 'from dev' },
      ]);
      expect((await inventory()).filter((file) => file.startsWith('rds-'))).toHaveLength(1);
      expect((await variables('staging')).DB_URL).toBe(staging.DB_URL);

      // Deleting the home deletes the last delivery, and the database with it: nothing left in the provider.
      const deletion = await request(t().server).delete(app('local')).expect(202);
      const gone = deletion.body.deliveries as Delivery[];
      expect(gone.map((d) => d.environment)).toEqual(['staging']);
      await waitAll([deletion.body.operation, ...gone.map((d) => d.operation)]);
      for (const env of ['local', 'dev', 'staging']) expectProblem(await request(t().server).get(app(env)), 404);
      await expect(query(staging.DB_URL!, 'select 1')).rejects.toThrow();
      expect(await inventory()).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'the home itself as a target shares its rds with another environment',
    { timeout: 900_000 },
    async () => {
      const answer = await put(COMMON.replace('[dev, staging]', '[local, dev]'));
      expect(answer.status, answer.text).toBe(201);
      await waitAll([answer.body.operation, ...(answer.body.deliveries as Delivery[]).map((d) => d.operation)]);
      const home = await variables('local');
      const dev = await variables('dev');
      expect(home.DB_URL).toBe(dev.DB_URL);
      await query(home.DB_URL!, 'select 1');
      expect((await inventory()).filter((file) => file.startsWith('rds-'))).toHaveLength(1);

      const deletion = await request(t().server).delete(app('local')).expect(202);
      await waitAll([deletion.body.operation, ...(deletion.body.deliveries as Delivery[]).map((d) => d.operation)]);
      await expect(query(dev.DB_URL!, 'select 1')).rejects.toThrow();
      expect(await inventory()).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'a workflow deploying dev then staging: dev makes the rds, staging takes it',
    { timeout: 900_000 },
    async () => {
      const staged = COMMON.replace(
        `    - name: both
      type: topology
      properties: { clusters: [dev, staging] }`,
        `    - name: dev
      type: topology
      properties: { clusters: [dev] }
    - name: staging
      type: topology
      properties: { clusters: [staging] }`,
      ).concat(`  workflow:
    steps:
      - { name: deploy-dev, type: deploy, properties: { policies: [dev] } }
      - { name: deploy-staging, type: deploy, properties: { policies: [staging] } }
`);
      const answer = await put(staged);
      expect(answer.status, answer.text).toBe(201);
      expect(await workflowPhase()).toBe('succeeded');
      const dev = await variables('dev');
      const staging = await variables('staging');
      expect(staging.DB_URL).toBe(dev.DB_URL);
      const delivery = (await request(t().server).get(app('staging')).expect(200)).body;
      expect(delivery.metadata.annotations['berth.dev/shared-components']).toBe('db=dev');
      expect((await inventory()).filter((file) => file.startsWith('rds-'))).toHaveLength(1);

      const deletion = await request(t().server).delete(app('local')).expect(202);
      await waitAll([deletion.body.operation, ...(deletion.body.deliveries as Delivery[]).map((d) => d.operation)]);
      await expect(query(dev.DB_URL!, 'select 1')).rejects.toThrow();
      expect(await inventory()).toEqual([]);
    },
  );
});
