import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import { moduleBeside } from '../program/program-module';
import { abortedError, type JobLauncher, type LaunchOptions } from './job-launcher';
import type { ParentMessage, RunnerMessage } from './runner-protocol';
import { jobScrubber, type JobResult, type StackJob } from './stack-job';

export interface ForkJobLauncherOptions {
  /** Test hook: a module the runner loads its workspace from instead of the automation API. */
  workspaceModule?: string;
  /** Runner entry file; defaults to pulumi-runner.entry beside this file (.js in dist, .ts under vitest/tsx). */
  entry?: string;
  /** Told the pid of each runner started (tests check a killed runner is gone). */
  onSpawn?: (pid: number, stackName: string) => void;
}

/** The runner entry next to this module: compiled `.js` in dist, the TypeScript source under vitest or tsx. */
export function runnerEntry(): string {
  return moduleBeside(__filename, __dirname, 'pulumi-runner.entry');
}

/**
 * Runs each job in its own child process (its own process group), so a crash or hang cannot fail another run or the
 * service. At the deadline the runner is told to cancel (Pulumi stops cleanly); when the grace is over the whole
 * group — runner and the pulumi CLI it started — is killed.
 */
export class ForkJobLauncher implements JobLauncher {
  private readonly entry: string;

  constructor(private readonly options: ForkJobLauncherOptions = {}) {
    this.entry = options.entry ?? runnerEntry();
  }

  run(job: StackJob, options: LaunchOptions): Promise<JobResult> {
    if (!existsSync(this.entry)) {
      return Promise.reject(
        new ProviderError(
          ProviderErrorCode.Internal,
          `the Pulumi runner entry ${this.entry} is missing (is the build complete?)`,
        ),
      );
    }
    if (options.kill.aborted) return Promise.reject(abortedError(options.kill));
    const execArgv = this.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const child = fork(this.entry, [], {
      execArgv,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: process.env,
    });
    if (child.pid !== undefined) this.options.onSpawn?.(child.pid, job.settings.stackName);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    // A runner that is already gone cannot be told anything; its exit settles the run.
    const send = (message: ParentMessage) => {
      if (child.connected) child.send(message, () => undefined);
    };

    return new Promise<JobResult>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        options.cancel.removeEventListener('abort', onCancel);
        options.kill.removeEventListener('abort', onKill);
        fn();
      };
      const onCancel = () => send({ type: 'cancel' });
      const onKill = () => {
        killGroup(child);
        finish(() => reject(abortedError(options.kill)));
      };
      options.cancel.addEventListener('abort', onCancel, { once: true });
      options.kill.addEventListener('abort', onKill, { once: true });

      child.on('message', (message: RunnerMessage) => {
        if (message.type === 'event') options.onEvent(message.event);
        else if (message.type === 'result') finish(() => resolve(message.result));
        else if (message.type === 'error') finish(() => reject(new ProviderError(message.code, message.message)));
      });
      child.on('error', (error) =>
        finish(() =>
          reject(new ProviderError(ProviderErrorCode.Internal, `the Pulumi runner could not start: ${error.message}`)),
        ),
      );
      child.on('exit', (code, signal) => {
        // Whatever the runner started (the pulumi CLI) goes with it.
        killGroup(child);
        finish(() =>
          reject(
            new ProviderError(
              ProviderErrorCode.Internal,
              `the Pulumi runner for stack ${job.settings.stackName} exited without a result (${signal ? `signal ${signal}` : `code ${code}`})` +
                (stderr.trim() ? `: ${jobScrubber(job, process.env).scrub(lastLines(stderr))}` : ''),
            ),
          ),
        );
      });
      send({
        type: 'run',
        job,
        ...(this.options.workspaceModule ? { workspaceModule: this.options.workspaceModule } : {}),
      });
      if (options.cancel.aborted) onCancel();
    });
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n');
}
