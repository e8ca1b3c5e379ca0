import type { ValidationProblem } from '@berth/core';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  applicationWithComponents,
  kubeVelaYaml,
  productionYaml,
  quickstartYaml,
} from '../testing/applications.fixture';
import { OamError } from '../errors/oam.error';
import { parseDocument } from '../parsing/parse-document';
import { pointerSegments } from './path-map';
import { validateApplication } from './validate-application';

type Json = unknown;
const BASES: Json[] = [
  parse(quickstartYaml),
  parse(kubeVelaYaml),
  parse(productionYaml),
  applicationWithComponents(7),
  parse(
    kubeVelaYaml
      .replace(/alibaba-oss/g, 'alibaba-vswitch')
      .replace('bucket: berth-webapp-sample-bucket', 'vswitch_cidr: 10.0.1.0/24'),
  ),
];
const TEXTS = [quickstartYaml, kubeVelaYaml, productionYaml];

function exists(document: Json, segments: string[]): boolean {
  let node: Json = document;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, segment)) return false;
    node = (node as Record<string, Json>)[segment];
  }
  return true;
}

/** Every problem is located at a path of the input, or just under one (a missing required property). */
function assertPathsPointIntoInput(document: Json, problems: ValidationProblem[]): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const problem of problems) {
    expect(typeof problem.message).toBe('string');
    expect(problem.path === '' || problem.path.startsWith('/')).toBe(true);
    const segments = pointerSegments(problem.path);
    const ok = exists(document, segments) || exists(document, segments.slice(0, -1));
    if (!ok) throw new Error(`problem path ${problem.path} is not in the input: ${problem.message}`);
  }
}

function allPaths(document: Json): string[][] {
  const paths: string[][] = [[]];
  const stack: Array<{ node: Json; path: string[] }> = [{ node: document, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    for (const key of Object.keys(node)) {
      const child = [...path, key];
      paths.push(child);
      stack.push({ node: (node as Record<string, Json>)[key], path: child });
    }
  }
  return paths;
}

const keyArb = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'type',
    'name',
    'password',
    'dependsOn',
    'network',
    'secret',
    'key',
    'properties',
    'traits',
    'envMappings',
    'writeConnectionSecretToRef',
    '',
  ),
  fc.string({ maxLength: 12 }),
);
const valueArb = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    'rds',
    'alibaba-rds',
    'vpc',
    'webservice',
    'service-binding',
    'db',
    'net',
    'api',
    'assets',
    'orders-db',
    'Retain',
    'x'.repeat(70),
    -1,
    0,
    65536,
    null,
    [],
    {},
  ),
);
const mutationArb = fc.record({
  op: fc.constantFrom('delete', 'replace', 'insert', 'rename', 'duplicate'),
  pick: fc.nat(),
  key: keyArb,
  value: valueArb,
});

interface Mutation {
  op: string;
  pick: number;
  key: string;
  value: Json;
}

function mutate(base: Json, mutations: Mutation[]): Json {
  let document = JSON.parse(JSON.stringify(base)) as Json;
  for (const m of mutations) {
    const paths = allPaths(document);
    const path = paths[m.pick % paths.length]!;
    if (path.length === 0) {
      if (m.op === 'replace') document = m.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((node, s) => node[s], document);
    const last = path[path.length - 1]!;
    const target = parent[last];
    switch (m.op) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      case 'replace':
        parent[last] = m.value;
        break;
      case 'insert':
        if (Array.isArray(target)) target.push(m.value);
        else if (typeof target === 'object' && target !== null)
          Object.defineProperty(target, m.key, {
            value: m.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else parent[last] = m.value;
        break;
      case 'rename':
        if (!Array.isArray(parent)) {
          delete parent[last];
          Object.defineProperty(parent, m.key, { value: target, enumerable: true, writable: true, configurable: true });
        }
        break;
      default:
        if (Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(target ?? null)));
    }
  }
  return document;
}

describe('fuzz: validateApplication and parseDocument on bad documents', () => {
  it('mutated applications: never throws, every problem path points into the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...BASES),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (base, mutations) => {
          const document = mutate(base, mutations);
          const result = validateApplication(document);
          if (!result.ok) assertPathsPointIntoInput(document, result.problems);
          else expect(result.application.components.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('arbitrary JSON values: never throws, every problem path points into the input', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (document) => {
        const result = validateApplication(document);
        expect(result.ok).toBe(false);
        if (!result.ok) assertPathsPointIntoInput(document, result.problems);
      }),
      { numRuns: 500 },
    );
  });

  it('mangled YAML and JSON text: parseDocument throws only OamError, and what parses validates without throwing', () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 4 }),
      insert: fc.stringMatching(/^[-:[\]{}&*!|>'"#%@`,? \na-z0-9]{0,6}$/),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...TEXTS),
        fc.boolean(),
        fc.array(edit, { minLength: 1, maxLength: 5 }),
        (yaml, asJson, edits) => {
          let text = asJson ? JSON.stringify(parse(yaml)) : yaml;
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
          }
          let document: unknown;
          try {
            document = parseDocument(text, {
              contentType: asJson ? 'application/json' : 'application/yaml',
              maxBytes: 1 << 20,
            });
          } catch (error) {
            if (!(error instanceof OamError)) throw error;
            expect(error.problems.length + error.message.length).toBeGreaterThan(0);
            return;
          }
          const result = validateApplication(document);
          if (!result.ok) assertPathsPointIntoInput(document, result.problems);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
