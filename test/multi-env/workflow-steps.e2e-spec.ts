import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationRepository, ManagedResourceRepository } from '@berth/persistence';
import { events, waitForOperation } from '../lifecycle/support/lifecycle-harness';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { SecretStore } from '../../apps/broker/src/secrets/secret-store';
import { BACKENDS, type TestApp } from '../support/test-app';
import { startMultiEnvApp } from './support/multi-env-app';
import { RUN_ENDED, waitForWorkflowAnswer } from './support/workflow-wait';

warnSkippedWithoutPostgres('workflow apply-component, notification and webhook steps');

/** The token part of a webhook URL: a secret that must show up nowhere (status, events, errors). */
const TOKEN = 'T0KEN-hooks-5ecret';
const PASSWORD = 'Apply-c0mponent-pa55';

type Step = { name: string; phase: string; reason?: string; message?: string; attempts: number };
type Workflow = { phase: string; steps: Step[] };

/** A real HTTP server standing in for Slack and a webhook receiver: answers by path, records every request. */
async function startReceiver(): Promise<{ server: Server; url: (path: string) => string; received: Received[] }> {
  const received: Received[] = [];
  const answered = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, method: req.method ?? '', type: req.headers['content-type'], body: JSON.parse(body) });
      const count = (answered.get(path) ?? 0) + 1;
      answered.set(path, count);
      // flaky: two 503s, then 200; missing: always 404; anything else 200.
      const status = path.startsWith('/flaky/') && count <= 2 ? 503 : path.startsWith('/missing/') ? 404 : 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`answered ${status} for ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, received, url: (path) => `http://127.0.0.1:${port}${path}` };
}
interface Received {
  path: string;
  method: string;
  type?: string;
  body: unknown;
}

describe.each(BACKENDS)('workflow steps beyond deploy on $name', ({ name: backend, skip }) => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const app = (env: string, name: string) => `/v1/environments/${env}/applications/${name}`;
  const put = (name: string, yaml: string) =>
    request(t.server).put(app('local', name)).set('Content-Type', 'application/yaml').send(yaml);

  /** Waits for the run of `name` to end; answers its workflow, the home's GET text and its last operation. */
  async function finished(name: string): Promise<{ workflow: Workflow; text: string; operation: string }> {
    const { workflow, answer } = await waitForWorkflowAnswer<Workflow>(() => t.server, app('local', name), RUN_ENDED);
    return { workflow, text: answer.text, operation: answer.body.status.lastOperation.id };
  }
  const step = (w: Workflow, name: string) => w.steps.find((s) => s.name === name)!;

  beforeAll(async () => {
    if (skip) return;
    receiver = await startReceiver();
    t = await startMultiEnvApp(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it.skipIf(skip)(
    'apply-component writes one component into an environment; notification and webhook post JSON, retried on 5xx',
    { timeout: 600_000 },
    async () => {
      // The webhook's URL lives in a connection secret of the home environment (the "hooks" secret of app vault).
      const holder = await put(
        'vault',
        `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: vault }
spec:
  components:
    - { name: web, type: webservice, properties: { image: vault:1 } }
`,
      );
      expect(holder.status, holder.text).toBe(201);
      // Its apply first (an apply removes resources its spec does not have), then the secret beside it.
      expect((await waitForOperation(t.server, holder.body.operation.id, 240_000)).state).toBe('Succeeded');
      const row = await t.app
        .get(ManagedResourceRepository)
        .upsert(
          { environmentName: 'local', applicationName: 'vault', component: 'hooks' },
          { type: 'vpc', category: 'cloud', phase: 'Ready' },
        );
      await t.app.get(SecretStore).publish(row.id, 'hooks', { url: receiver.url(`/hook/${TOKEN}`) }, ['url']);

      const yaml = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ship
spec:
  components:
    - name: net
      type: vpc
    - name: db
      type: rds
      properties:
        engine: postgresql
        password: ${PASSWORD}
    - name: web
      type: webservice
      properties:
        image: ship:1
      traits:
        - type: service-binding
          properties:
            envMappings:
              DB_PASSWORD: { secret: db }
  policies:
    - { name: dev, type: topology, properties: { clusters: [dev] } }
  workflow:
    steps:
      - { name: deploy-dev, type: deploy, properties: { policies: [dev] } }
      - { name: db-to-staging, type: apply-component, properties: { component: db, cluster: staging } }
      - { name: web-to-staging, type: apply-component, properties: { component: web, cluster: staging } }
      - name: tell-slack
        type: notification
        properties:
          slack:
            url: { value: "${receiver.url(`/flaky/${TOKEN}`)}" }
            message: { text: "ship is in dev and staging" }
      - { name: hook, type: webhook, properties: { url: { secretRef: { name: hooks, key: url } } } }
`;
      const created = await put('ship', yaml);
      expect(created.status, created.text).toBe(201);
      const { workflow, text, operation } = await finished('ship');
      expect(workflow.phase, JSON.stringify(workflow)).toBe('succeeded');

      // staging got the two components one after the other (db kept when web came), dev the whole application.
      const staging = await request(t.server).get(app('staging', 'ship')).expect(200);
      expect(staging.body.metadata.deliveredFrom).toBe('local');
      expect(staging.body.status.phase).toBe('Ready');
      expect(staging.body.spec.components.map((c: { name: string }) => c.name)).toEqual(['db', 'web']);
      const dev = await request(t.server).get(app('dev', 'ship')).expect(200);
      expect(dev.body.spec.components.map((c: { name: string }) => c.name).sort()).toEqual(['db', 'net', 'web']);
      // The literal password reached staging's workload through both writes, and never the run's stored state.
      const variables = (
        await request(t.server)
          .get(`${app('staging', 'ship')}/components/web/env?reveal=true`)
          .expect(200)
      ).body.variables as Array<{ name: string; value: string }>;
      expect(variables.find((v) => v.name === 'DB_PASSWORD')?.value).toBe(PASSWORD);
      const home = await t.app.get(ApplicationRepository).find('local', 'ship');
      expect(JSON.stringify(home?.workflow)).not.toContain(PASSWORD);
      expect(text).not.toContain(PASSWORD);

      // Slack answered 503 twice: the third attempt got through; the webhook got the step's summary.
      const slack = receiver.received.filter((r) => r.path.startsWith('/flaky/'));
      expect(slack).toHaveLength(3);
      expect(slack[2]).toMatchObject({
        method: 'POST',
        type: 'application/json',
        body: { text: 'ship is in dev and staging' },
      });
      const hook = receiver.received.filter((r) => r.path.startsWith('/hook/'));
      expect(hook).toHaveLength(1);
      expect(hook[0].body).toMatchObject({ application: 'ship', environment: 'local', step: 'hook' });
      expect(step(workflow, 'tell-slack').attempts).toBe(1); // the retries are the poster's, within one attempt

      // The URL is a secret: not in the status, the events or the stored run's view.
      const messages = JSON.stringify(await events(t.server, operation));
      for (const shown of [text, messages]) {
        expect(shown).not.toContain(TOKEN);
        expect(shown).not.toContain('127.0.0.1');
      }
      expect(messages).toContain('workflow: step web-to-staging succeeded');
    },
  );

  it.skipIf(skip)(
    'a webhook answering 404 fails its step with the status code, not the URL; a missing secretRef names the secret',
    { timeout: 600_000 },
    async () => {
      const yaml = (name: string, url: string) => `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ${name}
spec:
  components:
    - { name: web, type: webservice, properties: { image: ${name}:1 } }
  policies:
    - { name: dev, type: topology, properties: { clusters: [dev] } }
  workflow:
    steps:
      - { name: hook, type: webhook, properties: { url: ${url}, data: { hello: dev } } }
      - { name: deploy-dev, type: deploy, properties: { policies: [dev] } }
`;
      expect((await put('lost', yaml('lost', `{ value: "${receiver.url(`/missing/${TOKEN}`)}" }`))).status).toBe(201);
      expect((await put('unset', yaml('unset', '{ secretRef: { name: nowhere, key: url } }'))).status).toBe(201);

      const lost = await finished('lost');
      expect(lost.workflow.phase).toBe('failed');
      expect(step(lost.workflow, 'hook')).toMatchObject({ phase: 'failed', reason: 'Failed' });
      expect(step(lost.workflow, 'hook').message).toContain('the webhook answered 404');
      expect(step(lost.workflow, 'deploy-dev')).toMatchObject({ phase: 'skipped', reason: 'DependencyFailed' });
      const messages = JSON.stringify(await events(t.server, lost.operation));
      const revisions = (
        await request(t.server)
          .get(`${app('local', 'lost')}/revisions`)
          .expect(200)
      ).text;
      for (const shown of [lost.text, messages, revisions]) {
        expect(shown).not.toContain(TOKEN);
        expect(shown).not.toContain('127.0.0.1');
      }
      // 404 is not retried.
      expect(receiver.received.filter((r) => r.path.startsWith('/missing/'))).toHaveLength(1);
      expect(receiver.received.find((r) => r.path.startsWith('/missing/'))?.body).toEqual({ hello: 'dev' });
      expectProblem(await request(t.server).get(app('dev', 'lost')), 404);

      const unset = await finished('unset');
      expect(unset.workflow.phase).toBe('failed');
      expect(step(unset.workflow, 'hook').message).toContain('no connection secret nowhere in environment local');
    },
  );

  it.skipIf(skip)('refuses at PUT an apply-component into the home or naming a missing component', async () => {
    const yaml = (properties: string) => `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: { name: odd }
spec:
  components:
    - { name: web, type: webservice, properties: { image: odd:1 } }
  policies:
    - { name: dev, type: topology, properties: { clusters: [dev] } }
  workflow:
    steps:
      - { name: one, type: apply-component, properties: ${properties} }
`;
    for (const [properties, path] of [
      ['{ component: web }', '/spec/workflow/steps/0/properties/cluster'],
      ['{ component: web, cluster: local }', '/spec/workflow/steps/0/properties/cluster'],
      ['{ component: db, cluster: dev }', '/spec/workflow/steps/0/properties/component'],
    ] as const) {
      const problem = expectProblem(await put('odd', yaml(properties)), 422);
      expect(problem.errors.map((e) => e.path)).toContain(path);
    }
    expectProblem(await request(t.server).get(app('local', 'odd')), 404);
  });
});
