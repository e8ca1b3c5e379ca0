import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickstartYaml } from '../fixtures/applications';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

const LOCAL_ENVIRONMENT = { provider: { kind: 'local', settings: {} }, runtime: { kind: 'local', settings: {} } };

/** Every operation of the OpenAPI document, with its path parameters filled in. */
function operations(document: {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
}): Array<{ method: string; path: string; declared: string[] }> {
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'put', 'post', 'delete'].includes(method))
      .map(([method, operation]) => ({
        method,
        path: template.replace(/\{[^}]+\}/g, 'x'),
        declared: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
  );
}

describe('query parameters: declared ones only, dryRun honoured everywhere it is offered', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers PUT /v1/environments/{env}?dryRun=true with what would be stored, and stores nothing', async () => {
    const dry = await request(t.server)
      .put('/v1/environments/constructor?dryRun=true')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(LOCAL_ENVIRONMENT));
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ name: 'constructor', dryRun: true, ...LOCAL_ENVIRONMENT });
    expectProblem(await request(t.server).get('/v1/environments/constructor'), 404);
    const names = (await request(t.server).get('/v1/environments').expect(200)).body.items.map(
      (e: { name: string }) => e.name,
    );
    expect(names).toEqual(['local']);

    // A dry run still validates: a bad body is the same 422 a real PUT gets.
    const invalid = await request(t.server)
      .put('/v1/environments/constructor?dryRun=true')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ provider: { kind: 'nowhere' }, runtime: { kind: 'local' } }));
    expect(expectProblem(invalid, 422).errors).toContainEqual({
      path: '/provider/kind',
      message: expect.stringMatching(/must be one of/),
    });

    // The real PUT of the same name then creates it (201): the dry run left no trace.
    const real = await request(t.server)
      .put('/v1/environments/constructor')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(LOCAL_ENVIRONMENT));
    expect(real.status, real.text).toBe(201);
    expect(real.body.dryRun).toBeUndefined();
  });

  it('refuses dryRun[]=1 and a repeated dryRun with a 400 naming it, before anything is applied', async () => {
    const path = '/v1/environments/local/applications/quickstart';
    for (const query of ['dryRun[]=1', 'dryRun[x]=true', 'dryRun=true&dryRun=false', 'dryRun', 'dryRun=yes']) {
      const answer = await request(t.server)
        .put(`${path}?${query}`)
        .set('Content-Type', 'application/yaml')
        .send(quickstartYaml);
      const problem = expectProblem(answer, 400);
      expect(problem.detail, query).toMatch(/dryRun/);
    }
    const bracketed = expectProblem(
      await request(t.server).put(`${path}?dryRun[]=1`).set('Content-Type', 'application/yaml').send(quickstartYaml),
      400,
    );
    expect(bracketed.errors).toEqual([
      { path: '/query/dryRun[]', message: 'is not a query parameter; give dryRun once, as dryRun=value' },
    ]);
    expectProblem(await request(t.server).get(path), 404);
    expectProblem(
      await request(t.server)
        .put('/v1/environments/constructor?dryRun[]=1')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(LOCAL_ENVIRONMENT)),
      400,
    );
  });

  it('treats names of Object.prototype members in paths as plain names (404, never a prototype property)', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      for (const path of [
        `/v1/definitions/${name}`,
        `/v1/environments/${name}/applications/app`,
        `/v1/environments/local/applications/${name}`,
        `/v1/environments/local/applications/${name}/plan`,
        `/v1/operations/${name}`,
      ]) {
        const problem = expectProblem(await request(t.server).get(path), 404);
        expect(problem.detail, path).toMatch(/not found|no definition named/);
      }
    }
  });

  it('refuses an unknown query parameter with a 400 naming it, on every route of the OpenAPI document', async () => {
    const document = (await request(t.server).get('/docs-json').expect(200)).body;
    const all = operations(document);
    expect(all.length).toBeGreaterThan(15);
    for (const { method, path, declared } of all) {
      for (const name of ['bogus', 'constructor', '__proto__', 'toString']) {
        const answer = await (request(t.server) as unknown as Record<string, (url: string) => request.Test>)[method]!(
          `${path}?${encodeURIComponent(name)}=1`,
        );
        const problem = expectProblem(answer, 400);
        expect(problem.detail, `${method} ${path}?${name}`).toContain(`unknown query parameter "${name}"`);
        expect(problem.detail).toContain(declared.length ? `this route takes ${declared.join(', ')}` : 'takes none');
        expect(problem.errors).toEqual([{ path: `/query/${name}`, message: expect.any(String) }]);
      }
    }
    // The declared ones are accepted (a typo in the declaration list would show up here).
    await request(t.server).get('/v1/environments/local/applications?limit=5&offset=0&phase=Ready').expect(200);
    await request(t.server).get('/healthz').expect(200);
  });
});
