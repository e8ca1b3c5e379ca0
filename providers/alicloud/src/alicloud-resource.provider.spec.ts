import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryOperationJournal, OperationExecutor, ProviderErrorCode, type ResourceRequest } from '@berth/core';
import { ExecPulumiCliLocator, InProcessJobLauncher, MISSING_CLI_MESSAGE } from '@berth/pulumi';
import { FakeWorkspace, defaultResult, recordingLog, stepEvent } from '@berth/pulumi/testing';
import { BUILTIN_TYPES } from '@berth/types';
import { AlicloudResourceProvider } from './alicloud-resource.provider';

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

  it('applies through the stack with the region, no default provider and the password as a secret', async () => {
    workspace.behaviour = async (op, _stack, o) => {
      o.onEvent(stepEvent('create', 'alicloud:rds/instance:Instance', 'instance'));
      o.onEvent({
        sequence: 2,
        timestamp: 0,
        diagnosticEvent: {
          message: `warning: password ${PASSWORD} is weak; key ${ENV.TEST_AK} / ${ENV.TEST_SK}`,
          color: 'never',
          severity: 'warning',
        },
      });
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

    expect(result).toEqual({
      externalIds: { instanceId: 'rm-1' },
      outputs: { DB_HOST: 'rm-1.mysql.rds.aliyuncs.com', DB_PORT: '3306' },
      secretOutputs: { DB_PASSWORD: PASSWORD, DB_URL: `mysql://u:${PASSWORD}@h:3306/d` },
    });
    // Engine events streamed into the operation log, without the password or the credentials the profile names.
    expect(log.lines.map((l) => l.message)).toContain('creating alicloud:rds/instance:Instance instance');
    expect(JSON.stringify(log.lines)).not.toContain(PASSWORD);
    expect(JSON.stringify(log.lines)).not.toContain(ENV.TEST_AK);
    expect(
      log.lines.some((l) => l.level === 'warn' && l.message === 'warning: password *** is weak; key *** / ***'),
    ).toBe(true);
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

  it('answers an exact plan from a preview and drift from a refresh; destroy reaches the stack', async () => {
    workspace.behaviour = async (op, _stack, o) => {
      if (op === 'preview') o.onEvent(stepEvent('create', 'alicloud:rds/instance:Instance', 'instance'));
      if (op === 'refresh') return { resourceChanges: {} };
      return defaultResult(op);
    };
    expect(await provider.preview(request())).toEqual({
      exact: true,
      changes: [{ action: 'create', resource: 'alicloud:rds/instance:Instance instance' }],
    });
    expect(await provider.refresh(request())).toEqual({ drifted: false, exists: false, differences: [] });
    await provider.destroy(request(), recordingLog());
    expect(workspace.calls.map((c) => c.op)).toContain('destroy');
  });

  it('maps Alibaba Cloud’s error codes to Berth’s, with secret values scrubbed', async () => {
    const cases: Array<[string, ProviderErrorCode]> = [
      [
        `error: InvalidAccessKeyId.NotFound: Specified access key ${ENV.TEST_AK} is not found`,
        ProviderErrorCode.Unauthorized,
      ],
      [
        'error: creating ECS: Forbidden.RAM: User not authorized to operate on the specified resource',
        ProviderErrorCode.Unauthorized,
      ],
      [
        'error: creating RDS: QuotaExceeded.DBInstance: the quota of instances is exceeded',
        ProviderErrorCode.QuotaExceeded,
      ],
      ['error: OperationDenied.NoStock: the resource is out of stock in the zone', ProviderErrorCode.QuotaExceeded],
      ['error: Throttling.User: Request was denied due to user flow control', ProviderErrorCode.Transient],
      ['error: IncorrectDBInstanceState: IncorrectStatus the instance is being created', ProviderErrorCode.Transient],
      [`error: account password ${PASSWORD} rejected: InvalidParameter`, ProviderErrorCode.InvalidRequest],
      ['error: InvalidDBInstanceClass.NotFound: the class does not exist', ProviderErrorCode.InvalidRequest],
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

  it('a run stops at the profile’s own shorter deadline (timeouts), and its lock is cleared before the next run', async () => {
    const slow = new AlicloudResourceProvider({
      dataDir,
      launcher: new InProcessJobLauncher(workspace, ENV),
      cli: AVAILABLE,
      env: ENV,
      cancelGraceMs: 100,
    });
    workspace.behaviour = async (op) =>
      op === 'up' && workspace.calls.filter((c) => c.op === 'up').length === 1
        ? new Promise(() => undefined)
        : defaultResult(op);
    const withTimeout = request({
      profile: { ...request().profile, settings: { ...request().profile.settings, timeouts: { rds: 0.15 } } },
    });
    const started = Date.now();
    await expect(slow.apply(withTimeout, recordingLog())).rejects.toMatchObject({
      code: ProviderErrorCode.Timeout,
      message: 'pulumi up of stack prod.shop.db ran past its 150 ms watchdog and was stopped',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    await slow.apply(withTimeout, recordingLog());
    const ops = workspace.calls.map((c) => c.op).filter((op) => op !== 'setConfig');
    expect(ops).toEqual(['up', 'cancel', 'up']);
  });

  it('has no deadline table of its own: the lifecycle step’s timeout stops the Pulumi run', async () => {
    // rds's descriptor gives it the longest deadline of the cloud types; this executor shortens it to 300 ms.
    const byType = BUILTIN_TYPES.stepTimeouts();
    expect(byType.rds).toBeGreaterThan(byType.vpc!);
    const cancelled: number[] = [];
    workspace.behaviour = async (op, _stack, o) => {
      if (op !== 'up') return defaultResult(op);
      // An RDS instance that takes far longer than the step may wait; Pulumi stops when interrupted.
      await new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve(), { once: true }));
      cancelled.push(Date.now());
      throw new Error('error: update canceled');
    };
    const executor = new OperationExecutor({
      types: BUILTIN_TYPES,
      timeouts: { byType: { rds: 300 } },
      retry: { maxAttempts: 2, initialDelayMs: 10 },
    });
    const started = Date.now();
    const result = await executor.execute({
      steps: [
        {
          id: 'provision:db',
          action: 'provision',
          component: 'db',
          type: 'rds',
          dependsOn: [],
          description: 'Provision rds db',
        },
      ],
      handler: async (_step, context) => {
        await provider.apply(request({ signal: context.signal }), context.log);
      },
      journal: new MemoryOperationJournal(),
    });
    expect(result.failed[0]).toMatchObject({
      id: 'provision:db',
      failure: { code: 'Timeout', attempts: 2, message: 'Provision rds db timed out after 300ms' },
    });
    // Each attempt's Pulumi run was asked to stop at the step's deadline, not at a later one of the driver.
    expect(cancelled).toHaveLength(2);
    expect(cancelled[0]! - started).toBeGreaterThanOrEqual(250);
    // The retry first cleared the lock the interrupted run may have left.
    expect(workspace.calls.map((c) => c.op).filter((op) => op !== 'setConfig')).toEqual(['up', 'cancel', 'up']);
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
  it('reports the profile unavailable and refuses to apply with Unavailable, never a silent success', async () => {
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
    await expect(provider.apply(request(), recordingLog())).rejects.toMatchObject({
      code: ProviderErrorCode.Unavailable,
      message: MISSING_CLI_MESSAGE,
    });
    expect(workspace.calls).toEqual([]);
    await rm(dataDir, { recursive: true, force: true });
  });
});
