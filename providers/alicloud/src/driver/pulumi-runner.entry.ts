/**
 * Entry of the runner process: one Pulumi run per process, so a program that crashes or hangs takes down only its
 * own run. Receives a RunMessage over IPC, answers with events and one result or error, then exits.
 */
import { ProviderError } from '@berth/core';
import { AutomationWorkspace } from './automation-workspace';
import { mapPulumiError } from './pulumi-error-mapping';
import type { PulumiWorkspace } from './pulumi-workspace.port';
import type { RunMessage, RunnerMessage } from './runner-protocol';
import { jobSecrets, runStackJob } from './stack-job';
import { createScrubber } from './secret-scrubber';

function send(message: RunnerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function loadWorkspace(message: RunMessage): Promise<PulumiWorkspace> {
  if (message.workspaceModule === undefined) return new AutomationWorkspace();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(message.workspaceModule) as { createWorkspace(): PulumiWorkspace };
  return mod.createWorkspace();
}

async function handle(message: RunMessage): Promise<void> {
  const scrub = createScrubber(jobSecrets(message.job, process.env));
  try {
    const workspace = await loadWorkspace(message);
    const result = await runStackJob(
      message.job,
      workspace,
      (event) => void send({ type: 'event', event }),
      process.env,
    );
    await send({ type: 'result', result });
  } catch (error) {
    const mapped = error instanceof ProviderError ? error : mapPulumiError(error, scrub);
    await send({ type: 'error', code: mapped.code, message: scrub(mapped.message) });
  }
  process.exit(0);
}

process.once('message', (message: RunMessage) => {
  if (message?.type === 'run') void handle(message);
});
process.on('disconnect', () => process.exit(1));
