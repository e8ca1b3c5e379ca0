import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runBerth, startBerthServer, type BerthServer } from './support/berth-process';

/**
 * The `berth` command line as a separate process against a real Berth server process (built dist, SQLite in a temp
 * data dir): reading environments, definitions and applications, dry runs, and how a bad document is reported.
 */
describe('berth CLI against a real server: reads, dry runs and errors', () => {
  let server: BerthServer;
  const berth = (args: string[], input?: string) => runBerth(server.url, args, { input });
  const quickstart = readFileSync(join(ROOT, 'examples/quickstart.yaml'), 'utf8');

  beforeAll(async () => {
    ensureBuilt();
    server = await startBerthServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('apply --dry-run prints the normalized application and stores nothing', async () => {
    const result = await berth(['apply', '-f', 'examples/quickstart.yaml', '--dry-run']);
    expect(result.stderr).toContain('nothing was stored');
    expect(result.code).toBe(0);
    const printed = parse(result.stdout) as {
      kind: string;
      metadata: { name: string };
      spec: { components: { name: string; type: string; properties: Record<string, unknown> }[] };
    };
    expect(printed.kind).toBe('Application');
    expect(printed.metadata.name).toBe('quickstart');
    expect(printed.spec.components.map((c) => c.name).sort()).toEqual(['db', 'files', 'web']);
    // Normalized by the server: defaults of the rds schema are filled in although the file does not set them.
    const db = printed.spec.components.find((c) => c.name === 'db');
    expect(db?.properties).toMatchObject({ engine: 'postgresql', storageGB: 20 });

    // JSON in (sent as application/json: stdin starting with `{`), JSON out.
    const json = await berth(['apply', '-f', '-', '--dry-run', '-o', 'json'], JSON.stringify(parse(quickstart)));
    expect(json.stderr).toContain('nothing was stored');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { metadata: { name: string } }).metadata.name).toBe('quickstart');

    const apps = await berth(['get', 'apps', '-o', 'json']);
    expect(apps.code).toBe(0);
    expect((JSON.parse(apps.stdout) as { items: unknown[] }).items).toEqual([]);
  });

  it('a bad YAML shows every field path the server rejected and exits non-zero', async () => {
    const bad = quickstart.replace('engine: postgresql', 'engine: oracle').replace('acl: private', 'acl: everyone');
    const result = await berth(['apply', '-f', '-'], bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: .+\(422\)/);
    expect(result.stderr).toMatch(/^ {2}\/spec\/components\/1\/properties\/engine: .+/m);
    expect(result.stderr).toMatch(/^ {2}\/spec\/components\/2\/properties\/acl: .+/m);
    const apps = await berth(['get', 'apps']);
    expect(apps.stderr).toContain('no applications in environment local');
  });

  it('a YAML syntax error is reported with its line before anything is sent', async () => {
    const result = await berth(['apply', '-f', '-'], 'metadata:\n  name: [oops\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: stdin is not valid YAML');
    expect(result.stderr).toMatch(/at line \d+, column \d+$/m);
  });

  it('envs lists the local environment with its provider and runtime', async () => {
    const table = await berth(['envs']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+PROVIDER\s+RUNTIME/);
    expect(table.stdout).toMatch(/^local \(current\)\s+local\s+local\s/m);
    const json = await berth(['get', 'envs', '-o', 'json']);
    expect((JSON.parse(json.stdout) as { items: { name: string }[] }).items.map((e) => e.name)).toContain('local');
  });

  it('definitions lists the component types and traits; show prints properties and connection keys', async () => {
    const list = await berth(['definitions']);
    expect(list.code).toBe(0);
    for (const type of ['rds', 'oss', 'slb', 'vpc', 'webservice', 'service-binding'])
      expect(list.stdout).toMatch(new RegExp(`^${type}\\s`, 'm'));
    expect(list.stdout).toMatch(/^rds\s.*alibaba-rds/m);

    const show = await berth(['show', 'alibaba-rds']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^rds\b/);
    expect(show.stdout).toMatch(/^engine\s+mysql\|postgresql\s/m);
    expect(show.stdout).toContain('Connection keys');
    expect(show.stdout).toMatch(/^DB_HOST\b/m);
    expect(show.stdout).toMatch(/^DB_PASSWORD\s+yes/m);

    const yaml = parse((await berth(['show', 'oss', '-o', 'yaml'])).stdout) as { name: string; schema: unknown };
    expect(yaml.name).toBe('oss');
    expect(yaml.schema).toBeTruthy();

    const unknown = await berth(['show', 'mainframe']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: .+\(404\)/);
  });

  it('status of an unknown application is a 404 error with exit code 1; an unknown environment too', async () => {
    const status = await berth(['status', 'nope']);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/^error: .+\(404\)/);
    const env = await berth(['get', 'apps', '--env', 'nowhere']);
    expect(env.code).toBe(1);
    expect(env.stderr).toBe('error: environment "nowhere" does not exist (404)\n  known environments: local\n');
  });

  it('a mistyped --env lists the known environments and names the one that was meant', async () => {
    const staging = await fetch(`${server.url}/v1/environments/staging`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...server.auth },
      body: JSON.stringify({ provider: { kind: 'local' }, runtime: { kind: 'local' } }),
    });
    expect(staging.status).toBe(201);
    for (const args of [
      ['get', 'apps', '--env', 'stagign'],
      ['status', 'shop', '--env', 'stagign'],
    ]) {
      const result = await berth(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'error: environment "stagign" does not exist (404)\n' +
          '  known environments: local, staging; did you mean staging?\n',
      );
    }
    // An unknown application in a known environment is still that.
    const app = await berth(['status', 'shop', '--env', 'staging']);
    expect(app.stderr).toBe('error: Not found (404)\n  application "shop" in environment staging not found\n');
  });

  it('BERTH_URL without a scheme is explained in one line, with what to write instead', async () => {
    const hostPort = server.url.replace(/^http:\/\//, '');
    const result = await runBerth(server.url, ['get', 'apps'], { env: { BERTH_URL: hostPort } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: BERTH_URL must be an http:// or https:// URL, not "${hostPort}"; write BERTH_URL=http://${hostPort}\n`,
    );
  });

  it('prints a rejected field once, and offers a closest match only when one is really close', async () => {
    const one = await berth(['apply', '-f', '-'], quickstart.replace('engine: postgresql', 'engine: postgress'));
    expect(one.code).toBe(1);
    expect(one.stderr).toBe(
      'error: Invalid application (422)\n  /spec/components/1/properties/engine: must be one of mysql, postgresql\n',
    );
    const typo = await berth(['apply', '-f', '-'], quickstart.replace('type: rds', 'type: rsd'));
    expect(typo.stderr).toMatch(
      /^ {2}\/spec\/components\/1\/type: unknown component type "rsd" .*; closest match: rds$/m,
    );
    const unrelated = await berth(['apply', '-f', '-'], quickstart.replace('type: rds', 'type: frobnicator'));
    expect(unrelated.stderr).toMatch(/^ {2}\/spec\/components\/1\/type: unknown component type "frobnicator" /m);
    expect(unrelated.stderr).not.toContain('closest match');
    const lines = unrelated.stderr.trimEnd().split('\n');
    expect(new Set(lines).size).toBe(lines.length);
    // A KubeVela feature Berth does not run is named as such, with what to use instead, never "closest match: slb".
    const helm = await berth(['apply', '-f', '-'], quickstart.replace('type: rds', 'type: helm'));
    expect(helm.stderr).toMatch(/^ {2}\/spec\/components\/1\/type: .*"helm".*does not run.*instead: /m);
    expect(helm.stderr).not.toContain('closest match');
  });

  it('apply without --wait stores the application: created, unchanged, configured; get apps and status show it', async () => {
    // Only a workload, so nothing is provisioned outside this server's data dir.
    const hello = (image: string) =>
      `apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: hello\nspec:\n  components:\n    - name: web\n      type: webservice\n      properties:\n        image: ${image}\n        port: 8080\n`;
    const created = await berth(['apply', '-f', '-'], hello('nginx:1.27'));
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^application\/hello created in local \(generation 1\)/);
    const same = await berth(['apply', '-f', '-'], hello('nginx:1.27'));
    expect(same.stdout).toMatch(/^application\/hello unchanged in local \(generation 1\)/);
    const changed = await berth(['apply', '-f', '-', '-o', 'json'], hello('nginx:1.28'));
    expect(changed.stderr).toMatch(/^application\/hello configured in local \(generation 2\)/);
    expect((JSON.parse(changed.stdout) as { metadata: { generation: number } }).metadata.generation).toBe(2);

    const apps = await berth(['get', 'apps']);
    expect(apps.stdout).toMatch(/^NAME\s+PHASE\s+GENERATION\s+AGE\nhello\s+\S+\s+2\s+\d+s\n$/);
    const status = await berth(['status', 'hello']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^hello {2}\S+ {2}generation 2/);

    const removed = await berth(['delete', 'hello']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^application\/hello deletion queued in local/);
  });

  it('apply prints each warning of the answer once on stderr, in a dry run and in a real apply', async () => {
    const pasted =
      'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: pasted\n' +
      '  uid: 6f1c2d3e-0000-4000-8000-000000000001\n  resourceVersion: "4242"\n' +
      'spec:\n  components:\n    - name: web\n      type: webservice\n      properties:\n        image: nginx:1.27\n' +
      'status:\n  status: running\n';
    const warningLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('warning: '));

    const dry = await berth(['apply', '-f', '-', '--dry-run'], pasted);
    expect(dry.code, dry.stderr).toBe(0);
    const dryWarnings = warningLines(dry.stderr);
    expect(dryWarnings).toHaveLength(3);
    for (const path of ['/metadata/uid', '/metadata/resourceVersion', '/status'])
      expect(dryWarnings.filter((line) => line.startsWith(`warning: ${path}: `))).toHaveLength(1);
    // The printed application is the normalized document: the warnings are not part of it.
    expect(parse(dry.stdout)).not.toHaveProperty('warnings');

    const real = await berth(['apply', '-f', '-'], pasted);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain('application/pasted created in local');
    expect(warningLines(real.stderr)).toEqual(dryWarnings);
    const removed = await berth(['delete', 'pasted', '--wait', '--timeout', '3m']);
    expect(removed.code, removed.stderr).toBe(0);
  });
});
