/**
 * A workspace whose `up` runs the stack's inline program under Pulumi's mocks instead of the CLI: the provider's
 * real program, loaded by the runner from its module, registers its resources with a mocked engine and the run
 * answers the resolved outputs. Loaded by a runner (ForkJobLauncher's workspaceModule) to prove a forked run loads
 * and runs the provider's programs (scripts/check-built-service.js does so in dist). Nothing here claims the CLI ran.
 */
import type { StackConfig } from '../workspace/pulumi-workspace.port';
import { FakeWorkspace, defaultResult } from './fake-workspace';
import { runUnderMocks } from './mocked-engine';

export function createWorkspace(): FakeWorkspace {
  return new FakeWorkspace(async (op, stack) => {
    if (op !== 'up') return defaultResult(op);
    const config: StackConfig = stack.config;
    const run = await runUnderMocks(stack.program, {
      project: stack.settings.projectName,
      stack: stack.settings.stackName,
      config,
    });
    return { outputs: run.outputs };
  });
}
