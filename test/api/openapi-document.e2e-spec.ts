import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv from 'ajv';
import request from 'supertest';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

interface Operation {
  summary?: string;
  requestBody?: { content: Record<string, { schema?: { $ref?: string }; example?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Record<string, unknown> }> }>;
}
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

const PROBLEM = '#/components/schemas/ProblemView';

/** `METHOD path` → operation, for every operation of the document. */
function operations(document: Document): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}

/**
 * The OpenAPI document the running service serves at /docs-json (the real Nest app, real HTTP), checked by an OpenAPI
 * validator and for what a reader of the API needs: a summary on every operation, a schema on every answer, the
 * problem+json schema on every error, and an Application request schema whose examples the service accepts.
 */
describe('the OpenAPI document at /docs-json', () => {
  let t: TestApp;
  let document: Document;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    const answer = await request(t.server).get('/docs-json').expect(200);
    document = answer.body as Document;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is a valid OpenAPI document', async () => {
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(operations(document).length).toBeGreaterThanOrEqual(20);
  });

  it("offers exactly the registered adapters' kinds for an environment's provider and runtime", () => {
    const kindOf = (schema: string) =>
      (document.components.schemas[schema]?.properties as Record<string, { enum?: string[] }>).kind?.enum;
    expect(kindOf('ProviderProfileDto')).toEqual(['alicloud', 'apsara', 'local']);
    expect(kindOf('RuntimeDto')).toEqual(['kubernetes', 'local']);
  });

  it('has a summary on every operation', () => {
    const without = operations(document)
      .filter(([, operation]) => !operation.summary?.trim())
      .map(([name]) => name);
    expect(without).toEqual([]);
  });

  it('gives every answer a schema, the accepted views included', () => {
    const missing: string[] = [];
    for (const [name, operation] of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const contents = Object.entries(response.content ?? {});
        if (contents.length === 0) missing.push(`${name} ${status}: no content`);
        for (const [mediaType, content] of contents) {
          if (!content.schema) missing.push(`${name} ${status} ${mediaType}: no schema`);
        }
      }
    }
    expect(missing).toEqual([]);
    const accepted = document.components.schemas.OperationAcceptedView as { properties: Record<string, unknown> };
    expect(JSON.stringify(accepted.properties.operation)).toContain(
      '"$ref":"#/components/schemas/OperationSummaryView"',
    );
    for (const name of [
      'POST /v1/environments/{env}/applications/{target}',
      'POST /v1/environments/{env}/applications/{app}/components/{target}',
    ]) {
      const ok = operations(document).find(([n]) => n === name)![1].responses['202']!;
      expect(ok.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/OperationAcceptedView' });
    }
  });

  it('answers every error with the problem+json schema: type, title, status, detail, errors[] {path, message}', () => {
    const problem = document.components.schemas.ProblemView as {
      required: string[];
      properties: Record<string, { type?: string; items?: { $ref: string } }>;
    };
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']));
    expect(problem.properties.errors!.type).toBe('array');
    const item = document.components.schemas.ProblemItemView as { required: string[] };
    expect(problem.properties.errors!.items!.$ref).toBe('#/components/schemas/ProblemItemView');
    expect(item.required).toEqual(['path', 'message']);

    const wrong: string[] = [];
    for (const [name, operation] of operations(document)) {
      // Every route can meet a malformed query parameter and an unexpected failure.
      for (const status of ['400', '500']) if (!operation.responses[status]) wrong.push(`${name}: no ${status}`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]/.test(status) || `${name} ${status}` === 'GET /readyz 503') continue;
        const schema = response.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== PROBLEM) wrong.push(`${name} ${status}: ${JSON.stringify(response.content)}`);
        if (Object.keys(response.content ?? {}).length !== 1) wrong.push(`${name} ${status}: more than problem+json`);
      }
    }
    expect(wrong).toEqual([]);
    // The routes that use the database also say it may be unavailable; the definitions (in memory) do not.
    const byName = new Map(operations(document));
    expect(byName.get('GET /v1/environments/{env}/applications/{app}')!.responses['503']).toBeDefined();
    expect(byName.get('GET /v1/definitions/{type}')!.responses['503']).toBeUndefined();
    expect(byName.get('GET /v1/definitions/{type}')!.responses['406']).toBeDefined();
    // /readyz says "not ready" in its own shape, not as a problem.
    expect(byName.get('GET /readyz')!.responses['503']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/ReadinessView',
    });
  });

  it('describes the Application request of the PUT, with a YAML and a JSON example the service accepts', async () => {
    const put = document.paths['/v1/environments/{env}/applications/{app}']!.put!;
    const content = put.requestBody!.content;
    expect(Object.keys(content)).toEqual(expect.arrayContaining(['application/yaml', 'application/json']));
    for (const media of Object.values(content))
      expect(media.schema).toEqual({ $ref: '#/components/schemas/OamApplication' });

    const schema = document.components.schemas.OamApplication as {
      required: string[];
      properties: {
        spec: {
          properties: { components: { items: { properties: Record<string, { enum?: string[] }> } }; policies: unknown };
        };
      };
    };
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    const component = schema.properties.spec.properties.components.items.properties;
    expect(Object.keys(component)).toEqual(
      expect.arrayContaining(['name', 'type', 'properties', 'traits', 'dependsOn']),
    );
    expect(component.type!.enum).toEqual(
      expect.arrayContaining(['rds', 'oss', 'slb', 'vpc', 'webservice', 'alibaba-rds']),
    );
    expect(schema.properties.spec.properties.policies).toBeDefined();

    const yaml = content['application/yaml']!.example;
    const json = content['application/json']!.example;
    expect(typeof yaml).toBe('string');
    expect(parse(yaml as string)).toEqual(json);
    // The example fits the schema it illustrates…
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    // …and the service takes both spellings of it (a dry run stores nothing).
    const name = (json as { metadata: { name: string } }).metadata.name;
    for (const [type, body] of [
      ['application/yaml', yaml as string],
      ['application/json', JSON.stringify(json)],
    ]) {
      const answer = await request(t.server)
        .put(`/v1/environments/local/applications/${name}?dryRun=true`)
        .set('Content-Type', type!)
        .send(body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.dryRun).toBe(true);
    }
  });
});
