import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { BACKENDS, startTestApp, type TestApp } from '../support/test-app';

warnSkippedWithoutPostgres('environments API');

describe.each(BACKENDS)('environments API on $name', ({ name: backend, skip }) => {
  let t: TestApp;

  beforeAll(async () => {
    if (!skip) t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const putJson = (name: string, body: unknown) =>
    request(t.server)
      .put(`/v1/environments/${name}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));

  it.skipIf(skip)('has a local environment (provider local, runtime local) after the first start', async () => {
    const list = await request(t.server).get('/v1/environments').expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        name: 'local',
        provider: { kind: 'local', settings: {} },
        runtime: { kind: 'local', settings: {} },
        profiles: {},
      }),
    ]);
    const local = await request(t.server).get('/v1/environments/local').expect(200);
    expect(Date.parse(local.body.createdAt)).not.toBeNaN();
  });

  it.skipIf(skip)('creates (201) and replaces (200) an environment, from JSON or YAML', async () => {
    const body = {
      provider: {
        kind: 'alicloud',
        settings: {
          region: 'cn-hangzhou',
          credentials: { accessKeyIdEnv: 'ALICLOUD_ACCESS_KEY', accessKeySecretEnv: 'ALICLOUD_SECRET_KEY' },
        },
      },
      profiles: {
        onprem: {
          kind: 'apsara',
          settings: { region: 'cn-hangzhou', endpoints: { ecs: 'https://ecs.apsara.example' } },
        },
      },
      runtime: { kind: 'kubernetes', settings: { namespace: 'team-a' } },
    };
    // alicloud/apsara cannot work without the pulumi CLI (test/plans covers that refusal): stored ahead of installing it.
    const created = await putJson('staging?allowUnavailable=true', body);
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: 'staging', ...body });

    const yaml = 'provider:\n  kind: local\nruntime:\n  kind: local\n  settings: {}\n';
    const replaced = await request(t.server)
      .put('/v1/environments/staging')
      .set('Content-Type', 'application/yaml')
      .send(yaml);
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'staging', provider: { kind: 'local', settings: {} }, profiles: {} });
    expect(replaced.body.createdAt).toBe(created.body.createdAt);

    const names = (await request(t.server).get('/v1/environments').expect(200)).body.items.map(
      (e: { name: string }) => e.name,
    );
    expect(names).toEqual(['local', 'staging']);
  });

  it.skipIf(skip)(
    'refuses a literal secret in a profile without echoing it; references to secrets stay visible',
    async () => {
      // The provider's own profile check (validateProfile) refuses literal access keys, under /provider/settings.
      const refused = await putJson('secrets', {
        provider: { kind: 'alicloud', settings: { region: 'cn-hangzhou', accessKeySecret: 'hunter2hunter2' } },
        runtime: { kind: 'local' },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['/provider/settings/accessKeySecret']);
      expect(refused.text).not.toContain('hunter2');
      const created = await putJson('secrets?allowUnavailable=true', {
        provider: {
          kind: 'alicloud',
          settings: {
            region: 'cn-hangzhou',
            credentials: { accessKeyIdEnv: 'ALI_ID', accessKeySecretEnv: 'ALI_SECRET' },
          },
        },
        runtime: { kind: 'local' },
      });
      expect(created.status).toBe(201);
      const read = await request(t.server).get('/v1/environments/secrets').expect(200);
      expect(read.body.provider.settings.credentials).toEqual({
        accessKeyIdEnv: 'ALI_ID',
        accessKeySecretEnv: 'ALI_SECRET',
      });
    },
  );

  it.skipIf(skip)('answers 422 naming each bad field', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ provider: { kind: 'gcp' }, runtime: { kind: 'local' } }, ['/provider/kind']],
      [{ provider: { kind: 'local' }, runtime: { kind: 'nomad' } }, ['/runtime/kind']],
      [{ provider: { kind: 'local' } }, ['/runtime']],
      [{ provider: { kind: 'local', settings: 'x' }, runtime: { kind: 'local' } }, ['/provider/settings']],
      [{ provider: { kind: 7 }, runtime: { kind: 'local' } }, ['/provider/kind']],
      [{ provider: { kind: 'local' }, runtime: { kind: 'local' }, colour: 'blue' }, ['/colour']],
      [
        {
          provider: { kind: 'local' },
          runtime: { kind: 'local' },
          profiles: { 'Bad Name': { kind: 'local' }, ok: { kind: 'x' } },
        },
        ['/profiles/Bad Name', '/profiles/ok/kind'],
      ],
      [{ provider: { kind: 'local' }, runtime: { kind: 'local' }, profiles: { a: 'x' } }, ['/profiles/a']],
      [[1, 2], ['']],
      ['just a string', ['']],
    ];
    for (const [body, paths] of cases) {
      const problem = expectProblem(await putJson('broken', body), 422);
      expect(
        problem.errors.map((e) => e.path),
        JSON.stringify(body),
      ).toEqual(expect.arrayContaining(paths));
    }
    const polluted =
      '{"provider":{"kind":"local","settings":{"__proto__":{"polluted":true}}},"runtime":{"kind":"local"}}';
    const problem = expectProblem(
      await request(t.server).put('/v1/environments/broken').set('Content-Type', 'application/json').send(polluted),
      422,
    );
    expect(problem.errors).toContainEqual({ path: '/provider/settings/__proto__', message: expect.any(String) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectProblem(await request(t.server).get('/v1/environments/broken'), 404);
  });

  it.skipIf(skip)('keeps labels set on PUT, shows them on GET and filters the list by labelSelector', async () => {
    const env = (labels?: Record<string, unknown>) => ({
      provider: { kind: 'local' },
      runtime: { kind: 'local' },
      ...(labels ? { labels } : {}),
    });
    expect((await putJson('lbl-prod', env({ tier: 'prod', 'berth.dev/region': 'eu' }))).status).toBe(201);
    expect((await putJson('lbl-stage', env({ tier: 'staging', 'berth.dev/region': 'eu' }))).status).toBe(201);
    expect((await putJson('lbl-none', env())).status).toBe(201);

    const read = await request(t.server).get('/v1/environments/lbl-prod').expect(200);
    expect(read.body.labels).toEqual({ tier: 'prod', 'berth.dev/region': 'eu' });
    expect((await request(t.server).get('/v1/environments/lbl-none').expect(200)).body.labels).toEqual({});

    const names = async (selector: string) =>
      (await request(t.server).get('/v1/environments').query({ labelSelector: selector }).expect(200)).body.items.map(
        (e: { name: string }) => e.name,
      );
    expect(await names('tier=prod')).toEqual(['lbl-prod']);
    expect(await names('berth.dev/region=eu')).toEqual(['lbl-prod', 'lbl-stage']);
    expect(await names('berth.dev/region==eu, tier=staging')).toEqual(['lbl-stage']);
    expect(await names('tier=none')).toEqual([]);

    // A page of one with a selector still walks to the next match (the cursor is the last name served).
    const first = await request(t.server)
      .get('/v1/environments')
      .query({ labelSelector: 'berth.dev/region=eu', limit: 1 });
    expect(first.body.items.map((e: { name: string }) => e.name)).toEqual(['lbl-prod']);
    const second = await request(t.server)
      .get('/v1/environments')
      .query({ labelSelector: 'berth.dev/region=eu', limit: 1, cursor: first.body.next });
    expect(second.body.items.map((e: { name: string }) => e.name)).toEqual(['lbl-stage']);
    expect(second.body.next).toBeUndefined();

    // Replacing the environment replaces its labels.
    expect((await putJson('lbl-prod', env({ tier: 'retired' }))).status).toBe(200);
    expect(await names('tier=prod')).toEqual([]);

    for (const selector of ['tier!=prod', 'tier in (prod)', 'tier', 'Bad Key!=x']) {
      const problem = expectProblem(
        await request(t.server).get('/v1/environments').query({ labelSelector: selector }),
        400,
      );
      expect(problem.errors.map((e) => e.path)).toEqual(['/query/labelSelector']);
    }
  });

  it.skipIf(skip)('refuses labels Kubernetes would refuse, naming each one, and stores nothing', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ 'bad key': 'x', ok: 'fine' }, ['/labels/bad key']],
      [{ tier: 'has space' }, ['/labels/tier']],
      [{ tier: 3 }, ['/labels/tier']],
      [{ ['x'.repeat(64)]: 'v' }, [`/labels/${'x'.repeat(64)}`]],
      [{ tier: 'v'.repeat(64) }, ['/labels/tier']],
      [{ 'Not_A.Prefix/name': 'v' }, ['/labels/Not_A.Prefix~1name']],
      [{ '-leading': 'v' }, ['/labels/-leading']],
      [['tier=prod'], ['/labels']],
    ];
    for (const [labels, paths] of cases) {
      const problem = expectProblem(
        await putJson('lbl-bad', { provider: { kind: 'local' }, runtime: { kind: 'local' }, labels }),
        422,
      );
      expect(
        problem.errors.map((e) => e.path),
        JSON.stringify(labels),
      ).toEqual(paths);
    }
    expectProblem(await request(t.server).get('/v1/environments/lbl-bad'), 404);
  });

  it.skipIf(skip)('answers 400 for an invalid name, 404 for an unknown one, 415 for other media types', async () => {
    expectProblem(await putJson('Not_A_Name', { provider: { kind: 'local' }, runtime: { kind: 'local' } }), 400);
    expectProblem(await request(t.server).get('/v1/environments/nowhere'), 404);
    expectProblem(
      await request(t.server).put('/v1/environments/x').set('Content-Type', 'text/plain').send('provider: local'),
      415,
    );
  });
});
