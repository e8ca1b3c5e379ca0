import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderErrorCode, type ResourceRequest } from '@berth/core';
import { PulumiDriver } from '../driver/pulumi-driver';
import { splitOutputs } from '../program/stack-outputs';
import { testConfigurator } from '../testing/test-configurator';
import { MOCKED_ENGINE_WORKSPACE_MODULE, SCRIPTED_WORKSPACE_MODULE } from '../testing/workspace-modules';
import { ForkJobLauncher, runnerEntry } from './fork-job-launcher';

const AVAILABLE = { detect: async () => ({ available: true, command: 'pulumi', version: 'test' }) };

function vpcRequest(component: string): ResourceRequest {
  return {
    environment: 'dev',
    application: 'iso',
    component,
    type: 'vpc',
    profile: { kind: 'test', settings: { region: 'north-1' } },
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

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

describe('isolation: each Pulumi run in its own runner process', () => {
  let dataDir: string;
  let pidDir: string;
  let driver: PulumiDriver;
  const spawned = new Map<string, number>();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-fork-'));
    pidDir = await mkdtemp(join(tmpdir(), 'berth-fork-pids-'));
    process.env.BERTH_TEST_PID_DIR = pidDir;
    driver = new PulumiDriver({
      dataDir,
      configurator: testConfigurator,
      cli: AVAILABLE,
      concurrency: 3,
      cancelGraceMs: 1500,
      launcher: new ForkJobLauncher({
        workspaceModule: SCRIPTED_WORKSPACE_MODULE,
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
      driver.up({ request: vpcRequest('crash') }),
      driver.up({ request: vpcRequest('fine') }),
    ]);
    expect(crashed.status).toBe('rejected');
    expect((crashed as PromiseRejectedResult).reason).toMatchObject({
      code: ProviderErrorCode.Internal,
      message: expect.stringMatching(/runner for stack dev\.iso\.crash exited without a result \(signal SIGABRT\)/),
    });
    expect(ok.status).toBe('fulfilled');
    const result = splitOutputs([], (ok as PromiseFulfilledResult<Awaited<ReturnType<typeof driver.up>>>).value);
    expect(result.outputs).toEqual({ VPC_ID: 'vpc-of-dev.iso.fine', VPC_CIDR: '10.0.0.0/16' });
    // It ran in another process than this one, and than the crashed run.
    const runnerPid = Number(result.externalIds.runnerPid);
    expect(runnerPid).not.toBe(process.pid);
    expect(runnerPid).not.toBe(Number(readFileSync(join(pidDir, 'dev.iso.crash.pid'), 'utf8')));
  }, 60_000);

  it('a run that stops when cancelled ends at its deadline by itself, before the grace is over', async () => {
    const patient = new PulumiDriver({
      dataDir,
      configurator: testConfigurator,
      cli: AVAILABLE,
      cancelGraceMs: 30_000,
      launcher: new ForkJobLauncher({
        workspaceModule: SCRIPTED_WORKSPACE_MODULE,
        onSpawn: (pid, stack) => spawned.set(stack, pid),
      }),
    });
    const started = Date.now();
    await expect(patient.up({ request: vpcRequest('slow'), timeoutMs: 1000 })).rejects.toMatchObject({
      code: ProviderErrorCode.Timeout,
      message: 'pulumi up of stack dev.iso.slow ran past its 1 s watchdog and was stopped',
    });
    // A kill would only come 30 s after the deadline: the runner stopped the run and left by itself.
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(await gone(spawned.get('dev.iso.slow')!)).toBe(true);
  }, 60_000);

  it('a run that hangs is killed when the grace after its deadline is over, without holding up the others', async () => {
    const started = Date.now();
    // The expectation is attached at once: on a loaded machine the hung run can end before the other one does.
    const hung = expect(driver.up({ request: vpcRequest('hang'), timeoutMs: 2000 })).rejects.toMatchObject({
      code: ProviderErrorCode.Timeout,
    });
    const ok = await driver.up({ request: vpcRequest('other') });
    expect(ok.VPC_ID?.value).toBe('vpc-of-dev.iso.other');
    await hung;
    expect(Date.now() - started).toBeGreaterThanOrEqual(3400);
    const pid = spawned.get('dev.iso.hang')!;
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid)).toBe(true);
  }, 60_000);

  it('a runner loads the provider’s program module by path and runs its program (under Pulumi’s mocks)', async () => {
    const mocked = new PulumiDriver({
      dataDir,
      configurator: testConfigurator,
      cli: AVAILABLE,
      launcher: new ForkJobLauncher({ workspaceModule: MOCKED_ENGINE_WORKSPACE_MODULE }),
    });
    const outputs = await mocked.up({ request: { ...vpcRequest('programmed'), secretProperties: { token: 'tk-1' } } });
    expect(splitOutputs([], outputs)).toEqual({
      externalIds: { vpcId: 'network-id' },
      outputs: { VPC_ID: 'network-id', VPC_CIDR: '10.0.0.0/16' },
      secretOutputs: { TOKEN_SEEN: 'tk-1' },
    });
  }, 60_000);
});
