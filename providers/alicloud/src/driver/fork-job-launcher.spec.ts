import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderErrorCode, type ResourceRequest } from '@berth/core';
import { AlicloudResourceProvider } from '../alicloud-resource.provider';
import { ForkJobLauncher, runnerEntry } from './fork-job-launcher';

const AVAILABLE = { detect: async () => ({ available: true, command: 'pulumi', version: 'test' }) };

function vpcRequest(component: string): ResourceRequest {
  return {
    environment: 'dev',
    application: 'iso',
    component,
    type: 'vpc',
    profile: { kind: 'alicloud', settings: { region: 'cn-hangzhou' } },
    properties: { cidr: '10.0.0.0/16' },
    secretProperties: {},
    dependencies: {},
    externalIds: {},
    idempotencyKey: component,
    signal: new AbortController().signal,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('isolation: each Pulumi run in its own runner process', () => {
  let dataDir: string;
  let pidDir: string;
  let provider: AlicloudResourceProvider;
  const spawned = new Map<string, number>();
  const log = { log: () => undefined };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-fork-'));
    pidDir = await mkdtemp(join(tmpdir(), 'berth-fork-pids-'));
    process.env.BERTH_TEST_PID_DIR = pidDir;
    provider = new AlicloudResourceProvider({
      dataDir,
      cli: AVAILABLE,
      concurrency: 3,
      timeoutsMs: { vpc: 8000 },
      launcher: new ForkJobLauncher({
        workspaceModule: join(__dirname, 'testing', 'scripted-workspace.ts'),
        onSpawn: (pid, stack) => spawned.set(stack, pid),
      }),
    });
  });
  afterAll(async () => {
    delete process.env.BERTH_TEST_PID_DIR;
    await rm(dataDir, { recursive: true, force: true });
    await rm(pidDir, { recursive: true, force: true });
  });

  it('finds its runner entry beside it (TypeScript source under vitest)', () => {
    expect(runnerEntry()).toMatch(/pulumi-runner\.entry\.ts$/);
    expect(existsSync(runnerEntry())).toBe(true);
  });

  it('a run whose process crashes fails alone; its neighbour and this process carry on', async () => {
    const [crashed, ok] = await Promise.allSettled([
      provider.apply(vpcRequest('crash'), log),
      provider.apply(vpcRequest('fine'), log),
    ]);
    expect(crashed.status).toBe('rejected');
    expect((crashed as PromiseRejectedResult).reason).toMatchObject({
      code: ProviderErrorCode.Internal,
      message: expect.stringMatching(/runner for stack dev\.iso\.crash exited without a result \(signal SIGABRT\)/),
    });
    expect(ok.status).toBe('fulfilled');
    const result = (ok as PromiseFulfilledResult<Awaited<ReturnType<typeof provider.apply>>>).value;
    expect(result.outputs).toEqual({ VPC_ID: 'vpc-of-dev.iso.fine', VPC_CIDR: '10.0.0.0/16' });
    // It ran in another process than this one, and than the crashed run.
    const runnerPid = Number(result.externalIds.runnerPid);
    expect(runnerPid).not.toBe(process.pid);
    expect(runnerPid).not.toBe(Number(readFileSync(join(pidDir, 'dev.iso.crash.pid'), 'utf8')));
  }, 60_000);

  it('a run that hangs is killed at its watchdog with Timeout, without holding up the others', async () => {
    const started = Date.now();
    const hung = provider.apply(vpcRequest('hang'), log);
    const ok = await provider.apply(vpcRequest('other'), log);
    expect(ok.outputs.VPC_ID).toBe('vpc-of-dev.iso.other');
    expect(Date.now() - started).toBeLessThan(8000);
    await expect(hung).rejects.toMatchObject({ code: ProviderErrorCode.Timeout });
    const pid = spawned.get('dev.iso.hang')!;
    expect(pid).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(pid)).toBe(false);
  }, 60_000);
});
