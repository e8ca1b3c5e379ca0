import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem-assertions';
import { startTestApp, type TestApp } from '../support/test-app';

const MARKER = `berth-marker-${randomBytes(6).toString('hex')}`;

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster: { server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true }
users:
  - name: u
    user: { token: ${MARKER}-token }
contexts:
  - name: ctx
    context: { cluster: c, user: u }
current-context: ctx
`;

/** Every value of this process's environment that is long enough to be recognisable in an answer. */
function environmentValues(): string[] {
  return Object.values(process.env).filter((value): value is string => !!value && value.length >= 12);
}

describe('kubeconfig files: read only from the directories an operator allows, never quoted', () => {
  let t: TestApp;
  let root: string;
  let allowed: string;
  let outside: string;
  const envName = `BERTH_TEST_KUBECONFIG_${randomBytes(4).toString('hex').toUpperCase()}`;
  const brokenEnvName = `${envName}_BROKEN`;

  const put = (settings: Record<string, unknown>) =>
    request(t.server)
      .put('/v1/environments/cluster')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ provider: { kind: 'local', settings: {} }, runtime: { kind: 'kubernetes', settings } }));

  function expectRefused(
    answer: request.Response,
    path: string,
    message: RegExp,
  ): { detail: string; errors: Array<{ path: string; message: string }> } {
    const problem = expectProblem(answer, 422);
    expect(problem.errors).toContainEqual({ path, message: expect.stringMatching(message) });
    // Nothing of a file's content, nor of the service's environment, comes back.
    expect(answer.text).not.toContain(MARKER);
    for (const value of environmentValues()) expect(answer.text).not.toContain(value);
    return problem;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'berth-kubeconfig-'));
    allowed = join(root, 'allowed');
    outside = join(root, 'outside');
    mkdirSync(allowed);
    mkdirSync(outside);
    writeFileSync(join(allowed, 'good'), KUBECONFIG);
    writeFileSync(join(allowed, 'not-yaml'), `${MARKER}: [unclosed, "${MARKER}\n`);
    writeFileSync(join(allowed, 'not-kubeconfig'), `- ${MARKER}\n- ${MARKER}\n`);
    writeFileSync(join(outside, 'secret'), `${MARKER}: [unclosed\n`);
    writeFileSync(join(outside, 'good'), KUBECONFIG);
    symlinkSync(join(outside, 'good'), join(allowed, 'link-out'));
    symlinkSync('/proc/self/environ', join(allowed, 'environ'));
    process.env[envName] = KUBECONFIG;
    process.env[brokenEnvName] = `${MARKER}: {`;
    t = await startTestApp('sqlite', { config: { kubeconfigDirs: [allowed] } });
  });
  afterAll(async () => {
    delete process.env[envName];
    delete process.env[brokenEnvName];
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses /proc/self/environ without a word of the service environment', async () => {
    const problem = expectRefused(
      await put({ namespace: 'team-a', kubeconfig: '/proc/self/environ' }),
      '/runtime/settings/kubeconfig',
      /must be a file in a directory the operator allows \(BERTH_KUBECONFIG_DIRS: /,
    );
    expect(problem.detail).toContain('/runtime/settings/kubeconfig');
    expectProblem(await request(t.server).get('/v1/environments/cluster'), 404);
  });

  it('refuses paths that leave the allowed directories by .., by a symbolic link, or are elsewhere', async () => {
    for (const kubeconfig of [
      join(outside, 'good'),
      join(outside, 'secret'),
      join(outside, 'missing'),
      `${allowed}/../outside/secret`,
      join(allowed, 'link-out'),
      join(allowed, 'environ'),
      '/etc/passwd',
    ]) {
      expectRefused(
        await put({ namespace: 'team-a', kubeconfig }),
        '/runtime/settings/kubeconfig',
        /must be a file in a directory the operator allows/,
      );
    }
    expectRefused(
      await put({ namespace: 'team-a', kubeconfig: 'relative/kubeconfig' }),
      '/runtime/settings/kubeconfig',
      /must be an absolute file path/,
    );
  });

  it('names what is wrong with a file inside the allowed directories without quoting it', async () => {
    expectRefused(
      await put({ namespace: 'team-a', kubeconfig: join(allowed, 'not-yaml') }),
      '/runtime/settings/kubeconfig',
      /^kubeconfig is not valid YAML \(line \d+\)$/,
    );
    expectRefused(
      await put({ namespace: 'team-a', kubeconfig: join(allowed, 'not-kubeconfig') }),
      '/runtime/settings/kubeconfig',
      /^kubeconfig is not a valid kubeconfig/,
    );
    expectRefused(
      await put({ namespace: 'team-a', kubeconfig: join(allowed, 'missing') }),
      '/runtime/settings/kubeconfig',
      /no such file/,
    );
    expectRefused(
      await put({ namespace: 'team-a', kubeconfig: join(allowed, 'good'), context: 'elsewhere' }),
      '/runtime/settings/context',
      /kubeconfig has no context "elsewhere"/,
    );
  });

  it('accepts a kubeconfig file in an allowed directory, and one given by the name of an environment variable', async () => {
    const fromFile = await put({ namespace: 'team-a', kubeconfig: join(allowed, 'good') });
    expect(fromFile.status, fromFile.text).toBe(201);
    expect(fromFile.body.runtime.settings).toEqual({ namespace: 'team-a', kubeconfig: join(allowed, 'good') });

    const fromEnv = await put({ namespace: 'team-a', kubeconfigEnv: envName, context: 'ctx' });
    expect(fromEnv.status, fromEnv.text).toBe(200);
    // The reference stays visible; the kubeconfig itself is never stored or shown.
    expect(fromEnv.body.runtime.settings).toEqual({ namespace: 'team-a', kubeconfigEnv: envName, context: 'ctx' });
    expect(fromEnv.text).not.toContain(MARKER);

    // The runtime says where it places objects: an Application naming another namespace is refused, its own passes.
    const app = (namespace: string) =>
      request(t.server)
        .put('/v1/environments/cluster/applications/web?dryRun=true')
        .set('Content-Type', 'application/json')
        .send({
          apiVersion: 'core.oam.dev/v1beta1',
          kind: 'Application',
          metadata: { name: 'web', namespace },
          spec: { components: [{ name: 'web', type: 'webservice', properties: { image: 'nginx:1.27' } }] },
        });
    const elsewhere = expectProblem(await app('team-b'), 422);
    expect(elsewhere.errors).toEqual([
      {
        path: '/metadata/namespace',
        message: expect.stringContaining('environment cluster places its objects in namespace team-a'),
      },
    ]);
    const own = await app('team-a');
    expect(own.status, own.text).toBe(200);
  });

  it('refuses a kubeconfigEnv that is unset or does not hold a kubeconfig, and one given with a file', async () => {
    expectRefused(
      await put({ namespace: 'team-a', kubeconfigEnv: 'BERTH_TEST_NO_SUCH_VARIABLE' }),
      '/runtime/settings/kubeconfigEnv',
      /the service has no environment variable BERTH_TEST_NO_SUCH_VARIABLE/,
    );
    expectRefused(
      await put({ namespace: 'team-a', kubeconfigEnv: brokenEnvName }),
      '/runtime/settings/kubeconfigEnv',
      /is not valid YAML/,
    );
    // A variable of the service that is not a kubeconfig (here its PATH) reads as "not a kubeconfig", nothing more.
    expectRefused(
      await put({ namespace: 'team-a', kubeconfigEnv: 'PATH' }),
      '/runtime/settings/kubeconfigEnv',
      /is not a valid kubeconfig|has no current cluster/,
    );
    expectRefused(
      await put({ namespace: 'team-a', kubeconfigEnv: 'not a name' }),
      '/runtime/settings/kubeconfigEnv',
      /must be the name of an environment variable/,
    );
    expectRefused(
      await put({ namespace: 'team-a', kubeconfigEnv: envName, kubeconfig: join(allowed, 'good') }),
      '/runtime/settings/kubeconfigEnv',
      /excludes kubeconfig/,
    );
  });
});

describe('kubeconfig files with no allowed directory (BERTH_KUBECONFIG_DIRS=none)', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-kubeconfig-none-'));
    writeFileSync(join(dir, 'good'), KUBECONFIG);
    t = await startTestApp('sqlite', { config: { kubeconfigDirs: [] } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts no kubeconfig file at all', async () => {
    const answer = await request(t.server)
      .put('/v1/environments/cluster')
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({
          provider: { kind: 'local', settings: {} },
          runtime: { kind: 'kubernetes', settings: { namespace: 'a', kubeconfig: join(dir, 'good') } },
        }),
      );
    expect(expectProblem(answer, 422).errors).toContainEqual({
      path: '/runtime/settings/kubeconfig',
      message: expect.stringContaining('BERTH_KUBECONFIG_DIRS is none'),
    });
  });
});
