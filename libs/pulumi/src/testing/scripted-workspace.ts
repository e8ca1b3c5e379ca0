/**
 * Loaded by the runner process in isolation tests (ForkJobLauncher's workspaceModule). Behaviour by stack name:
 * `*crash*` kills the runner mid-run, `*hang*` never answers (not even to a cancel), `*slow*` runs until it is
 * cancelled and then stops as Pulumi does after an interrupt, anything else succeeds after a short while.
 * Each runner writes its pid to $BERTH_TEST_PID_DIR/<stack>.pid so tests can check it is gone.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeWorkspace, defaultResult } from './fake-workspace';

export function createWorkspace(): FakeWorkspace {
  return new FakeWorkspace(async (op, stack, options) => {
    const name = stack.settings.stackName;
    if (process.env.BERTH_TEST_PID_DIR)
      writeFileSync(join(process.env.BERTH_TEST_PID_DIR, `${name}.pid`), String(process.pid));
    options.onEvent({
      sequence: 1,
      timestamp: 0,
      diagnosticEvent: { message: `runner ${process.pid} working on ${name}`, color: 'never', severity: 'info' },
    });
    if (name.includes('crash')) {
      await new Promise((r) => setTimeout(r, 100));
      process.abort();
    }
    if (name.includes('hang')) await new Promise(() => undefined);
    if (name.includes('slow')) {
      await new Promise<void>((resolve) => {
        if (options.signal?.aborted) resolve();
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      throw new Error('error: update canceled: the pulumi CLI was interrupted');
    }
    await new Promise((r) => setTimeout(r, 300));
    if (op !== 'up') return defaultResult(op);
    return {
      outputs: {
        VPC_ID: { value: `vpc-of-${name}`, secret: false },
        VPC_CIDR: { value: '10.0.0.0/16', secret: false },
        'berth:externalIds': { value: { vpcId: `vpc-of-${name}`, runnerPid: String(process.pid) }, secret: false },
      },
    };
  });
}
