/**
 * Entry of the runner process: one Pulumi run per process, so a program that crashes or hangs takes down only its
 * own run. Receives a RunMessage over IPC, answers with events and one result or error, then exits. A CancelMessage
 * (the run's deadline) or the parent going away asks Pulumi to stop cleanly.
 */
import { ProviderError } from '@berth/core';
import { mapPulumiError } from '../errors/pulumi-error-mapping';
import { AutomationWorkspace } from '../workspace/automation-workspace';
import type { PulumiWorkspace } from '../workspace/pulumi-workspace.port';
import type { ParentMessage, RunMessage, RunnerMessage } from './runner-protocol';
import { jobScrubber, runStackJob } from './stack-job';

const cancel = new AbortController();
let started: RunMessage | undefined;

function send(message: RunnerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function loadWorkspace(message: RunMessage): Promise<PulumiWorkspace> {
  if (message.workspaceModule === undefined) return new AutomationWorkspace();
  const mod = (await import(message.workspaceModule)) as { createWorkspace(): PulumiWorkspace };
  return mod.createWorkspace();
}

async function handle(message: RunMessage): Promise<void> {
  const scrubber = jobScrubber(message.job, process.env);
  try {
    const workspace = await loadWorkspace(message);
    const result = await runStackJob(
      message.job,
      workspace,
      (event) => void send({ type: 'event', event }),
      process.env,
      cancel.signal,
    );
    await send({ type: 'result', result });
  } catch (error) {
    const mapped = error instanceof ProviderError ? error : mapPulumiError(error, (t) => scrubber.scrub(t));
    await send({ type: 'error', code: mapped.code, message: scrubber.scrub(mapped.message) });
  }
  process.exit(0);
}

process.on('message', (message: ParentMessage) => {
  if (message?.type === 'run' && started === undefined) {
    started = message;
    void handle(message);
  } else if (message?.type === 'cancel') {
    cancel.abort();
  }
});
// The service went away: let Pulumi stop cleanly (state saved, lock released), then leave.
process.on('disconnect', () => {
  if (started === undefined) process.exit(1);
  cancel.abort();
  setTimeout(() => process.exit(1), started.job.cancelGraceMs).unref();
});
