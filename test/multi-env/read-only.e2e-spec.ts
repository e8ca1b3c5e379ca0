import { Client } from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { waitForOperation } from '../lifecycle/support/lifecycle-harness';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { BACKENDS } from '../support/test-app';
import { localInventory, multiEnvSuite, queuedOperations, workloadVariables } from './support/multi-env-suite';

warnSkippedWithoutPostgres('read-only');

/** An rds and a workload binding it; `READ_ONLY` only reads the rds. */
const KEPT = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ledger
spec:
  components:
    - name: db
      type: rds
      properties: { engine: postgresql, deletionPolicy: Retain }
    - name: web
      type: webservice
      properties: { image: "ledger:1" }
      traits:
        - type: service-binding
          properties: { envMappings: { DB_URL: { secret: db } } }
`;
const READ_ONLY = `${KEPT.replace(', deletionPolicy: Retain', '')}  policies:
    - name: observe-db
      type: read-only
      properties:
        rules:
          - selector: { componentTypes: [rds] }
`;

describe.each(BACKENDS)('read-only on $name', ({ name: backend, skip }) => {
  const t = multiEnvSuite(backend, skip);
  const at = (app: string) => `/v1/environments/dev/applications/${app}`;
  const put = (app: string, yaml: string) =>
    request(t().server)
      .put(at(app))
      .set('Content-Type', 'application/yaml')
      .send(yaml.replace('name: ledger', `name: ${app}`));

  async function finished(answer: request.Response): Promise<Array<{ state: string; error?: unknown }>> {
    expect(answer.status, answer.text).toBeLessThan(300);
    const done = [];
    for (const operation of queuedOperations(answer))
      if (operation) done.push(await waitForOperation(t().server, operation.id, 300_000));
    return done as Array<{ state: string; error?: unknown }>;
  }

  async function databaseOf(app: string): Promise<{ url: string; name: string }> {
    const url = (await workloadVariables(t().server, at(app))).DB_URL!;
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return { url, name: (await client.query('select current_database() as name')).rows[0].name as string };
    } finally {
      await client.end();
    }
  }

  it.skipIf(skip)('a read-only rule covering a workload or a trait is a 422 at the policy', async () => {
    for (const [bad, path] of [
      [READ_ONLY.replace('componentTypes: [rds]', 'componentNames: [web]'), '/spec/policies/0/properties'],
      [
        READ_ONLY.replace('componentTypes: [rds]', 'traitTypes: [service-binding]'),
        '/spec/policies/0/properties/rules/0/selector',
      ],
    ] as const) {
      const problem = expectProblem(await put('ledger', bad), 422);
      expect(
        problem.errors.some((e) => e.path === path),
        `${path} in ${JSON.stringify(problem.errors)}`,
      ).toBe(true);
    }
    expectProblem(await request(t().server).get(at('ledger')), 404);
  });

  it.skipIf(skip)(
    'without an existing resource the apply fails, saying so, and creates nothing',
    { timeout: 600_000 },
    async () => {
      const [done] = await finished(await put('ghost', READ_ONLY));
      expect(done!.state).toBe('Failed');
      expect(JSON.stringify(done)).toMatch(/db is read-only \(read-only policy\) and no resource of it exists here/);
      const delivered = await request(t().server).get(`${at('ghost')}/components/web/env?reveal=true`);
      expect(delivered.status).not.toBe(200);
      // Nothing was made in the provider.
      expect((await localInventory(t().dataDir)).filter((file) => file.startsWith('rds-'))).toEqual([]);
      await finished(await request(t().server).delete(at('ghost')).expect(202));
    },
  );

  it.skipIf(skip)(
    'reads a database an earlier application kept, binds it, and leaves it when deleted',
    { timeout: 900_000 },
    async () => {
      for (const done of await finished(await put('ledger', KEPT))) expect(done.state).toBe('Succeeded');
      const kept = await databaseOf('ledger');
      for (const done of await finished(await request(t().server).delete(at('ledger')).expect(202)))
        expect(done.state).toBe('Succeeded');

      for (const done of await finished(await put('ledger', READ_ONLY)))
        expect(done.state, JSON.stringify(done)).toBe('Succeeded');
      const read = await databaseOf('ledger');
      expect(read).toEqual(kept);
      const body = (await request(t().server).get(at('ledger')).expect(200)).body;
      expect(body.spec.components[0].properties.deletionPolicy).toBe('Retain');

      for (const done of await finished(await request(t().server).delete(at('ledger')).expect(202)))
        expect(done.state).toBe('Succeeded');
      const client = new Client({ connectionString: kept.url });
      await client.connect();
      expect((await client.query('select 1 as one')).rows[0].one).toBe(1);
      await client.end();
    },
  );
});
