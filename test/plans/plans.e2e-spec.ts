import { spawnSync } from 'node:child_process';
import { OperationEntity } from '@berth/persistence';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubeVelaCanonicalYaml, kubeVelaYaml } from '../fixtures/applications';
import {
  putApplication,
  putTestEnvironment,
  startLifecycleApp,
  waitForOperation,
  type LifecycleApp,
} from '../lifecycle/support/lifecycle-harness';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { BACKENDS } from '../support/test-app';

warnSkippedWithoutPostgres('plans e2e');

// These suites are about a machine WITHOUT the pulumi CLI (this one): where it exists they cannot show its absence.
const pulumiOnPath = spawnSync('pulumi', ['version'], { stdio: 'ignore' }).error === undefined;
if (pulumiOnPath) console.warn('plans e2e: skipped — a pulumi CLI is on PATH, so alicloud is available here');

const MISSING_CLI = /the pulumi CLI was not found on PATH; install it or set BERTH_PULUMI_COMMAND to its path/;

interface PlanComponent {
  name: string;
  type: string;
  category: string;
  inSpec: boolean;
  adapter: { role: string; kind: string; profile: string; available: boolean; reason?: string };
  why: string;
  action: string;
  steps: string[];
  description: string;
  deletionPolicy?: string;
  preview?: {
    status: string;
    exact?: boolean;
    changes?: Array<{ action: string; resource: string }>;
    message?: string;
  };
}

const byName = (components: PlanComponent[]) => Object.fromEntries(components.map((c) => [c.name, c]));

/** net (vpc) and media (oss, Retain) and logs (oss) on the default test profile, bucket (oss) on profile `cloud`. */
function appYaml(options: { withCloud?: boolean; without?: string[]; logsAcl?: string } = {}): string {
  const components: Record<string, string> = {
    net: `    - name: net
      type: vpc
      properties:
        cidr: 10.7.0.0/16`,
    media: `    - name: media
      type: oss
      properties:
        deletionPolicy: Retain`,
    logs: `    - name: logs
      type: oss
      properties:
        acl: ${options.logsAcl ?? 'private'}`,
    bucket: `    - name: bucket
      type: oss
      properties:
        providerRef:
          name: cloud`,
    api: `    - name: api
      type: webservice
      properties:
        image: shop:1
        port: 8080
      traits:
        - type: service-binding
          properties:
            envMappings:
              MEDIA: { secret: media, key: BUCKET_NAME }`,
  };
  if (!options.withCloud) delete components.bucket;
  for (const name of options.without ?? []) delete components[name];
  return `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
${Object.values(components).join('\n')}
`;
}

describe.each(BACKENDS)('plans and unavailable adapters on $name', ({ name: backend, skip: noBackend }) => {
  const skip = noBackend || pulumiOnPath;
  let t: LifecycleApp;
  const APP = '/v1/environments/dev/applications/shop';

  beforeEach(async () => {
    if (skip) return;
    t = await startLifecycleApp(backend);
  });

  afterEach(async () => {
    if (!skip) await t.close();
  });

  /** dev: default profile `test` (available), named profile `cloud` of kind alicloud (no pulumi CLI here). */
  async function putMixedEnvironment(query = '?allowUnavailable=true') {
    return request(t.server)
      .put(`/v1/environments/dev${query}`)
      .send({
        provider: { kind: 'test', settings: { inventoryPath: t.inventoryPath } },
        profiles: { cloud: { kind: 'alicloud', settings: { region: 'cn-hangzhou' } } },
        runtime: { kind: 'local', settings: {} },
      });
  }

  async function dryRunPlan(yaml: string, env = 'dev', app = 'shop') {
    const answer = await request(t.server)
      .put(`/v1/environments/${env}/applications/${app}?dryRun=true&plan=true`)
      .set('Content-Type', 'application/yaml')
      .send(yaml);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.dryRun).toBe(true);
    return answer.body.plan as {
      components: PlanComponent[];
      summary: Record<string, number>;
      steps: Array<{ id: string }>;
    };
  }

  it.skipIf(skip)(
    'refuses an environment whose profile cannot work here (422 naming the missing command), stores it with allowUnavailable and a warning; /readyz follows',
    async () => {
      // Nothing uses alicloud yet: ready, and /readyz still says it could not work here.
      const before = await request(t.server).get('/readyz').expect(200);
      expect(before.body.checks['provider:alicloud']).toEqual({
        status: 'ok',
        detail: expect.stringMatching(MISSING_CLI),
      });
      expect(before.body.checks['provider:alicloud'].detail).toMatch(/no environment uses it/);
      expect(before.body.checks['provider:test']).toEqual({ status: 'ok' });

      const refused = expectProblem(
        await request(t.server)
          .put('/v1/environments/prod')
          .send({ provider: { kind: 'alicloud', settings: { region: 'cn-hangzhou' } }, runtime: { kind: 'local' } }),
        422,
      );
      expect(refused.errors).toEqual([{ path: '/provider/kind', message: expect.stringMatching(MISSING_CLI) }]);
      expect(refused.detail).toMatch(/allowUnavailable=true/);
      await request(t.server).get('/v1/environments/prod').expect(404);

      const named = expectProblem(await putMixedEnvironment(''), 422);
      expect(named.errors).toEqual([
        {
          path: '/profiles/cloud/kind',
          message: expect.stringMatching(/^the alicloud adapter cannot work in this service: /),
        },
      ]);
      await request(t.server).get('/v1/environments/dev').expect(404);

      const stored = await putMixedEnvironment();
      expect(stored.status, stored.text).toBe(201);
      expect(stored.body.profiles.cloud).toEqual({ kind: 'alicloud', settings: { region: 'cn-hangzhou' } });
      expect(stored.body.warnings).toEqual([
        {
          path: '/profiles/cloud/kind',
          message: expect.stringMatching(/pulumi CLI was not found.*stored because allowUnavailable=true/),
        },
      ]);
      const read = await request(t.server).get('/v1/environments/dev').expect(200);
      expect(read.body.warnings).toBeUndefined();

      // Now an environment uses it: not ready, saying why.
      const after = await request(t.server).get('/readyz').expect(503);
      expect(after.body.checks['provider:alicloud']).toEqual({
        status: 'failing',
        detail: expect.stringMatching(MISSING_CLI),
      });
      expect(after.body.checks['provider:apsara']).toEqual({
        status: 'ok',
        detail: expect.stringMatching(MISSING_CLI),
      });
    },
  );

  it.skipIf(skip)(
    'refuses to apply a component served by an unavailable profile, with the same message, and queues nothing',
    async () => {
      expect((await putMixedEnvironment()).status).toBe(201);
      const refused = expectProblem(await putApplication(t.server, 'dev', 'shop', appYaml({ withCloud: true })), 422);
      expect(refused.errors).toEqual([
        {
          path: '/spec/components/3/properties/providerRef/name',
          message: expect.stringMatching(
            /^provider profile "cloud" \(kind alicloud\) cannot work in this service: .*BERTH_PULUMI_COMMAND/,
          ),
        },
      ]);
      await request(t.server).get(APP).expect(404);
      expect(await t.dataSource.getRepository(OperationEntity).count()).toBe(0);

      // The environment's default profile unavailable: every cloud component is refused; workloads alone are fine.
      await request(t.server)
        .put('/v1/environments/prod?allowUnavailable=true')
        .send({ provider: { kind: 'alicloud', settings: { region: 'cn-hangzhou' } }, runtime: { kind: 'local' } })
        .expect(201);
      const cloudOnProd = expectProblem(await putApplication(t.server, 'prod', 'shop', appYaml()), 422);
      expect(cloudOnProd.errors.map((e) => e.path)).toEqual([
        '/spec/components/0/properties',
        '/spec/components/1/properties',
        '/spec/components/2/properties',
      ]);
      expect(cloudOnProd.errors[0]!.message).toMatch(
        /^the environment's provider profile \(kind alicloud\) cannot work in this service: .*BERTH_PULUMI_COMMAND/,
      );
      const workloadsOnly = appYaml({ without: ['media', 'logs', 'net'] }).replace(/\n +traits:[\s\S]*$/, '\n');
      const onProd = await putApplication(t.server, 'prod', 'shop', workloadsOnly);
      expect(onProd.status, onProd.text).toBe(201);
    },
  );

  it.skipIf(skip)(
    "plans per component: the adapter and why, the alicloud component unavailable with the missing-CLI message, the test provider's preview; nothing stored",
    async () => {
      expect((await putMixedEnvironment()).status).toBe(201);
      const plan = await dryRunPlan(appYaml({ withCloud: true }));
      const c = byName(plan.components);
      expect(plan.components.map((x) => x.name)).toEqual(['net', 'media', 'logs', 'bucket', 'api']);
      expect(c.net).toMatchObject({
        category: 'cloud',
        inSpec: true,
        adapter: { role: 'provider', kind: 'test', profile: 'environment default', available: true },
        why: "no providerRef: the environment's default profile (test)",
        action: 'create',
        steps: ['provision:net'],
        preview: { status: 'ok', exact: true, changes: [{ action: 'create', resource: 'vpc net' }] },
      });
      expect(c.bucket).toMatchObject({
        adapter: {
          role: 'provider',
          kind: 'alicloud',
          profile: 'cloud',
          available: false,
          reason: expect.stringMatching(MISSING_CLI),
        },
        why: 'providerRef.name "cloud" selects the environment\'s named profile "cloud" (alicloud)',
        action: 'create',
        preview: { status: 'unavailable', message: expect.stringMatching(MISSING_CLI) },
      });
      expect(c.api).toMatchObject({
        category: 'workload',
        adapter: { role: 'runtime', kind: 'local', profile: 'environment runtime', available: true },
        why: "a webservice workload is delivered by the environment's runtime (local)",
        action: 'deliver',
        steps: ['deliver:api'],
      });
      expect(c.api.preview).toBeUndefined();
      expect(plan.summary).toEqual({ create: 4, deliver: 1 });
      await request(t.server).get(APP).expect(404);
      expect(await t.inventory.resources()).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'after an apply the plan shows unchanged; a changed property plans an update with its preview; removed components plan their prune per deletionPolicy',
    async () => {
      await putTestEnvironment(t.server, 'dev', t.inventoryPath);
      const put = await putApplication(t.server, 'dev', 'shop', appYaml());
      expect(put.status, put.text).toBe(201);
      expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');

      const plan = (await request(t.server).get(`${APP}/plan`).expect(200)).body;
      expect(plan).toMatchObject({ environment: 'dev', application: 'shop', generation: 1, kind: 'apply' });
      const c = byName(plan.components);
      for (const name of ['net', 'media', 'logs']) {
        expect(c[name]).toMatchObject({ action: 'unchanged', steps: [], preview: { status: 'skipped' } });
      }
      expect(c.api.action).toBe('deliver');
      expect(plan.summary).toEqual({ unchanged: 3, deliver: 1 });
      expect(plan.steps.map((s: { id: string }) => s.id)).toEqual(['deliver:api']);

      const changed = await dryRunPlan(appYaml({ logsAcl: 'public-read' }));
      expect(byName(changed.components).logs).toMatchObject({
        action: 'update',
        steps: ['provision:logs'],
        preview: { status: 'ok', changes: [{ action: 'update', resource: 'oss logs' }] },
      });
      expect(byName(changed.components).net.action).toBe('unchanged');

      const pruned = await dryRunPlan(appYaml({ without: ['media', 'logs'] }).replace(/\n +traits:[\s\S]*$/, '\n'));
      const p = byName(pruned.components);
      expect(p.media).toMatchObject({
        inSpec: false,
        action: 'retain',
        deletionPolicy: 'Retain',
        steps: ['retain:media'],
        adapter: { kind: 'test', profile: 'environment default', available: true },
        preview: { status: 'skipped' },
      });
      expect(p.media.why).toMatch(/no longer in the spec/);
      expect(p.logs).toMatchObject({
        inSpec: false,
        action: 'destroy',
        deletionPolicy: 'Delete',
        steps: ['destroy:logs'],
      });
      expect(pruned.summary).toEqual({ unchanged: 1, deliver: 1, retain: 1, destroy: 1 });

      // A dry run stores nothing: the stored plan is as before, and the resources are all still there.
      expect((await request(t.server).get(`${APP}/plan`).expect(200)).body.summary).toEqual({
        unchanged: 3,
        deliver: 1,
      });
      expect((await t.inventory.resources()).map((r) => r.component).sort()).toEqual(['logs', 'media', 'net']);
      await request(t.server).get('/v1/environments/dev/applications/nothing/plan').expect(404);
    },
  );

  it.skipIf(skip)(
    'GET plan of a stored application whose profile became unavailable answers 200 and reports it on that component',
    async () => {
      // Applied while profile `cloud` was the test provider …
      await request(t.server)
        .put('/v1/environments/dev')
        .send({
          provider: { kind: 'test', settings: { inventoryPath: t.inventoryPath } },
          profiles: { cloud: { kind: 'test', settings: { inventoryPath: t.inventoryPath } } },
          runtime: { kind: 'local', settings: {} },
        })
        .expect(201);
      const put = await putApplication(t.server, 'dev', 'shop', appYaml({ withCloud: true }));
      expect(put.status, put.text).toBe(201);
      expect((await waitForOperation(t.server, put.body.operation.id)).state).toBe('Succeeded');
      // … then pointed at alicloud, which cannot work here.
      expect((await putMixedEnvironment()).status).toBe(200);

      const plan = (await request(t.server).get(`${APP}/plan`).expect(200)).body;
      const c = byName(plan.components);
      expect(c.bucket.adapter).toEqual({
        role: 'provider',
        kind: 'alicloud',
        profile: 'cloud',
        available: false,
        reason: expect.stringMatching(MISSING_CLI),
      });
      expect(c.bucket.preview).toEqual({ status: 'unavailable', message: expect.stringMatching(MISSING_CLI) });
      expect(c.net.adapter).toMatchObject({ kind: 'test', available: true });
    },
  );

  it.skipIf(skip)('plans a KubeVela alibaba-* application exactly as its canonical twin', async () => {
    expect((await putMixedEnvironment()).status).toBe(201);
    const kubevela = await dryRunPlan(kubeVelaYaml, 'dev', 'webapp');
    const canonical = await dryRunPlan(kubeVelaCanonicalYaml, 'dev', 'webapp');
    expect(kubevela.components.map((c) => [c.name, c.type, c.action])).toEqual(
      expect.arrayContaining([
        ['sample-db', 'rds', 'create'],
        ['sample-oss', 'oss', 'create'],
      ]),
    );
    expect(kubevela).toEqual(canonical);
  });
});
