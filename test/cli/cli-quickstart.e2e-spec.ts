import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runBerth, startBerthServer, type BerthServer } from './support/berth-process';

interface QuickstartFile {
  metadata: { name: string };
  spec: { components: { name: string; type: string }[] };
}

/**
 * The README quick start, step by step, through the `berth` binary against a real server process with the local
 * provider: apply --wait reaches Ready, status/env show the bound secret (redacted unless revealed), `berth run`
 * hands the variables to a real program that connects to the real database, and delete --wait leaves nothing.
 * The steps depend on each other, so they run in order in one server.
 */
describe('berth quick start against a real server', () => {
  let server: BerthServer;
  const berth = (args: string[], timeoutMs?: number) => runBerth(server.url, args, { timeoutMs });
  const file = parse(readFileSync(join(ROOT, 'examples/quickstart.yaml'), 'utf8')) as QuickstartFile;
  const app = file.metadata.name;
  const web = file.spec.components.find((c) => c.type === 'webservice')!.name;
  let revealed: Record<string, string> = {};

  beforeAll(async () => {
    ensureBuilt();
    server = await startBerthServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('apply --wait reaches Ready, printing each component as it changes', async () => {
    const result = await berth(['apply', '-f', 'examples/quickstart.yaml', '--wait', '--timeout', '3m'], 240_000);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`application/${app} created in local (generation 1)`);
    expect(result.stdout).toMatch(/^\[(\d+[hms] ?)+\] db: Ready$/m);
    expect(result.stdout).toMatch(/^\[(\d+[hms] ?)+\] files: Ready$/m);
    expect(result.stdout).toMatch(new RegExp(`✓ ${app} is Ready in local`));
    // Not a terminal: plain lines only, no cursor movement from the live view.
    expect(result.stdout).not.toContain('\u001b[');

    const again = await berth(['apply', '-f', 'examples/quickstart.yaml', '--wait']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`application/${app} unchanged`);
  }, 260_000);

  it('get apps and status show the application Ready with its components and non-secret outputs', async () => {
    const apps = await berth(['get', 'apps']);
    expect(apps.stdout).toMatch(new RegExp(`^${app}\\s+Ready\\s+1\\s`, 'm'));

    const status = await berth(['status', app]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^${app}  Ready`));
    expect(status.stdout).toMatch(/── db\s+rds\s+Ready/);
    expect(status.stdout).toMatch(/── files\s+oss\s+Ready/);
    expect(status.stdout).toMatch(new RegExp(`── ${web}\\s+webservice\\s+Ready`));
    expect(status.stdout).toMatch(/^│\s+DB_HOST\s+\S+/m);
    expect(status.stdout).not.toMatch(/DB_PASSWORD/);
  });

  it('env prints the bound variables, sensitive ones only with --reveal', async () => {
    const hidden = await berth(['env', app, web]);
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).toContain('# DB_PASSWORD is sensitive; add --reveal to print it');
    expect(parseEnv(hidden.stdout).DB_PASSWORD).toBeUndefined();

    const shown = await berth(['env', app, web, '--reveal']);
    revealed = parseEnv(shown.stdout) as Record<string, string>;
    for (const key of ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD', 'DATABASE_NAME', 'BUCKET_NAME'])
      expect(revealed[key], key).toBeTruthy();

    const status = await berth(['status', app, '-o', 'json']);
    expect(status.stdout).not.toContain(revealed.DB_PASSWORD);
    const json = JSON.parse((await berth(['env', app, web, '--format', 'json'])).stdout) as Record<
      string,
      string | null
    >;
    expect(json.DB_PASSWORD).toBeNull();
    expect(json.DB_HOST).toBe(revealed.DB_HOST);
  });

  it('berth run hands the variables to a real program that connects to the database and writes a row', async () => {
    const result = await berth(['run', app, web, '--', 'node', 'examples/check-db.js']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `connected to ${revealed.DATABASE_NAME} on ${revealed.DB_HOST}:${revealed.DB_PORT} as ${revealed.DB_USER}`,
    );
    const rows = (out: string) => Number(/inserted row \d+: .* \((\d+) rows in berth_check\)/.exec(out)?.[1]);
    expect(rows(result.stdout)).toBeGreaterThanOrEqual(1);
    // A second run sees the first one's row: the same database, really written to.
    const second = await berth(['run', app, web, '--', 'node', 'examples/check-db.js']);
    expect(rows(second.stdout)).toBe(rows(result.stdout) + 1);
  });

  it('berth run passes the exit code on and forwards SIGTERM to the command', async () => {
    expect((await berth(['run', app, web, '--', 'node', '-e', 'process.exit(5)'])).code).toBe(5);

    const script =
      "process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);";
    const result = await runBerth(server.url, ['run', app, web, '--', 'node', '-e', script], {
      onSpawn: (child) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) child.kill('SIGTERM');
        });
      },
    });
    expect(result.stdout).toContain('child got SIGTERM');
    expect(result.code).toBe(42);
  });

  it('logs shows the events of the latest operation', async () => {
    const result = await berth(['logs', app]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^apply operation \S+ \(quickstart, generation 1\)/);
    expect(result.stdout).toMatch(/\bdb\b/);
    expect(result.stdout.trimEnd()).toMatch(/apply Succeeded$/);
    const followed = await berth(['logs', app, '-f']);
    expect(followed.code).toBe(0);
    expect(followed.stdout.trimEnd()).toMatch(/apply Succeeded$/);
  });

  it('delete --wait leaves nothing: no application, and the database is gone', async () => {
    const result = await berth(['delete', app, '--wait', '--timeout', '3m'], 240_000);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const line = (component: string, phase: string) =>
      result.stdout.split('\n').findIndex((l) => new RegExp(`^\\[[^\\]]+\\] ${component}: ${phase}$`).test(l));
    expect(line(app, 'Deleted')).toBeGreaterThan(-1);
    // The workload is shown gone (not Pending), and before the cloud components it was bound to, as it happens.
    expect(line(web, 'Deleted')).toBeGreaterThan(-1);
    expect(line(web, 'Pending')).toBe(-1);
    for (const cloud of ['db', 'files']) expect(line(web, 'Deleted')).toBeLessThan(line(cloud, 'Deleted'));
    expect(result.stdout).toMatch(new RegExp(`✓ ${app} deleted from local \\(\\d`));

    expect((await berth(['get', 'apps', '-o', 'json'])).stdout).toContain('"items": []');
    expect((await berth(['status', app])).code).toBe(1);

    // The credentials that worked a minute ago no longer reach a database.
    const check = spawnSync(process.execPath, ['examples/check-db.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...revealed },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/^check-db: /);
  }, 260_000);
  it('delete --wait shows the workload removed before the cloud component it is bound to, whatever the spec order', async () => {
    // The cloud component is listed first here, so the status order (spec order) is the opposite of the delete order.
    const document = [
      'apiVersion: core.oam.dev/v1beta1',
      'kind: Application',
      'metadata: { name: ordered }',
      'spec:',
      '  components:',
      '    - { name: assets, type: oss }',
      '    - name: site',
      '      type: webservice',
      '      properties: { image: nginx:1.27 }',
      '      traits:',
      '        - type: service-binding',
      '          properties: { envMappings: { BUCKET_NAME: { secret: assets } } }',
      '',
    ].join('\n');
    const applied = await runBerth(server.url, ['apply', '-f', '-', '--wait', '--timeout', '3m'], {
      input: document,
      timeoutMs: 240_000,
    });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const removed = await berth(['delete', 'ordered', '--wait', '--timeout', '3m'], 240_000);
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    const lines = removed.stdout.split('\n');
    const site = lines.findIndex((l) => /^\[[^\]]+\] site: Deleted$/.test(l));
    const assets = lines.findIndex((l) => /^\[[^\]]+\] assets: Deleted$/.test(l));
    expect(site, removed.stdout).toBeGreaterThan(-1);
    expect(assets, removed.stdout).toBeGreaterThan(site);
  }, 260_000);
});
