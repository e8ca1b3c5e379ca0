import { Option, type Command } from 'commander';
import { BerthApiClient } from './client/berth-api.client';
import { resolveToken } from './client/credentials';
import { serverUrlFrom } from './client/server-url';
import { colorsEnabled, palette, type Palette } from './output/colors';
import { formatStructured, STRUCTURED_FORMATS, type StructuredFormat } from './output/structured';

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const DEFAULT_ENV = 'local';

/** Where the command line reads and writes; the real process in main.ts, anything stream-like in tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Options every command takes. */
export interface CommonOptions {
  env: string;
  output?: StructuredFormat;
}

/** What the commands share: the API client, the output streams with their colours, and the defaults from env vars. */
export class CliContext {
  readonly colors: Palette;
  readonly errorColors: Palette;
  /** Set by a command whose exit code is not simply success (berth run passes its child's code on). */
  exitCode = 0;
  /** The environment the running command works in (its --env), once commander has parsed it. */
  environment?: string;
  private apiClient?: BerthApiClient;

  constructor(readonly io: CliIo) {
    this.colors = palette(colorsEnabled(io.stdout, io.env));
    this.errorColors = palette(colorsEnabled(io.stderr, io.env));
  }

  get serverUrl(): string {
    return this.io.env.BERTH_URL?.trim() || DEFAULT_URL;
  }

  get defaultEnv(): string {
    return this.io.env.BERTH_ENV?.trim() || DEFAULT_ENV;
  }

  get client(): BerthApiClient {
    const url = serverUrlFrom(this.serverUrl);
    this.apiClient ??= new BerthApiClient(url, resolveToken(this.io.env, this.io.cwd, url)?.token);
    return this.apiClient;
  }

  /** True when stdout is an interactive terminal (live progress instead of plain lines). */
  get interactive(): boolean {
    return this.io.stdout.isTTY === true && this.io.env.TERM !== 'dumb' && !this.io.env.CI;
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  /** Prints `value` as JSON or YAML when -o asked for it; returns false to let the command print its human view. */
  structured(options: CommonOptions, value: unknown): boolean {
    if (!options.output) return false;
    this.out(formatStructured(value, options.output));
    return true;
  }

  /** Adds `--env` (default BERTH_ENV or local) to a command. */
  withEnv(command: Command): Command {
    return command.option('--env <name>', 'environment to work in ($BERTH_ENV)', this.defaultEnv);
  }

  /** Adds `-o, --output json|yaml` to a read command. */
  withOutput(command: Command): Command {
    return command.addOption(
      new Option('-o, --output <format>', 'print machine-readable output').choices(STRUCTURED_FORMATS),
    );
  }
}
