import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickstartYaml } from '../fixtures/applications';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { BACKENDS, startTestApp, type TestApp } from '../support/test-app';

warnSkippedWithoutPostgres('platform endpoints');

describe.each(BACKENDS)('definitions, health, metrics, docs and request ids on $name', ({ name: backend, skip }) => {
  let t: TestApp;

  beforeAll(async () => {
    if (!skip) t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  it.skipIf(skip)('lists definitions and shows one as JSON or as Markdown with its connection keys', async () => {
    const list = await request(t.server).get('/v1/definitions').expect(200);
    const names = list.body.items.map((d: { name: string }) => d.name);
    expect(names).toEqual(
      expect.arrayContaining(['rds', 'oss', 'slb', 'vpc', 'webservice', 'worker', 'task', 'service-binding']),
    );

    // Key paging by name, like every list: the pages walked with `next` hold every definition once, in name order.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await request(t.server)
        .get('/v1/definitions')
        .query({ limit: 5, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(5);
      paged.push(...page.body.items.map((d: { name: string }) => d.name));
      cursor = page.body.next;
    } while (cursor);
    expect(paged).toEqual([...names].sort());
    expect(list.body.next).toBeUndefined();
    const badCursor = expectProblem(await request(t.server).get('/v1/definitions').query({ cursor: 'nope' }), 400);
    expect(JSON.stringify(badCursor)).toContain('cursor');

    const rds = await request(t.server).get('/v1/definitions/alibaba-rds').expect(200);
    expect(rds.headers['content-type']).toMatch(/^application\/json/);
    expect(rds.body.name).toBe('rds');
    expect(rds.body.schema).toBeTypeOf('object');
    expect(rds.body.connectionKeys).toContainEqual(expect.objectContaining({ name: 'DB_PASSWORD', sensitive: true }));

    const markdown = await request(t.server).get('/v1/definitions/rds').set('Accept', 'text/markdown').expect(200);
    expect(markdown.headers['content-type']).toMatch(/^text\/markdown/);
    expect(markdown.text).toMatch(/\|.*engine.*\|/);
    // The connection keys, as in the JSON answer, the sensitive ones flagged.
    expect(markdown.text).toContain('## Connection keys');
    for (const key of rds.body.connectionKeys as { name: string; sensitive: boolean }[]) {
      expect(markdown.text).toMatch(new RegExp(`^\\| ${key.name} \\| ${key.sensitive} \\|`, 'm'));
    }
    expect(markdown.text).toMatch(/^\| DB_PASSWORD \| true \|/m);

    const unknown = expectProblem(await request(t.server).get('/v1/definitions/mongodb'), 404);
    expect(unknown.detail).toContain('rds');
    expectProblem(await request(t.server).get('/v1/definitions/rds').set('Accept', 'image/png'), 406);
  });

  it.skipIf(skip)('answers /healthz and /readyz with the database and provider checks', async () => {
    expect((await request(t.server).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    // alicloud/apsara cannot work here (no pulumi CLI), but no environment uses them, so they do not fail readiness;
    // the check says why they could not work.
    const unused = {
      status: 'ok',
      detail: expect.stringMatching(/^unavailable here \(no environment uses it\): .*pulumi/),
    };
    expect((await request(t.server).get('/readyz').expect(200)).body).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'ok' },
        'provider:alicloud': unused,
        'provider:apsara': unused,
        'provider:local': { status: 'ok' },
      },
    });
  });

  it.skipIf(skip)('serves OpenAPI at /docs-json and the UI at /docs', async () => {
    const spec = await request(t.server).get('/docs-json').expect(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/environments/{env}/applications/{app}',
        '/v1/environments/{env}/applications',
        '/v1/environments/{env}',
        '/v1/definitions/{type}',
      ]),
    );
    const put = spec.body.paths['/v1/environments/{env}/applications/{app}'].put;
    expect(Object.keys(put.requestBody.content)).toEqual(
      expect.arrayContaining(['application/yaml', 'application/json']),
    );
    const ui = await request(t.server).get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
  });

  it.skipIf(skip)('honours and echoes X-Request-Id, and puts the id into problems', async () => {
    const mine = await request(t.server).get('/v1/environments/nowhere').set('X-Request-Id', 'trace-42.abc');
    expect(mine.headers['x-request-id']).toBe('trace-42.abc');
    expect(expectProblem(mine, 404)).toMatchObject({ requestId: 'trace-42.abc' });
    const made = await request(t.server).get('/healthz').set('X-Request-Id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.skipIf(skip)('counts requests and latency by route template and status in /metrics', async () => {
    await request(t.server)
      .put('/v1/environments/local/applications/quickstart')
      .set('Content-Type', 'application/yaml')
      .send(quickstartYaml)
      .expect(201);
    await request(t.server).get('/v1/environments/local/applications/ghost').expect(404);
    await request(t.server).get('/no/such/route').expect(404);
    const metrics = await request(t.server).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const text = metrics.text;
    expect(text).toMatch(
      /berth_http_requests_total\{method="PUT",route="\/v1\/environments\/:env\/applications\/:app",status="201"\} 1/,
    );
    expect(text).toMatch(
      /berth_http_requests_total\{method="GET",route="\/v1\/environments\/:env\/applications\/:app",status="404"\} 1/,
    );
    expect(text).toMatch(/berth_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).toMatch(
      /berth_http_request_duration_seconds_bucket\{le="0.015",method="PUT",route="\/v1\/environments\/:env\/applications\/:app",status="201"\}/,
    );
    expect(text).not.toContain('quickstart');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it.skipIf(skip)('reports not ready (503, database failing) when the database is gone', async () => {
    await t.dataSource.destroy();
    const answer = await request(t.server).get('/readyz').expect(503);
    expect(answer.body.status).toBe('failing');
    expect(answer.body.checks.database.status).toBe('failing');
    expect((await request(t.server).get('/healthz')).status).toBe(200);
    // API calls meanwhile say so (503 with Retry-After), rather than an anonymous 500.
    const unavailable = expectProblem(await request(t.server).get('/v1/environments'), 503);
    expect(unavailable.title).toBe('Database unavailable');
  });
});
