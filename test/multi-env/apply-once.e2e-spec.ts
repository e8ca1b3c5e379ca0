import { Client } from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { BACKENDS } from '../support/test-app';
import { expectSucceeded, multiEnvSuite, queuedOperations, workloadVariables } from './support/multi-env-suite';

warnSkippedWithoutPostgres('apply-once');

/** An rds whose account's privilege is granted once: a later change of it is not applied. */
const ONCE = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: once
spec:
  components:
    - name: db
      type: rds
      properties: { engine: postgresql, privilege: ReadOnly }
    - name: web
      type: webservice
      properties: { image: "once:1" }
      traits:
        - type: service-binding
          properties: { envMappings: { DB_URL: { secret: db } } }
  policies:
    - name: grant-once
      type: apply-once
      properties:
        enable: true
        rules:
          - selector: { componentNames: [db] }
            strategy: { path: [properties.privilege] }
`;

describe.each(BACKENDS)('apply-once on $name', ({ name: backend, skip }) => {
  const t = multiEnvSuite(backend, skip);
  const at = '/v1/environments/dev/applications/once';
  const put = (yaml: string) => request(t().server).put(at).set('Content-Type', 'application/yaml').send(yaml);

  const applied = (answer: request.Response) => {
    expect(answer.status, answer.text).toBeLessThan(300);
    return expectSucceeded(t().server, queuedOperations(answer));
  };

  /** Whether the credentials the workload got may create a table (the privilege the provider granted). */
  async function mayCreateTable(): Promise<boolean> {
    const url = (await workloadVariables(t().server, at)).DB_URL;
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('create table if not exists probe (v int)');
      await client.query('drop table probe');
      return true;
    } catch (error) {
      expect((error as { code?: string }).code).toBe('42501');
      return false;
    } finally {
      await client.end();
    }
  }

  it.skipIf(skip)('refuses what Berth does not apply once, at the policy, storing nothing', async () => {
    for (const [bad, path] of [
      [ONCE.replace(/ {8}rules:\n[\s\S]*$/, ''), '/spec/policies/0/properties'],
      [
        ONCE.replace('componentNames: [db]', 'traitTypes: [service-binding]'),
        '/spec/policies/0/properties/rules/0/selector',
      ],
      [ONCE.replace('componentNames: [db]', 'componentNames: [web]'), '/spec/policies/0/properties'],
    ] as const) {
      const problem = expectProblem(await put(bad), 422);
      expect(
        problem.errors.some((e) => e.path === path),
        `${path} in ${JSON.stringify(problem.errors)}`,
      ).toBe(true);
    }
    expectProblem(await request(t().server).get(at), 404);
  });

  it.skipIf(skip)(
    'a later change of an apply-once path is stored but not applied; without the policy it is',
    { timeout: 900_000 },
    async () => {
      await applied(await put(ONCE));
      expect(await mayCreateTable()).toBe(false);

      const widened = ONCE.replace('privilege: ReadOnly', 'privilege: ReadWrite');
      const answer = await put(widened);
      expect(answer.status, answer.text).toBe(200);
      await applied(answer);
      const body = (await request(t().server).get(at).expect(200)).body;
      expect(body.spec.components[0].properties.privilege).toBe('ReadWrite');
      expect(body.metadata.annotations['berth.dev/apply-once']).toContain('privilege');
      expect(await mayCreateTable()).toBe(false);

      // The policy gone, the same spec is applied: the provider does grant it.
      await applied(await put(widened.slice(0, widened.indexOf('  policies:'))));
      expect(await mayCreateTable()).toBe(true);

      const deletion = await request(t().server).delete(at).expect(202);
      await applied(deletion);
    },
  );
});
