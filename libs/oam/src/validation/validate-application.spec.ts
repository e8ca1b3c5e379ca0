import type { ApplicationSpec, JsonObject, ValidationProblem } from '@berth/core';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applicationWithComponents, productionYaml, quickstartYaml } from '../testing/applications.fixture';
import type { ValidationContext } from '../oam.types';
import { validateApplication } from './validate-application';

function load(yaml: string): JsonObject {
  return parse(yaml) as JsonObject;
}

function valid(document: unknown, context?: ValidationContext): { application: ApplicationSpec; document: JsonObject } {
  const result = validateApplication(document, context);
  if (!result.ok) throw new Error(`expected a valid application, got ${JSON.stringify(result.problems, null, 2)}`);
  return result;
}

function problemsOf(document: unknown, context?: ValidationContext): ValidationProblem[] {
  const result = validateApplication(document, context);
  if (result.ok) throw new Error('expected problems, the application was valid');
  return result.problems;
}

/** The quickstart with `edit` applied to its parsed form (components: 0 api, 1 db, 2 assets). */
function quickstart(edit: (doc: any) => void): JsonObject {
  const doc = load(quickstartYaml);
  edit(doc);
  return doc;
}

describe('validateApplication: valid documents', () => {
  it('normalizes the quickstart: types, kinds, defaults, default secret names and bindings', () => {
    const { application, document } = valid(load(quickstartYaml));
    expect(application.name).toBe('quickstart');
    const [api, db, assets] = application.components;
    expect(db).toMatchObject({
      kind: 'cloud',
      type: 'rds',
      deletionPolicy: 'Delete',
      connectionSecretName: 'quickstart-db-conn',
      properties: { engine: 'postgresql', privilege: 'ReadWrite', storageGB: 20, publicConnection: false },
    });
    expect(db!.properties).not.toHaveProperty('securityIps');
    expect(db!.properties).not.toHaveProperty('password');
    expect(assets).toMatchObject({ kind: 'cloud', type: 'oss', properties: { acl: 'private', versioning: false } });
    expect(api).toMatchObject({ kind: 'workload', type: 'webservice', properties: { replicas: 1 } });
    expect(api!.kind === 'workload' && api!.bindings).toContainEqual({
      env: 'BUCKET_NAME',
      secret: 'assets',
      key: 'BUCKET_NAME',
    });
    expect(api!.kind === 'workload' && api!.bindings).toContainEqual({
      env: 'PGPASSWORD',
      secret: 'db',
      key: 'DB_PASSWORD',
    });
    const dbDoc = (document.spec as any).components[1];
    expect(dbDoc.properties.writeConnectionSecretToRef).toEqual({ name: 'quickstart-db-conn' });
  });

  it('accepts the production application and the generated 50-component one', () => {
    const { application } = valid(load(productionYaml));
    const db = application.components.find((c) => c.name === 'orders-db')!;
    expect(db).toMatchObject({
      deletionPolicy: 'Retain',
      connectionSecretName: 'orders-db-secret',
      dependsOn: ['net'],
    });
    expect(db.properties).not.toHaveProperty('deletionPolicy');
    expect(valid(applicationWithComponents(50)).application.components).toHaveLength(50);
  });

  it('accepts the common cloud fields at component level or in properties, with the same result', () => {
    const atComponent = quickstart((d) => {
      Object.assign(d.spec.components[1], {
        writeConnectionSecretToRef: { name: 'pg' },
        deletionPolicy: 'Retain',
        providerRef: { name: 'prod' },
      });
      d.spec.components[1].dependsOn = ['assets'];
    });
    const inProperties = quickstart((d) => {
      Object.assign(d.spec.components[1].properties, {
        writeConnectionSecretToRef: { name: 'pg' },
        deletionPolicy: 'Retain',
        providerRef: { name: 'prod' },
        dependsOn: ['assets'],
      });
    });
    const a = valid(atComponent, { profileNames: ['prod'] });
    const b = valid(inProperties, { profileNames: ['prod'] });
    expect(a).toEqual(b);
    expect(a.application.components[1]).toMatchObject({
      providerRef: 'prod',
      connectionSecretName: 'pg',
      deletionPolicy: 'Retain',
      dependsOn: ['assets'],
    });
  });

  it('resolves a binding by connection secret name as well as by component name', () => {
    const doc = quickstart((d) => {
      d.spec.components[0].traits[0].properties.envMappings.PGHOST.secret = 'quickstart-db-conn';
    });
    expect(valid(doc).application.components[0]).toMatchObject({
      bindings: expect.arrayContaining([{ env: 'PGHOST', secret: 'quickstart-db-conn', key: 'DB_HOST' }]),
    });
  });
});

describe('validateApplication: problems', () => {
  it('checks apiVersion, kind, metadata.name and unknown top-level fields', () => {
    const problems = problemsOf({
      apiVersion: 'v1',
      kind: 'Deployment',
      metadata: { name: 'Bad_Name' },
      spec: { components: [] },
      statuz: {},
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/apiVersion', message: 'must be core.oam.dev/v1beta1' },
        { path: '/kind', message: 'must be Application' },
        { path: '/metadata/name', message: expect.stringContaining('DNS-1123') },
        { path: '/statuz', message: expect.stringContaining('is not a known field') },
        { path: '/spec/components', message: 'must have at least 1 component' },
      ]),
    );
    expect(problemsOf([1, 2])).toEqual([{ path: '', message: 'must be a mapping (an Application), found a list' }]);
  });

  it('checks component names: DNS-1123 labels of at most 63 characters, unique', () => {
    const problems = problemsOf(
      quickstart((d) => {
        d.spec.components[1].name = 'x'.repeat(64);
        d.spec.components[2].name = 'api';
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/spec/components/1/name', message: 'must be at most 63 characters long (it has 64)' },
        {
          path: '/spec/components/2/name',
          message: 'repeats the component name api (already used at /spec/components/0)',
        },
      ]),
    );
  });

  it('names the known types and the closest match for an unknown component or trait type', () => {
    const problems = problemsOf(
      quickstart((d) => {
        d.spec.components[1].type = 'rdss';
        d.spec.components[0].traits[0].type = 'service-bind';
      }),
    );
    const type = problems.find((p) => p.path === '/spec/components/1/type')!;
    expect(type.message).toContain('unknown component type "rdss"');
    expect(type.message).toContain('rds, oss, slb, vpc, redis, webservice, worker, task');
    expect(type.message).toContain('alibaba-rds');
    expect(type.message).toMatch(/closest match: rds$/);
    expect(problems).toContainEqual({
      path: '/spec/components/0/traits/0/type',
      message: expect.stringMatching(
        /^unknown trait type "service-bind" \(Berth runs only its built-in definitions; .*\); known traits: .*service-binding.*; closest match: service-binding$/,
      ),
    });
  });

  it('offers no closest match when no known type is really close', () => {
    const problems = problemsOf(
      quickstart((d) => {
        d.spec.components[1].type = 'flagger';
      }),
    );
    const type = problems.find((p) => p.path === '/spec/components/1/type')!;
    expect(type.message).toContain('unknown component type "flagger"');
    expect(type.message).toContain('known types: rds, oss, slb');
    expect(type.message).not.toContain('closest match');
  });

  it('translates schema errors into plain messages at JSON pointers', () => {
    const problems = problemsOf(
      quickstart((d) => {
        d.spec.components[1].properties.engine = 'oracle';
        d.spec.components[1].properties.storageGB = 2;
        d.spec.components[1].properties.acountName = 'x';
        d.spec.components[1].properties.publicConnection = 'yes';
        d.spec.components[1].properties.databaseName = 'Has-Dash';
        delete d.spec.components[0].properties.image;
        d.spec.components[0].properties.port = 70000;
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/spec/components/1/properties/engine', message: 'must be one of mysql, postgresql' },
        { path: '/spec/components/1/properties/storageGB', message: 'must be at least 5' },
        {
          path: '/spec/components/1/properties/acountName',
          message: expect.stringMatching(
            /^is not a known property of rds; known: engine, .*accountName.*\(did you mean accountName\?\)$/,
          ),
        },
        { path: '/spec/components/1/properties/publicConnection', message: 'must be true or false' },
        {
          path: '/spec/components/1/properties/databaseName',
          message: expect.stringContaining("lowercase letters, digits and '_'"),
        },
        { path: '/spec/components/0/properties/image', message: 'is required' },
        { path: '/spec/components/0/properties/port', message: 'must be at most 65535' },
      ]),
    );
  });

  it('reports every problem at once, across the whole document', () => {
    const problems = problemsOf(
      quickstart((d) => {
        d.kind = 'App';
        d.spec.components[1].properties.engine = 'oracle';
        d.spec.components[2].properties.acl = 'open';
        d.spec.components[0].traits[0].properties.envMappings.PGHOST.secret = 'nowhere';
      }),
    );
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        '/kind',
        '/spec/components/1/properties/engine',
        '/spec/components/2/properties/acl',
        '/spec/components/0/traits/0/properties/envMappings/PGHOST/secret',
      ]),
    );
  });

  it('requires dependsOn and network to resolve, and network to name a vpc', () => {
    const problems = problemsOf(
      quickstart((d) => {
        d.spec.components[0].dependsOn = ['dbb'];
        d.spec.components[1].properties.network = 'assets';
        d.spec.components[2].dependsOn = ['assets'];
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: '/spec/components/0/dependsOn/0',
          message: expect.stringMatching(/^"dbb" is not a component of this application; .*closest match: db$/),
        },
        { path: '/spec/components/1/properties/network', message: 'must name a vpc component; assets is a oss' },
        { path: '/spec/components/2/dependsOn/0', message: 'dependsOn names the component itself' },
      ]),
    );
  });

  it('checks binding targets and keys against the connection keys the target publishes', () => {
    const problems = problemsOf(
      quickstart((d) => {
        const m = d.spec.components[0].traits[0].properties.envMappings;
        m.PGHOST.key = 'DB_HOTS';
        m.PGPORT.secret = 'api';
        m.PUBLIC = { secret: 'db', key: 'DB_PUBLIC_HOST' };
        m.BUCKET = { secret: 'assets' };
      }),
    );
    const at = '/spec/components/0/traits/0/properties/envMappings';
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: `${at}/PGHOST/key`,
          message: expect.stringMatching(
            /^DB_HOTS is not a connection key of rds component db; keys: DB_HOST, .*closest match: DB_HOST$/,
          ),
        },
        {
          path: `${at}/PGPORT/secret`,
          message: '"api" is a workload; a binding takes a cloud component or its connection secret',
        },
        {
          path: `${at}/PUBLIC/key`,
          message:
            'DB_PUBLIC_HOST is published only by a component with publicConnection: true, and db has no public connection (set publicConnection: true on it)',
        },
        {
          path: `${at}/BUCKET`,
          message: expect.stringContaining(
            'BUCKET is not a connection key of oss component assets (key defaults to the variable name)',
          ),
        },
      ]),
    );
  });

  it('refuses a variable set twice, by env and by a binding', () => {
    const problems = problemsOf(
      quickstart((d) => d.spec.components[0].properties.env.push({ name: 'PGHOST', value: 'x' })),
    );
    expect(problems).toEqual([
      {
        path: '/spec/components/0/traits/0/properties/envMappings/PGHOST',
        message: 'sets PGHOST, which is already set at /spec/components/0/properties/env/1/name',
      },
    ]);
  });

  it('shows a dependency cycle as a → b → a at the reference that closes it', () => {
    const doc = load(productionYaml) as any;
    doc.spec.components[0].dependsOn = ['orders-db'];
    expect(problemsOf(doc)).toEqual([
      { path: '/spec/components/0/dependsOn/0', message: 'dependency cycle: net → orders-db → net' },
    ]);
  });

  it('allows bindings on workloads only and cloud-only fields on cloud components only', () => {
    const problems = problemsOf(
      quickstart((d) => {
        d.spec.components[1].traits = [
          { type: 'service-binding', properties: { envMappings: { A: { secret: 'assets' } } } },
        ];
        d.spec.components[0].deletionPolicy = 'Retain';
        d.spec.components[0].properties.writeConnectionSecretToRef = { name: 'x' };
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: '/spec/components/1/traits/0/type',
          message: 'service-binding applies to workloads only; db is a cloud component (rds)',
        },
        {
          path: '/spec/components/0/deletionPolicy',
          message: 'applies to cloud components only; api is a webservice (a workload)',
        },
        {
          path: '/spec/components/0/properties/writeConnectionSecretToRef',
          message: 'applies to cloud components only; api is a webservice (a workload)',
        },
      ]),
    );
  });

  it('checks the common cloud fields: secret name, deletion policy, provider profile, given once', () => {
    const problems = problemsOf(
      quickstart((d) => {
        d.spec.components[1].writeConnectionSecretToRef = { name: 'Bad Name' };
        d.spec.components[1].deletionPolicy = 'Keep';
        d.spec.components[1].properties.providerRef = { name: 'missing' };
        d.spec.components[2].providerRef = { name: 'other' };
        d.spec.components[2].properties.providerRef = { name: 'other' };
      }),
      { profileNames: ['prod'] },
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/spec/components/1/writeConnectionSecretToRef/name', message: expect.stringContaining('DNS-1123') },
        { path: '/spec/components/1/deletionPolicy', message: 'must be one of Delete, Retain' },
        {
          path: '/spec/components/1/properties/providerRef/name',
          message: '"missing" is not a provider profile of this environment; profiles: prod',
        },
        {
          path: '/spec/components/2/properties/providerRef',
          message: 'is also given at component level (/spec/components/2/providerRef); give it once',
        },
      ]),
    );
  });

  it('refuses a default connection secret name longer than 63 characters and duplicate secret names', () => {
    const long = quickstart((d) => {
      d.metadata.name = 'a'.repeat(40);
      d.spec.components[1].name = 'b'.repeat(30);
      d.spec.components[0].traits = [];
    });
    expect(problemsOf(long)).toEqual([
      { path: '/spec/components/1/name', message: expect.stringContaining('set writeConnectionSecretToRef.name') },
    ]);
    const twice = quickstart((d) => {
      d.spec.components[1].writeConnectionSecretToRef = { name: 'shared' };
      d.spec.components[2].writeConnectionSecretToRef = { name: 'shared' };
    });
    expect(problemsOf(twice)).toEqual([
      {
        path: '/spec/components/2/writeConnectionSecretToRef/name',
        message: 'connection secret shared is also written by component db',
      },
    ]);
  });

  it('runs the environment checks on cloud components with paths under their properties', () => {
    const seen: string[] = [];
    const problems = problemsOf(load(quickstartYaml), {
      componentChecks: [
        (component) => {
          seen.push(`${component.name}:${component.type}`);
          return component.type === 'rds' ? [{ path: '/engine', message: 'postgresql is not offered here' }] : [];
        },
      ],
    });
    expect(seen).toEqual(['db:rds', 'assets:oss']);
    expect(problems).toEqual([
      { path: '/spec/components/1/properties/engine', message: 'postgresql is not offered here' },
    ]);
  });

  it('turns a failing environment check into a problem instead of an exception', () => {
    const problems = problemsOf(load(quickstartYaml), {
      componentChecks: [
        () => {
          throw new Error('provider settings unreadable');
        },
      ],
    });
    expect(problems).toEqual([
      { path: '/spec/components/1/properties', message: 'could not be checked: provider settings unreadable' },
      { path: '/spec/components/2/properties', message: 'could not be checked: provider settings unreadable' },
    ]);
  });

  it('checks vSwitch CIDRs against the VPC CIDR and port/ports exclusivity', () => {
    const doc = load(productionYaml) as any;
    doc.spec.components[0].properties.vswitches[1].cidr = '192.168.0.0/24';
    doc.spec.components[4].properties.port = 80;
    expect(problemsOf(doc)).toEqual([
      {
        path: '/spec/components/0/properties/vswitches/1/cidr',
        message: "must lie inside the VPC's CIDR block 10.20.0.0/16",
      },
      { path: '/spec/components/4/properties/ports', message: 'give either port or ports, not both' },
    ]);
  });

  it('never reports a secret value in a message', () => {
    const secret = 'sup3r-s3cret-value-that-is-far-too-long-for-rds';
    const problems = problemsOf(quickstart((d) => (d.spec.components[1].properties.password = secret)));
    expect(problems).toEqual([
      { path: '/spec/components/1/properties/password', message: 'must be at most 32 characters long' },
    ]);
    expect(JSON.stringify(problems)).not.toContain(secret);
  });

  it('treats keys like __proto__ and constructor as plain unknown keys', () => {
    const doc = JSON.parse(
      '{"apiVersion":"core.oam.dev/v1beta1","kind":"Application","metadata":{"name":"a","__proto__":{"x":1}},' +
        '"spec":{"components":[{"name":"c","type":"constructor","properties":{"__proto__":{"polluted":true}}}]}}',
    );
    const problems = problemsOf(doc);
    expect(problems.map((p) => p.path)).toEqual(['/metadata/__proto__', '/spec/components/0/type']);
    expect(({} as any).polluted).toBeUndefined();
  });

  it('refuses a self-containing value handed over directly', () => {
    const doc: any = { apiVersion: 'core.oam.dev/v1beta1', kind: 'Application', metadata: { name: 'a' } };
    doc.spec = doc;
    expect(problemsOf(doc)).toEqual([{ path: '', message: 'the document contains itself (a recursive alias)' }]);
  });
});
