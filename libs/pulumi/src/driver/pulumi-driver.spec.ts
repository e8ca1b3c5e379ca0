import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrentUpdateError } from '@pulumi/pulumi/automation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError, ProviderErrorCode, type ResourceRequest } from '@berth/core';
import { ExecPulumiCliLocator } from '../cli/pulumi-cli';
import { MISSING_CLI_MESSAGE } from '../errors/pulumi-error-mapping';
import { splitOutputs } from '../program/stack-outputs';
import { InProcessJobLauncher } from '../runner/job-launcher';
import { FakeWorkspace, defaultResult, stepEvent } from '../testing/fake-workspace';
import { createWorkspace as mockedEngineWorkspace } from '../testing/mocked-engine-workspace';
import { recordingLog } from '../testing/recording-log';
import { testConfigurator } from '../testing/test-configurator';
import { PulumiDriver, type PulumiDriverOptions } from './pulumi-driver';

const SECRET = 'pw-Very-Secret-123';
const TOKEN = 'token-of-the-test-cloud';
const ENV = { TEST_TOKEN: TOKEN };
const AVAILABLE = { detect: async () => ({ available: true, command: '/opt/pulumi/bin/pulumi', version: 'v3.200.0' }) };

function request(overrides: Partial<ResourceRequest> = {}): ResourceRequest {
  return {
    environment: 'prod',
    application: 'shop',
    component: 'net',
    type: 'vpc',
    profile: { kind: 'test', settings: { region: 'north-1', tokenEnv: 'TEST_TOKEN' } },
    properties: { cidr: '10.1.0.0/16' },
    secretProperties: { password: SECRET },
    dependencies: {},
    externalIds: {},
    idempotencyKey: 'prod/shop/net',
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Settles when the run's signal aborts, as an interrupted `pulumi up` does. */
function untilCancelled(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const stop = () => reject(new Error('error: update canceled'));
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
  });
}

describe('PulumiDriver against an injected workspace', () => {
  let dataDir: string;
  let workspace: FakeWorkspace;
  let driver: PulumiDriver;
  const make = (options: Partial<PulumiDriverOptions> = {}) =>
    new PulumiDriver({
      dataDir,
      configurator: testConfigurator,
      launcher: new InProcessJobLauncher(workspace, ENV),
      cli: AVAILABLE,
      env: ENV,
      concurrency: 2,
      ...options,
    });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-pulumi-'));
    workspace = new FakeWorkspace();
    driver = make();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('opens one stack per component in project berth, on the file backend, with config and secrets passed', async () => {
    workspace.behaviour = async (op, stack, o) => {
      o.onEvent(stepEvent('create', 'test:index:Network', 'network'));
      o.onEvent({
        sequence: 2,
        timestamp: 0,
        diagnosticEvent: {
          message: `warning: password ${SECRET} is weak; token ${TOKEN}`,
          color: 'never',
          severity: 'warning',
        },
      });
      expect(existsSync(stack.settings.workDir)).toBe(true);
      return defaultResult(op);
    };
    const log = recordingLog();
    await driver.up({ request: request(), log });

    const stack = workspace.opened[0]!;
    expect(stack.settings).toMatchObject({
      projectName: 'berth',
      stackName: 'prod.shop.net',
      backendUrl: `file://${dataDir}/pulumi`,
      pulumiHome: join(dataDir, 'pulumi-home'),
      pulumiCommand: '/opt/pulumi/bin/pulumi',
    });
    // The configurator's config, Berth's own keys, the secret properties as secrets.
    expect(stack.config).toEqual({
      'test:region': { value: 'north-1' },
      'berth:environment': { value: 'prod' },
      'berth:application': { value: 'shop' },
      'berth:component': { value: 'net' },
      'berth:password': { value: SECRET, secret: true },
    });
    // Passphrase generated once into the data dir, mode 0600; work dir removed afterwards.
    expect(statSync(join(dataDir, 'pulumi-passphrase')).mode & 0o777).toBe(0o600);
    expect(stack.settings.passphrase.length).toBeGreaterThan(30);
    expect(existsSync(stack.settings.workDir)).toBe(false);
    expect(readdirSync(join(dataDir, 'pulumi-work'))).toEqual([]);
    // Engine events streamed into the operation log, without the secret property or the credential.
    expect(log.lines.map((l) => l.message)).toContain('creating test:index:Network network');
    expect(JSON.stringify(log.lines)).not.toContain(SECRET);
    expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
    expect(log.lines.some((l) => l.level === 'warn' && l.message === 'warning: password *** is weak; token ***')).toBe(
      true,
    );
  });

  it('a second run reuses the same stack and passphrase; BERTH_PULUMI_PASSPHRASE wins when set', async () => {
    await driver.up({ request: request() });
    await driver.up({ request: request() });
    expect(workspace.opened.map((s) => s.settings.stackName)).toEqual(['prod.shop.net', 'prod.shop.net']);
    expect(workspace.opened[1]!.settings.passphrase).toBe(workspace.opened[0]!.settings.passphrase);
    await make({ env: { ...ENV, BERTH_PULUMI_PASSPHRASE: 'from-env-passphrase' } }).up({ request: request() });
    expect(workspace.opened[2]!.settings.passphrase).toBe('from-env-passphrase');
  });

  it('uses the backend the configurator names (OSS/S3 in production)', async () => {
    const backendUrl = 's3://berth-state?endpoint=oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou';
    await driver.up({
      request: request({ profile: { kind: 'test', settings: { region: 'north-1', backendUrl } } }),
    });
    expect(workspace.opened[0]!.settings.backendUrl).toBe(backendUrl);
  });

  it('previews into a plan of changes, refreshes into drift, destroys then removes the stack', async () => {
    workspace.behaviour = async (op, _stack, o) => {
      if (op === 'preview') {
        o.onEvent(stepEvent('create', 'test:index:Network', 'network'));
        o.onEvent(stepEvent('update', 'test:index:Route', 'route', {}));
        o.onEvent(stepEvent('create', 'pulumi:providers:test', 'test'));
        return { changeSummary: { create: 1, update: 1 } };
      }
      if (op === 'refresh') {
        const e = stepEvent('update', 'test:index:Network', 'network');
        e.resourcePreEvent!.metadata.diffs = ['cidr'];
        o.onEvent(e);
        return { resourceChanges: { update: 1 } };
      }
      return defaultResult(op);
    };
    expect(await driver.preview({ request: request() })).toEqual([
      { action: 'create', resource: 'test:index:Network network' },
      { action: 'update', resource: 'test:index:Route route' },
    ]);
    expect(await driver.refresh({ request: request() })).toEqual({
      drifted: true,
      exists: true,
      differences: [{ field: 'network.cidr' }],
    });
    await driver.destroy({ request: request() });
    expect(workspace.calls.filter((c) => c.op === 'destroy' || c.op === 'remove').map((c) => c.op)).toEqual([
      'destroy',
      'remove',
    ]);
  });

  it('maps a concurrent update to Conflict, and clears a lock whose holder is dead before retrying', async () => {
    let attempts = 0;
    workspace.behaviour = async (op) => {
      if (op === 'up' && workspace.locks.has('prod.shop.net')) {
        attempts++;
        throw new ConcurrentUpdateError({
          toString: () => 'code: 255\nstderr: error: the stack is currently locked by 1 lock(s)',
        } as never);
      }
      return defaultResult(op);
    };
    // Live holder (this very process): a real concurrent update → Conflict, lock untouched.
    workspace.locks.set('prod.shop.net', [{ pid: process.pid, hostname: hostname(), timestamp: new Date() }]);
    await expect(driver.up({ request: request() })).rejects.toMatchObject({
      code: ProviderErrorCode.Conflict,
      retryable: true,
    });
    expect(workspace.calls.some((c) => c.op === 'cancel')).toBe(false);

    // Holder dead (a pid that cannot exist): stale → cancel removes the lock → the retry succeeds.
    workspace.locks.set('prod.shop.net', [{ pid: 2 ** 22 + 7, hostname: hostname(), timestamp: new Date() }]);
    const log = recordingLog();
    await expect(driver.up({ request: request(), log })).resolves.toBeDefined();
    expect(workspace.calls.filter((c) => c.op === 'cancel')).toHaveLength(1);
    expect(attempts).toBe(2);
    expect(log.lines.some((l) => l.level === 'warn' && /stale lock/.test(l.message))).toBe(true);
  });

  it('counts a lock as stale by its age only when it is older than the longest deadline a run may get', async () => {
    workspace.behaviour = async (op) => {
      if (op === 'up' && workspace.locks.has('prod.shop.net'))
        throw new Error('error: the stack is currently locked by 1 lock(s)');
      return defaultResult(op);
    };
    // Held on another host two hours ago: its holder cannot be asked.
    const old = () => [{ pid: 1234, hostname: 'another-host', timestamp: new Date(Date.now() - 2 * 3_600_000) }];
    workspace.locks.set('prod.shop.net', old());
    await expect(driver.up({ request: request() })).rejects.toMatchObject({ code: ProviderErrorCode.Conflict });
    // A deadline of an hour at most (the longest step): two hours is past any run, so the lock is cleared.
    workspace.locks.set('prod.shop.net', old());
    const log = recordingLog();
    await make({ longestDeadlineMs: 3_600_000 }).up({ request: request(), log });
    expect(log.lines.some((l) => /stale lock .*older than 3690 s/.test(l.message))).toBe(true);
    // Three hours is not past it: a live lock is never broken.
    workspace.locks.set('prod.shop.net', old());
    await expect(make({ longestDeadlineMs: 3 * 3_600_000 }).up({ request: request() })).rejects.toMatchObject({
      code: ProviderErrorCode.Conflict,
    });
  });

  it('maps errors with Pulumi’s rules, the provider’s rules and the common ones, secrets scrubbed', async () => {
    const cases: Array<[string, ProviderErrorCode]> = [
      ['error: getting stack: incorrect passphrase', ProviderErrorCode.Unauthorized],
      [`error: TestCloud.NoStock: no capacity left for ${TOKEN}`, ProviderErrorCode.QuotaExceeded],
      ['error: Throttling.User: Request was denied due to user flow control', ProviderErrorCode.Transient],
      [`error: password ${SECRET} rejected: InvalidParameter`, ProviderErrorCode.InvalidRequest],
      ['error: read ECONNRESET', ProviderErrorCode.Transient],
      ['error: something odd happened', ProviderErrorCode.Internal],
    ];
    for (const [message, code] of cases) {
      workspace.behaviour = async () => {
        throw new Error(message);
      };
      const error = await driver.up({ request: request() }).then(
        () => ({ code: 'none', message: '' }),
        (e: unknown) => e as { code: string; message: string },
      );
      expect(error.code, message).toBe(code);
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain(TOKEN);
    }
  });

  it('refuses a profile the configurator rejects, naming the setting, before anything runs', async () => {
    await expect(driver.up({ request: request({ profile: { kind: 'test', settings: {} } }) })).rejects.toMatchObject({
      code: ProviderErrorCode.InvalidRequest,
      message: 'profile settings: /region: region is required (a string)',
    });
    expect(workspace.opened).toEqual([]);
  });

  it('runs one operation per stack at a time, and at most the concurrency cap across stacks', async () => {
    workspace.behaviour = async (op) => {
      await new Promise((r) => setTimeout(r, 60));
      return defaultResult(op);
    };
    await Promise.all(Array.from({ length: 3 }, () => driver.up({ request: request() })));
    expect(workspace.maxPerStack).toBe(1);
    expect(workspace.maxRunning).toBe(1);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((c) => driver.up({ request: request({ component: c }) })));
    expect(workspace.maxRunning).toBe(2);
    expect(make({ concurrency: undefined, env: { BERTH_PULUMI_CONCURRENCY: '5' } }).concurrency).toBe(5);
    expect(() => make({ concurrency: undefined, env: { BERTH_PULUMI_CONCURRENCY: 'lots' } })).toThrow(
      'BERTH_PULUMI_CONCURRENCY: must be an integer between 1 and 64 (Pulumi runs at once) (got "lots")',
    );
  });

  it('runs the provider’s program, loaded from its module, with secrets read back from the stack config', async () => {
    const mocked = mockedEngineWorkspace();
    const real = make({ launcher: new InProcessJobLauncher(mocked, ENV) });
    const outputs = await real.up({
      request: request({ secretProperties: { token: 'token-from-berth' } }),
    });
    expect(splitOutputs([], outputs)).toEqual({
      externalIds: { vpcId: 'network-id' },
      outputs: { VPC_ID: 'network-id', VPC_CIDR: '10.1.0.0/16' },
      secretOutputs: { TOKEN_SEEN: 'token-from-berth' },
    });
  });

  describe('the deadline of a run is its caller’s', () => {
    const withGrace = (options: Partial<PulumiDriverOptions> = {}) => make({ cancelGraceMs: 200, ...options });

    it('cancels the run cleanly when the caller’s signal aborts, fails with the caller’s reason, then unlocks', async () => {
      const seen: boolean[] = [];
      workspace.behaviour = async (op, _stack, o) => {
        if (op === 'up' && seen.length === 0) {
          await untilCancelled(o.signal).catch((error: unknown) => {
            seen.push(o.signal?.aborted ?? false);
            throw error;
          });
        }
        return defaultResult(op);
      };
      const step = new AbortController();
      const d = withGrace({ cancelGraceMs: 60_000 });
      const run = d.up({ request: request({ signal: step.signal }) });
      setTimeout(
        () => step.abort(new ProviderError(ProviderErrorCode.Timeout, 'Provision vpc net timed out after 200 ms')),
        200,
      );
      const started = Date.now();
      // The step's reason, promptly: the run stopped by itself, long before its 60 s grace.
      await expect(run).rejects.toMatchObject({
        code: ProviderErrorCode.Timeout,
        message: 'Provision vpc net timed out after 200 ms',
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(seen).toEqual([true]);
      // The next run on the stack first clears whatever lock the stopped run may have left.
      await d.up({ request: request() });
      expect(workspace.calls.map((c) => c.op).filter((op) => op !== 'setConfig')).toEqual(['up', 'cancel', 'up']);
    });

    it('a timeoutMs passed with the run is a deadline too; the earlier one wins', async () => {
      workspace.behaviour = async (op, _stack, o) => (op === 'up' ? untilCancelled(o.signal) : defaultResult(op));
      await expect(withGrace().up({ request: request(), timeoutMs: 150 })).rejects.toMatchObject({
        code: ProviderErrorCode.Timeout,
        message: 'pulumi up of stack prod.shop.net ran past its 150 ms watchdog and was stopped',
      });
      const step = new AbortController();
      setTimeout(() => step.abort(new ProviderError(ProviderErrorCode.Timeout, 'the step gave up first')), 100);
      await expect(
        withGrace().up({ request: request({ signal: step.signal }), timeoutMs: 60_000 }),
      ).rejects.toMatchObject({
        message: 'the step gave up first',
      });
    });

    it('a run that ignores the cancel is stopped when the grace is over, and frees its stack', async () => {
      let first = true;
      workspace.behaviour = async (op) => {
        if (op === 'up' && first) {
          first = false;
          return new Promise(() => undefined);
        }
        return defaultResult(op);
      };
      const d = withGrace({ cancelGraceMs: 300 });
      const started = Date.now();
      await expect(d.up({ request: request(), timeoutMs: 100 })).rejects.toMatchObject({
        code: ProviderErrorCode.Timeout,
        message: expect.stringContaining('watchdog'),
      });
      // Not before the grace: the run had its chance to stop cleanly.
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      await d.up({ request: request() });
      expect(workspace.calls.filter((c) => c.op === 'cancel')).toHaveLength(1);
    });

    it('a caller that has already given up starts nothing', async () => {
      const gone = new AbortController();
      gone.abort(new ProviderError(ProviderErrorCode.Timeout, 'the worker is stopping'));
      await expect(withGrace().up({ request: request({ signal: gone.signal }) })).rejects.toMatchObject({
        message: 'the worker is stopping',
      });
      expect(workspace.opened).toEqual([]);
    });
  });
});

describe('without the pulumi CLI', () => {
  it('refuses every operation with Unavailable and the reason, never a silent success', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-pulumi-'));
    const workspace = new FakeWorkspace();
    const driver = new PulumiDriver({
      dataDir,
      configurator: testConfigurator,
      launcher: new InProcessJobLauncher(workspace, ENV),
      cli: new ExecPulumiCliLocator({ PATH: '/nonexistent-dir' }),
      env: ENV,
    });
    for (const call of [
      () => driver.up({ request: request() }),
      () => driver.preview({ request: request() }),
      () => driver.refresh({ request: request() }),
      () => driver.destroy({ request: request() }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: ProviderErrorCode.Unavailable, message: MISSING_CLI_MESSAGE });
    }
    expect(workspace.calls).toEqual([]);
    const named = new ExecPulumiCliLocator({ BERTH_PULUMI_COMMAND: '/opt/missing/pulumi' });
    expect((await named.detect()).reason).toMatch(/BERTH_PULUMI_COMMAND=\/opt\/missing\/pulumi could not be run/);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a real pulumi on PATH is found by `pulumi version` (only where it is installed)', async () => {
    const status = await new ExecPulumiCliLocator(process.env).detect();
    if (!status.available) {
      console.warn(`skipping the positive CLI check: ${status.reason}`);
      return;
    }
    expect(status.version).toMatch(/^v?\d+\.\d+/);
  });
});
