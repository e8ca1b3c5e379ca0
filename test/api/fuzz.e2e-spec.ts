import fc from 'fast-check';
import request from 'supertest';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeVelaYaml, quickstartYaml } from '../fixtures/applications';
import { warnSkippedWithoutPostgres } from '../support/postgres-schema';
import { BACKENDS, startTestApp, type TestApp } from '../support/test-app';

warnSkippedWithoutPostgres('HTTP fuzz');

type Json = Record<string, unknown>;
interface BadRequest {
  family: string;
  contentType: string;
  body: string | Buffer;
  /** Path segment of the application (defaults to `fuzz`). */
  app?: string;
}

const MAX_BODY = 64 * 1024;
const RUNS = Number(process.env.BERTH_FUZZ_RUNS ?? 1000);
const KNOWN_TYPES = new Set([
  'rds',
  'oss',
  'slb',
  'vpc',
  'webservice',
  'worker',
  'task',
  'alibaba-rds',
  'alibaba-oss',
  'alibaba-slb',
  'alibaba-vpc',
  'alibaba-vswitch',
]);
const DOCUMENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/json'];

const valid = (): Json => {
  const document = parse(quickstartYaml) as Json;
  (document.metadata as Json).name = 'fuzz';
  return document;
};
const components = (document: Json) => (document.spec as Json).components as Json[];

/** Sets a value at a path of a copy of the valid application. */
function mutate(edit: (document: Json) => void): Json {
  const document = valid();
  edit(document);
  return document;
}

const notDns = fc
  .string({ minLength: 1, maxLength: 80 })
  .filter((s) => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s));
const hugeNumber = fc.constantFrom(
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '1e21',
  '-0',
  '0.0000000001',
  '9007199254740993',
);
const contentType = fc.constantFrom(...DOCUMENT_TYPES);
const anyJson = fc.jsonValue({ maxDepth: 4 });

const families: Array<fc.Arbitrary<BadRequest>> = [
  // Random bytes and random text, declared as YAML or JSON.
  fc.record({
    family: fc.constant('bytes'),
    contentType,
    body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  }),
  fc.record({ family: fc.constant('text'), contentType, body: fc.string({ maxLength: 300, unit: 'binary' }) }),
  // Any JSON value: never an Application.
  fc.record({ family: fc.constant('json'), contentType, body: anyJson.map((v) => JSON.stringify(v)) }),
  // Valid applications with one field made wrong.
  fc.record({
    family: fc.constant('wrong-apiVersion'),
    contentType,
    body: fc
      .oneof(anyJson, fc.string())
      .filter((v) => v !== 'core.oam.dev/v1beta1')
      .map((v) => JSON.stringify(mutate((d) => (d.apiVersion = v)))),
  }),
  fc.record({
    family: fc.constant('wrong-name'),
    contentType,
    body: fc
      .oneof(anyJson, fc.string())
      .filter((v) => v !== 'fuzz')
      .map((v) => JSON.stringify(mutate((d) => ((d.metadata as Json).name = v)))),
  }),
  fc.record({
    family: fc.constant('unknown-type'),
    contentType,
    body: fc
      .tuple(fc.nat(2), fc.oneof(anyJson, fc.string()))
      .filter(([, v]) => !(typeof v === 'string' && KNOWN_TYPES.has(v)))
      .map(([i, v]) => JSON.stringify(mutate((d) => (components(d)[i].type = v)))),
  }),
  fc.record({
    family: fc.constant('bad-engine'),
    contentType,
    body: fc
      .oneof(anyJson, fc.string())
      .filter((v) => v !== 'mysql' && v !== 'postgresql')
      .map((v) => JSON.stringify(mutate((d) => ((components(d)[1].properties as Json).engine = v)))),
  }),
  fc.record({
    family: fc.constant('bad-components'),
    contentType,
    body: fc
      .oneof(
        anyJson.filter((v) => !Array.isArray(v)),
        fc.constant([]),
      )
      .map((v) => JSON.stringify(mutate((d) => ((d.spec as Json).components = v)))),
  }),
  fc.record({
    family: fc.constant('duplicate-component'),
    contentType,
    body: fc.constant(JSON.stringify(mutate((d) => components(d).push(components(d)[0])))),
  }),
  fc.record({
    family: fc.constant('dangling-binding'),
    contentType,
    body: fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((s) => !['db', 'assets'].includes(s))
      .map((target) =>
        JSON.stringify(
          mutate((d) => {
            const trait = (components(d)[0].traits as Json[])[0];
            ((trait.properties as Json).envMappings as Json).PGHOST = { secret: target, key: 'DB_HOST' };
          }),
        ),
      ),
  }),
  // Huge and odd numbers where a port is expected (JSON text, so they reach the parser as written).
  fc.record({
    family: fc.constant('huge-number'),
    contentType: fc.constant('application/json'),
    body: hugeNumber.map((n) =>
      JSON.stringify(mutate((d) => ((components(d)[0].properties as Json).port = 0))).replace(
        '"port":0',
        `"port":${n}`,
      ),
    ),
  }),
  // Prototype-pollution keys anywhere.
  fc.record({
    family: fc.constant('proto-keys'),
    contentType,
    body: fc
      .constantFrom('__proto__', 'constructor', 'prototype')
      .chain((key) =>
        fc
          .constantFrom('{', '"properties":{', '"metadata":{')
          .map((at) => JSON.stringify(valid()).replace(at, `${at}"${key}":{"polluted":true,"isAdmin":true},`)),
      ),
  }),
  // YAML's sharp edges: alias bombs, several documents, tags, deep nesting, duplicate keys.
  fc.record({
    family: fc.constant('yaml-edges'),
    contentType: fc.constantFrom('application/yaml', 'text/yaml'),
    body: fc.constantFrom(
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
      `${quickstartYaml}---\n${quickstartYaml}`,
      quickstartYaml.replace('name: quickstart', 'name: !!js/function "function(){}"'),
      quickstartYaml.replace('name: quickstart', 'name: !!binary aGVsbG8='),
      quickstartYaml.replace('name: quickstart', 'name: fuzz\n  name: other'),
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `${'a:\n '.repeat(2000)}b`,
      quickstartYaml.replace('name: quickstart', 'name: *missing'),
      '\t\u0000bad',
      kubeVelaYaml.replace('name: webapp', 'name: fuzz').replace('type: alibaba-rds', 'type: alibaba-rdz'),
    ),
  }),
  // Wrong media types, encodings and sizes.
  fc.record({
    family: fc.constant('media-type'),
    contentType: fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'application/octet-stream',
        'multipart/form-data',
        'application/yaml; charset=utf-16',
        '',
        'yaml',
        '*/*',
        'application/json+yaml',
      ),
      fc.string({ maxLength: 40 }).filter((s) => !DOCUMENT_TYPES.includes(s.split(';')[0].trim().toLowerCase())),
    ),
    body: fc.constant(quickstartYaml.replace('name: quickstart', 'name: fuzz')),
  }),
  fc.record({
    family: fc.constant('too-large'),
    contentType,
    body: fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 2 }).map((n) => `# ${'y'.repeat(n)}\n${quickstartYaml}`),
  }),
  // Path names that can never be valid application names, with matching metadata.
  fc
    .record({
      family: fc.constant('bad-path-name'),
      contentType: fc.constant('application/json'),
      body: fc.constant(''),
      app: notDns,
    })
    .map((r) => ({ ...r, body: JSON.stringify(mutate((d) => ((d.metadata as Json).name = r.app))) })),
];

describe.each(BACKENDS)('HTTP fuzz on $name', ({ name: backend, skip }) => {
  let t: TestApp;

  beforeAll(async () => {
    if (!skip) t = await startTestApp(backend, { config: { maxBodyBytes: MAX_BODY } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.skipIf(skip)(
    `answers ${RUNS} generated bad documents with a 4xx problem, never a 5xx, and stores none`,
    async () => {
      const statuses = new Map<string, Set<number>>();
      await fc.assert(
        fc.asyncProperty(fc.oneof(...families), async (bad) => {
          const path = `/v1/environments/local/applications/${encodeURIComponent(bad.app ?? 'fuzz')}`;
          let call = request(t.server).put(path);
          if (bad.contentType !== '') call = call.set('Content-Type', bad.contentType);
          const answer = await call.send(bad.body);
          if (!statuses.has(bad.family)) statuses.set(bad.family, new Set());
          statuses.get(bad.family)!.add(answer.status);
          expect(answer.status, `${bad.family}: ${answer.text?.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
          expect(answer.status, `${bad.family}: ${answer.text?.slice(0, 300)}`).toBeLessThan(500);
          expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
          const problem = JSON.parse(answer.text);
          expect(problem.status).toBe(answer.status);
          expect(Array.isArray(problem.errors)).toBe(true);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      // Every family was exercised, and the server's own objects were never polluted.
      expect(statuses.size).toBe(families.length);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(statuses.get('too-large')).toEqual(new Set([413]));
      expect(statuses.get('media-type')).toEqual(new Set([415]));
      expect((await request(t.server).get('/v1/environments/local/applications')).body.total).toBe(0);
      expect((await request(t.server).get('/readyz')).status).toBe(200);
    },
    300_000,
  );
});
