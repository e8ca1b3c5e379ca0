import { statSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrentUpdateError } from '@pulumi/pulumi/automation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderErrorCode, type OperationLog, type ResourceRequest } from '@berth/core';
import { AlicloudResourceProvider } from './alicloud-resource.provider';
import { InProcessJobLauncher } from './driver/job-launcher';
import { ExecPulumiCliLocator } from './driver/pulumi-cli';
import { MISSING_CLI_MESSAGE } from './driver/pulumi-error-mapping';
import { FakeWorkspace, defaultResult, stepEvent } from './driver/testing/fake-workspace';

const PASSWORD = 'pw-Very-Secret-123';
const AVAILABLE = { detect: async () => ({ available: true, command: '/opt/pulumi/bin/pulumi', version: 'v3.200.0' }) };
const ENV = { TEST_AK: 'LTAIabcdefghijklmnop', TEST_SK: 'sk-value-that-is-secret' };

function request(overrides: Partial<ResourceRequest> = {}): ResourceRequest {
  return {
    environment: 'prod',
    application: 'shop',
    component: 'db',
    type: 'rds',
    profile: {
      kind: 'alicloud',
      settings: { region: 'cn-hangzhou', credentials: { accessKeyIdEnv: 'TEST_AK', accessKeySecretEnv: 'TEST_SK' } },
    },
    properties: { engine: 'mysql', engineVersion: '8.0', instanceClass: 'mysql.n2.small.1', network: 'net' },
    secretProperties: { password: PASSWORD },
    dependencies: {},
    externalIds: {},
    idempotencyKey: 'prod/shop/db',
    signal: new AbortController().signal,
    ...overrides,
  };
}

function recordingLog(): OperationLog & {
  lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
} {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  return { lines, log: (level, message, fields) => lines.push({ level, message, ...(fields ? { fields } : {}) }) };
}

describe('AlicloudResourceProvider driving Pulumi through an injected workspace', () => {
  let dataDir: string;
  let workspace: FakeWorkspace;
  let provider: AlicloudResourceProvider;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-alicloud-'));
    workspace = new FakeWorkspace();
    provider = new AlicloudResourceProvider({
      dataDir,
      launcher: new InProcessJobLauncher(workspace, ENV),
      cli: AVAILABLE,
      env: ENV,
      concurrency: 2,
    });
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('opens one stack per component in project berth, on the file backend, with config and secrets passed', async () => {
    workspace.behaviour = async (op, stack, o) => {
      o.onEvent(stepEvent('create', 'alicloud:rds/instance:Instance', 'instance'));
      o.onEvent({
        sequence: 2,
        timestamp: 0,
        diagnosticEvent: { message: `warning: password ${PASSWORD} is weak`, color: 'never', severity: 'warning' },
      });
      expect(existsSync(stack.settings.workDir)).toBe(true);
      return op === 'up'
        ? {
            outputs: {
              DB_HOST: { value: 'rm-1.mysql.rds.aliyuncs.com', secret: false },
              DB_PORT: { value: '3306', secret: false },
              DB_PASSWORD: { value: PASSWORD, secret: true },
              DB_URL: { value: `mysql://u:${PASSWORD}@h:3306/d`, secret: true },
              'berth:externalIds': { value: { instanceId: 'rm-1' }, secret: false },
            },
          }
        : defaultResult(op);
    };
    const log = recordingLog();
    const result = await provider.apply(request(), log);

    const stack = workspace.opened[0]!;
    expect(stack.settings).toMatchObject({
      projectName: 'berth',
      stackName: 'prod.shop.db',
      backendUrl: `file://${dataDir}/pulumi`,
      pulumiHome: join(dataDir, 'pulumi-home'),
      pulumiCommand: '/opt/pulumi/bin/pulumi',
    });
    expect(stack.config['berth:password']).toEqual({ value: PASSWORD, secret: true });
    expect(stack.config['alicloud:region']).toEqual({ value: 'cn-hangzhou' });
    expect(stack.config['pulumi:disable-default-providers']).toEqual({ value: '["alicloud"]' });
    expect(
      Object.values(stack.config)
        .filter((c) => !c.secret)
        .map((c) => c.value),
    ).not.toContain(PASSWORD);
    // Passphrase generated once into the data dir, mode 0600; work dir removed afterwards.
    expect(statSync(join(dataDir, 'pulumi-passphrase')).mode & 0o777).toBe(0o600);
    expect(stack.settings.passphrase.length).toBeGreaterThan(30);
    expect(existsSync(stack.settings.workDir)).toBe(false);
    expect(readdirSync(join(dataDir, 'pulumi-work'))).toEqual([]);

    expect(result).toEqual({
      externalIds: { instanceId: 'rm-1' },
      outputs: { DB_HOST: 'rm-1.mysql.rds.aliyuncs.com', DB_PORT: '3306' },
      secretOutputs: { DB_PASSWORD: PASSWORD, DB_URL: `mysql://u:${PASSWORD}@h:3306/d` },
    });
    // Engine events streamed into the operation log, no secret values.
    expect(log.lines.map((l) => l.message)).toContain('creating alicloud:rds/instance:Instance instance');
    expect(JSON.stringify(log.lines)).not.toContain(PASSWORD);
    expect(log.lines.some((l) => l.level === 'warn' && l.message === 'warning: password *** is weak')).toBe(true);
  });

  it('a second apply reuses the same stack and passphrase; BERTH_PULUMI_PASSPHRASE wins when set', async () => {
    await provider.apply(request(), recordingLog());
    await provider.apply(request(), recordingLog());
    expect(workspace.opened.map((s) => s.settings.stackName)).toEqual(['prod.shop.db', 'prod.shop.db']);
    expect(workspace.opened[1]!.settings.passphrase).toBe(workspace.opened[0]!.settings.passphrase);
    const withEnv = new AlicloudResourceProvider({
      dataDir,
      launcher: new InProcessJobLauncher(workspace, ENV),
      cli: AVAILABLE,
      env: { ...ENV, BERTH_PULUMI_PASSPHRASE: 'from-env-passphrase' },
    });
    await withEnv.apply(request(), recordingLog());
    expect(workspace.opened[2]!.settings.passphrase).toBe('from-env-passphrase');
  });

  it('uses the backend URL of the profile when given (OSS through its S3-compatible URL)', async () => {
    const backendUrl = 's3://berth-state?endpoint=oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou';
    await provider.apply(
      request({
        profile: {
          kind: 'alicloud',
          settings: {
            region: 'cn-hangzhou',
            backendUrl,
            credentials: { accessKeyIdEnv: 'TEST_AK', accessKeySecretEnv: 'TEST_SK' },
          },
        },
      }),
      recordingLog(),
    );
    expect(workspace.opened[0]!.settings.backendUrl).toBe(backendUrl);
  });

  it('previews into a plan of changes, refreshes into drift, destroys then removes the stack', async () => {
    workspace.behaviour = async (op, _stack, o) => {
      if (op === 'preview') {
        o.onEvent(stepEvent('create', 'alicloud:rds/instance:Instance', 'instance'));
        o.onEvent(stepEvent('update', 'alicloud:rds/database:Database', 'database', {}));
        o.onEvent(stepEvent('create', 'pulumi:providers:alicloud', 'alicloud'));
        return { changeSummary: { create: 1, update: 1 } };
      }
      if (op === 'refresh') {
        const e = stepEvent('update', 'alicloud:rds/instance:Instance', 'instance');
        e.resourcePreEvent!.metadata.diffs = ['securityIps'];
        o.onEvent(e);
        return { resourceChanges: { update: 1 } };
      }
      return defaultResult(op);
    };
    expect(await provider.preview(request())).toEqual({
      exact: true,
      changes: [
        { action: 'create', resource: 'alicloud:rds/instance:Instance instance' },
        { action: 'update', resource: 'alicloud:rds/database:Database database' },
      ],
    });
    expect(await provider.refresh(request())).toEqual({
      drifted: true,
      exists: true,
      differences: [{ field: 'instance.securityIps' }],
    });
    await provider.destroy(request(), recordingLog());
    expect(workspace.calls.filter((c) => c.op === 'destroy' || c.op === 'remove').map((c) => c.op)).toEqual([
      'destroy',
      'remove',
    ]);
  });

  it('maps a concurrent update to Conflict, and clears a lock whose holder is dead before retrying', async () => {
    let attempts = 0;
    workspace.behaviour = async (op) => {
      if (op === 'up' && workspace.locks.has('prod.shop.db')) {
        attempts++;
        throw new ConcurrentUpdateError({
          toString: () => 'code: 255\nstderr: error: the stack is currently locked by 1 lock(s)',
        } as never);
      }
      return defaultResult(op);
    };
    // Live holder (this very process): a real concurrent update → Conflict, lock untouched.
    workspace.locks.set('prod.shop.db', [{ pid: process.pid, hostname: hostname(), timestamp: new Date() }]);
    await expect(provider.apply(request(), recordingLog())).rejects.toMatchObject({
      code: ProviderErrorCode.Conflict,
      retryable: true,
    });
    expect(workspace.calls.some((c) => c.op === 'cancel')).toBe(false);

    // Holder dead (a pid that cannot exist): stale → cancel removes the lock → the retry succeeds.
    workspace.locks.set('prod.shop.db', [{ pid: 2 ** 22 + 7, hostname: hostname(), timestamp: new Date() }]);
    const log = recordingLog();
    await expect(provider.apply(request(), log)).resolves.toBeDefined();
    expect(workspace.calls.filter((c) => c.op === 'cancel')).toHaveLength(1);
    expect(attempts).toBe(2);
    expect(log.lines.some((l) => l.level === 'warn' && /stale lock/.test(l.message))).toBe(true);
  });

  it('maps SDK errors to codes with secret values scrubbed', async () => {
    const cases: Array<[string, ProviderErrorCode]> = [
      [
        `error: InvalidAccessKeyId.NotFound: Specified access key ${ENV.TEST_AK} is not found`,
        ProviderErrorCode.Unauthorized,
      ],
      [
        'error: creating RDS: QuotaExceeded.DBInstance: the quota of instances is exceeded',
        ProviderErrorCode.QuotaExceeded,
      ],
      ['error: Throttling.User: Request was denied due to user flow control', ProviderErrorCode.Transient],
      [`error: account password ${PASSWORD} rejected: InvalidParameter`, ProviderErrorCode.InvalidRequest],
      ['error: something odd happened', ProviderErrorCode.Internal],
    ];
    for (const [message, code] of cases) {
      workspace.behaviour = async () => {
        throw new Error(message);
      };
      const error = await provider.apply(request(), recordingLog()).then(
        () => ({ code: 'none', message: '' }),
        (e: unknown) => e as { code: string; message: string },
      );
      expect(error.code, message).toBe(code);
      expect(error.message).not.toContain(PASSWORD);
      expect(error.message).not.toContain(ENV.TEST_AK);
    }
  });

  it('stops a run at its watchdog with Timeout, and clears that run’s lock before the next run on the stack', async () => {
    const slow = new AlicloudResourceProvider({
      dataDir,
      launcher: new InProcessJobLauncher(workspace, ENV),
      cli: AVAILABLE,
      env: ENV,
      timeoutsMs: { rds: 150 },
    });
    workspace.behaviour = async (op) =>
      op === 'up' && workspace.calls.filter((c) => c.op === 'up').length === 1
        ? new Promise(() => undefined)
        : defaultResult(op);
    const started = Date.now();
    await expect(slow.apply(request(), recordingLog())).rejects.toMatchObject({
      code: ProviderErrorCode.Timeout,
      message: expect.stringContaining('watchdog'),
    });
    expect(Date.now() - started).toBeLessThan(2000);
    await slow.apply(request(), recordingLog());
    const ops = workspace.calls.map((c) => c.op).filter((op) => op !== 'setConfig');
    expect(ops).toEqual(['up', 'cancel', 'up']);
  });

  it('runs one operation per stack at a time, and at most the concurrency cap across stacks', async () => {
    workspace.behaviour = async (op) => {
      await new Promise((r) => setTimeout(r, 60));
      return defaultResult(op);
    };
    const same = Array.from({ length: 3 }, () => provider.apply(request(), recordingLog()));
    await Promise.all(same);
    expect(workspace.maxPerStack).toBe(1);
    expect(workspace.maxRunning).toBe(1);
    const many = ['a', 'b', 'c', 'd', 'e'].map((c) => provider.apply(request({ component: c }), recordingLog()));
    await Promise.all(many);
    expect(workspace.maxRunning).toBe(2);
    expect(
      new AlicloudResourceProvider({ dataDir, cli: AVAILABLE, env: { BERTH_PULUMI_CONCURRENCY: '5' } }).driver
        .concurrency,
    ).toBe(5);
  });

  it('rotates oss credentials with a second key kept until revoke, and rds with a new password', async () => {
    workspace.behaviour = async (op, stack) => {
      if (op !== 'up') return defaultResult(op);
      const ids = (stack as unknown as { config: Record<string, { value: string }> }).config;
      return { outputs: { 'berth:externalIds': { value: { seen: JSON.stringify(Object.keys(ids)) }, secret: false } } };
    };
    const jobs: string[] = [];
    const launcher = new InProcessJobLauncher(workspace, ENV);
    const spy = {
      run: (job: Parameters<typeof launcher.run>[0], o: Parameters<typeof launcher.run>[1]) => (
        jobs.push(job.program.externalIds.accessKeyGenerations ?? '-'),
        launcher.run(job, o)
      ),
    };
    const p = new AlicloudResourceProvider({ dataDir, launcher: spy, cli: AVAILABLE, env: ENV });
    const oss = request({
      type: 'oss',
      component: 'files',
      properties: {},
      secretProperties: {},
      externalIds: { accessKeyGeneration: '0', accessKeyGenerations: '0', accessKeyId: 'AK-old' },
    });
    const rotated = await p.rotate(oss, recordingLog());
    expect(jobs).toEqual(['0,1']);
    expect(rotated.revoke).toEqual({ keepAccessKeyGeneration: '1', oldAccessKeyId: 'AK-old' });
    expect(rotated.externalIds).toMatchObject({ accessKeyGenerations: '1' });
    await p.revoke(oss, rotated.revoke, recordingLog());
    expect(jobs).toEqual(['0,1', '1']);

    await p.rotate(request(), recordingLog());
    const password = workspace.opened.at(-1)!.config['berth:password']!;
    expect(password.secret).toBe(true);
    expect(password.value).not.toBe(PASSWORD);
    expect(password.value).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[!@#%^*_+=-]).{24}$/);
  });
});

describe('without the pulumi CLI', () => {
  it('reports the profile unavailable and refuses every operation with Unavailable, never a silent success', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-alicloud-'));
    const workspace = new FakeWorkspace();
    const provider = new AlicloudResourceProvider({
      dataDir,
      launcher: new InProcessJobLauncher(workspace, ENV),
      cli: new ExecPulumiCliLocator({ PATH: '/nonexistent-dir' }),
      env: ENV,
    });
    const profile = request().profile;
    expect(await provider.availability(profile)).toEqual({ available: false, reason: MISSING_CLI_MESSAGE });
    for (const call of [
      () => provider.apply(request(), recordingLog()),
      () => provider.preview(request()),
      () => provider.refresh(request()),
      () => provider.destroy(request(), recordingLog()),
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
