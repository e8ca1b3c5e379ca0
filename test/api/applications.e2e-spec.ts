import request from 'supertest';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeVelaCanonicalYaml, kubeVelaYaml, quickstartYaml } from '../fixtures/applications';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { expectProblem } from '../support/problem-assertions';
import { BACKENDS, startTestApp, type TestApp } from '../support/test-app';

warnSkippedWithoutPostgres('applications API');

const SAMPLE_PASSWORD = 'U34rfwefwefffaked';
const YAML = 'application/yaml';
const base = '/v1/environments/local/applications';

function components(body: { spec: { components: Array<{ name: string }> } }) {
  return Object.fromEntries(
    body.spec.components.map((c) => [
      c.name,
      c as unknown as Record<string, Record<string, unknown> & { properties: Record<string, unknown> }>,
    ]),
  );
}

describe.each(BACKENDS)('applications API on $name', ({ name: backend, skip }) => {
  let t: TestApp;

  beforeAll(async () => {
    if (!skip) t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const put = (path: string, body: string | Buffer, type = YAML) =>
    request(t.server).put(path).set('Content-Type', type).send(body);

  it.skipIf(skip)('stores a KubeVela-style application, normalized, and never shows its password', async () => {
    const created = await put(`${base}/webapp`, kubeVelaYaml);
    expect(created.status, created.text).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`${base}/webapp`);
    expect(created.body.metadata).toMatchObject({ name: 'webapp', environment: 'local', generation: 1 });
    expect(created.body.status).toEqual({ phase: 'Pending', observedGeneration: 0, conditions: [] });

    const read = await request(t.server).get(`${base}/webapp`).expect(200);
    expect(read.headers.etag).toBe('"1"');
    const byName = components(read.body);
    // Aliases resolved to the canonical types and property names.
    expect(byName['sample-db'].type).toBe('rds');
    expect(byName['sample-oss'].type).toBe('oss');
    expect(byName['express-server'].type).toBe('webservice');
    expect(byName['sample-db'].properties.accountName).toBe('oamtest');
    expect(byName['sample-db'].properties).not.toHaveProperty('account_name');
    expect(byName['sample-db'].properties.password).toBe('<redacted>');

    const revisions = await request(t.server).get(`${base}/webapp/revisions`).expect(200);
    expect(revisions.body.items).toHaveLength(1);
    expect(revisions.body.items[0]).toMatchObject({ generation: 1, current: true, contentType: YAML });
    for (const answer of [created, read, revisions]) expect(answer.text).not.toContain(SAMPLE_PASSWORD);

    // The stored revision is the normalized document, and the submitted text is kept with its secret values redacted
    // (the literal password lives only sealed).
    const rows = await t.dataSource
      .createQueryBuilder()
      .select(['r.document AS document', 'r.original_text AS original'])
      .from('application_revisions', 'r')
      .innerJoin('applications', 'a', 'a.id = r.application_id')
      .where('a.name = :name', { name: 'webapp' })
      .getRawMany();
    expect(rows).toHaveLength(1);
    expect(rows[0].original).not.toContain(SAMPLE_PASSWORD);
    expect(rows[0].original).toContain('<redacted>');
    expect(rows[0].original.split('\n')[0]).toBe(kubeVelaYaml.split('\n')[0]);
    const stored = JSON.parse(rows[0].document);
    expect(stored.spec.components.map((c: { type: string }) => c.type).sort()).toEqual(['oss', 'rds', 'webservice']);
  });

  it.skipIf(skip)('treats the canonical twin of the KubeVela application as identical content', async () => {
    const twin = await put(`${base}/webapp`, kubeVelaCanonicalYaml);
    expect(twin.status, twin.text).toBe(200);
    expect(twin.body.unchanged).toBe(true);
    expect(twin.headers.etag).toBe('"1"');
  });

  it.skipIf(skip)(
    'answers 201 created, 200 unchanged for identical content, 200 updated with a new generation',
    async () => {
      const first = await put(`${base}/quickstart`, quickstartYaml);
      expect(first.status, first.text).toBe(201);
      const again = await put(`${base}/quickstart`, quickstartYaml);
      expect(again.status).toBe(200);
      expect(again.body.unchanged).toBe(true);
      expect(again.headers.etag).toBe('"1"');

      const changed = quickstartYaml.replace('quickstart-api:1.0.0', 'quickstart-api:1.1.0');
      const updated = await put(`${base}/quickstart`, changed);
      expect(updated.status).toBe(200);
      expect(updated.body.unchanged).toBeUndefined();
      expect(updated.headers.etag).toBe('"2"');
      expect(updated.body.metadata.generation).toBe(2);
      expect(components(updated.body).api.properties.image).toBe('ghcr.io/berth-examples/quickstart-api:1.1.0');

      // The same application as JSON is the same content.
      const json = await put(`${base}/quickstart`, JSON.stringify(parse(changed)), 'application/json');
      expect(json.status, json.text).toBe(200);
      expect(json.body.unchanged).toBe(true);

      const revisions = await request(t.server).get(`${base}/quickstart/revisions`).expect(200);
      expect(
        revisions.body.items.map((r: { generation: number; current: boolean }) => [r.generation, r.current]),
      ).toEqual([
        [2, true],
        [1, false],
      ]);
    },
  );

  it.skipIf(skip)('honours If-Match and If-None-Match (412 when stale)', async () => {
    const next = quickstartYaml.replace('quickstart-api:1.0.0', 'quickstart-api:2.0.0');
    const stale = await put(`${base}/quickstart`, next).set('If-Match', '"1"');
    const problem = expectProblem(stale, 412);
    expect(problem.detail).toContain('"2"');
    const fresh = await put(`${base}/quickstart`, next).set('If-Match', '"2"');
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.headers.etag).toBe('"3"');
    expectProblem(
      await put(`${base}/nobody`, quickstartYaml.replace('name: quickstart', 'name: nobody')).set('If-Match', '"1"'),
      412,
    );
    expectProblem(await put(`${base}/quickstart`, quickstartYaml).set('If-None-Match', '*'), 412);
    expect((await request(t.server).get(`${base}/nobody`)).status).toBe(404);
  });

  it.skipIf(skip)('validates and normalizes on ?dryRun=true without storing anything', async () => {
    const yaml = kubeVelaYaml.replace('name: webapp', 'name: preview');
    const dry = await put(`${base}/preview?dryRun=true`, yaml);
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    expect(dry.headers.etag).toBeUndefined();
    expect(components(dry.body)['sample-db'].type).toBe('rds');
    expect(components(dry.body)['sample-db'].properties.password).toBe('<redacted>');
    expect(dry.text).not.toContain(SAMPLE_PASSWORD);
    expectProblem(await request(t.server).get(`${base}/preview`), 404);
    const [{ count }] = await t.dataSource.query("SELECT COUNT(*) AS count FROM applications WHERE name = 'preview'");
    expect(Number(count)).toBe(0);

    const invalid = await put(`${base}/preview?dryRun=true`, yaml.replace('type: alibaba-rds', 'type: alibaba-rdz'));
    expect(expectProblem(invalid, 422).errors.some((e) => e.path === '/spec/components/1/type')).toBe(true);
    expectProblem(await put(`${base}/preview?dryRun=maybe`, yaml), 400);
  });

  it.skipIf(skip)('refuses a name in the path that differs from metadata.name, with the field path', async () => {
    const problem = expectProblem(await put(`${base}/other`, quickstartYaml), 422);
    expect(problem.errors).toContainEqual({ path: '/metadata/name', message: expect.stringContaining('other') });
  });

  it.skipIf(skip)('reports every problem of an invalid application at once with JSON pointers', async () => {
    const yaml = quickstartYaml.replace('engine: postgresql', 'engine: oracle').replace('type: oss', 'type: osss');
    const problem = expectProblem(await put(`${base}/quickstart`, yaml), 422);
    const paths = problem.errors.map((e) => e.path);
    expect(paths).toContain('/spec/components/1/properties/engine');
    expect(paths).toContain('/spec/components/2/type');
    expect(JSON.stringify(problem)).not.toContain(SAMPLE_PASSWORD);
    expectProblem(await put(`${base}/quickstart`, '{"apiVersion": ', 'application/json'), 422);
    expectProblem(await put(`${base}/quickstart`, 'a: 1\n---\nb: 2\n'), 422);
  });

  it.skipIf(skip)('answers 404 for an unknown environment or application', async () => {
    expectProblem(await put('/v1/environments/nowhere/applications/quickstart', quickstartYaml), 404);
    expectProblem(await request(t.server).get('/v1/environments/nowhere/applications'), 404);
    expectProblem(await request(t.server).get(`${base}/ghost`), 404);
    expectProblem(await request(t.server).get(`${base}/ghost/revisions`), 404);
    expectProblem(await request(t.server).delete(`${base}/ghost`), 404);
  });

  it.skipIf(skip)('answers 415 for bodies that are neither YAML nor JSON', async () => {
    for (const type of [
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/yaml; charset=latin1',
    ]) {
      expectProblem(await put(`${base}/quickstart`, quickstartYaml, type), 415);
    }
    expectProblem(await request(t.server).put(`${base}/quickstart`).send(Buffer.from(quickstartYaml)), 415);
    const gzip = await put(`${base}/quickstart`, quickstartYaml).set('Content-Encoding', 'gzip');
    expectProblem(gzip, 415);
    for (const type of ['application/x-yaml', 'text/yaml', 'application/yaml; charset=utf-8']) {
      expect((await put(`${base}/quickstart?dryRun=true`, quickstartYaml, type)).status).toBe(200);
    }
  });

  it.skipIf(skip)('answers 413 over BERTH_MAX_BODY_BYTES, declared or streamed', async () => {
    const huge = `# ${'x'.repeat(t.config.maxBodyBytes)}\n${quickstartYaml}`;
    const problem = expectProblem(await put(`${base}/quickstart`, huge), 413);
    expect(problem.detail).toContain('BERTH_MAX_BODY_BYTES');
    // Chunked, without Content-Length: the reader stops at the limit.
    const chunked = await new Promise<{ status: number; type: string }>((resolve, reject) => {
      const http = request(t.server)
        .put(`${base}/quickstart`)
        .set('Content-Type', YAML)
        .set('Transfer-Encoding', 'chunked');
      http.write(huge.slice(0, huge.length / 2));
      http.write(huge.slice(huge.length / 2));
      http.end((error, response) =>
        error ? reject(error) : resolve({ status: response.status, type: response.headers['content-type'] }),
      );
    });
    expect(chunked.status).toBe(413);
    expect(chunked.type).toMatch(/^application\/problem\+json/);
  });

  it.skipIf(skip)('pages and filters the list of applications', async () => {
    await request(t.server)
      .put('/v1/environments/paging')
      .set('Content-Type', 'application/json')
      .send({ provider: { kind: 'local' }, runtime: { kind: 'local' } })
      .expect(201);
    const names = ['app-a', 'app-b', 'app-c', 'app-d', 'app-e'];
    for (const name of names) {
      const yaml = quickstartYaml.replace('name: quickstart', `name: ${name}`);
      expect((await put(`/v1/environments/paging/applications/${name}`, yaml)).status).toBe(201);
    }
    const list = (query: string) => request(t.server).get(`/v1/environments/paging/applications${query}`);

    const seen: string[] = [];
    let page = await list('?limit=2').expect(200);
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    seen.push(...page.body.items.map((i: { name: string }) => i.name));
    while (page.body.continue) {
      page = await list(`?limit=2&continue=${page.body.continue}`).expect(200);
      seen.push(...page.body.items.map((i: { name: string }) => i.name));
    }
    expect(seen).toEqual(names);
    expect((await list('?limit=2&offset=4').expect(200)).body.items.map((i: { name: string }) => i.name)).toEqual([
      'app-e',
    ]);
    expect((await list('').expect(200)).body.items[0]).toMatchObject({
      name: 'app-a',
      environment: 'paging',
      generation: 1,
      phase: 'Pending',
    });

    await request(t.server).delete('/v1/environments/paging/applications/app-c').expect(202);
    const deleting = await list('?phase=Deleting').expect(200);
    expect(deleting.body.items.map((i: { name: string }) => i.name)).toEqual(['app-c']);
    expect(deleting.body.total).toBe(1);
    expect((await list('?phase=Pending').expect(200)).body.total).toBe(4);

    for (const bad of [
      '?limit=0',
      '?limit=abc',
      '?limit=501',
      '?offset=-1',
      '?phase=Bogus',
      '?continue=%%%',
      '?limit=1&limit=2',
    ]) {
      const problem = expectProblem(await list(bad), 400);
      expect(problem.errors[0].path).toMatch(/^\/query\//);
    }
  });

  it.skipIf(skip)('keeps generations consistent under concurrent PUTs of the same application', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        put(`${base}/racer`, quickstartYaml.replace('name: quickstart', 'name: racer').replace(':1.0.0', `:1.0.${i}`)),
      ),
    );
    for (const answer of answers) expect([200, 201], answer.text).toContain(answer.status);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const generations = answers.map((a) => Number(a.headers.etag.replace(/"/g, ''))).sort((a, b) => a - b);
    expect(generations).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const revisions = await request(t.server).get(`${base}/racer/revisions`).expect(200);
    expect(revisions.body.items.map((r: { generation: number }) => r.generation)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it.skipIf(skip)('marks an application for deletion with 202 and refuses to apply it meanwhile', async () => {
    const accepted = await request(t.server).delete(`${base}/quickstart`).expect(202);
    expect(accepted.body.status.phase).toBe('Deleting');
    expect(Date.parse(accepted.body.metadata.deletionRequestedAt)).not.toBeNaN();
    const read = await request(t.server).get(`${base}/quickstart`).expect(200);
    expect(read.body.status.phase).toBe('Deleting');
    expect(read.body.metadata.deletionRequestedAt).toBe(accepted.body.metadata.deletionRequestedAt);
    // Asking again is harmless and keeps the first request's time.
    const again = await request(t.server).delete(`${base}/quickstart`).expect(202);
    expect(again.body.metadata.deletionRequestedAt).toBe(accepted.body.metadata.deletionRequestedAt);
    expectProblem(await put(`${base}/quickstart`, quickstartYaml), 409);
  });
});
