import { execFile } from 'node:child_process';
import { MISSING_CLI_MESSAGE } from '../errors/pulumi-error-mapping';

export interface PulumiCliStatus {
  available: boolean;
  command: string;
  version?: string;
  reason?: string;
}

export interface PulumiCliLocator {
  detect(): Promise<PulumiCliStatus>;
}

type Exec = (command: string, args: string[]) => Promise<string>;

const defaultExec: Exec = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15_000, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });

/**
 * Finds the `pulumi` CLI: BERTH_PULUMI_COMMAND, else `pulumi` on PATH, proven by running `pulumi version`.
 * A found CLI is remembered; a missing one is asked again after `retryAfterMs`, so installing it needs no restart.
 */
export class ExecPulumiCliLocator implements PulumiCliLocator {
  private cached?: { status: PulumiCliStatus; at: number };

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly exec: Exec = defaultExec,
    private readonly retryAfterMs = 30_000,
  ) {}

  async detect(): Promise<PulumiCliStatus> {
    const now = Date.now();
    if (this.cached && (this.cached.status.available || now - this.cached.at < this.retryAfterMs))
      return this.cached.status;
    const configured = this.env.BERTH_PULUMI_COMMAND;
    const command = configured !== undefined && configured !== '' ? configured : 'pulumi';
    let status: PulumiCliStatus;
    try {
      const version = (await this.exec(command, ['version'])).trim();
      status = { available: true, command, version };
    } catch (error) {
      const reason =
        command === 'pulumi'
          ? MISSING_CLI_MESSAGE
          : `BERTH_PULUMI_COMMAND=${command} could not be run (${(error as Error).message.split('\n')[0]}); point it at the pulumi binary`;
      status = { available: false, command, reason };
    }
    this.cached = { status, at: now };
    return status;
  }
}
