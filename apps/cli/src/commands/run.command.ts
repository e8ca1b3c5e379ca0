import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { CliError, CliErrorCode } from '../cli.error';
import type { BoundVariable } from '../client/api.types';

/** The child's environment: ours, plus the bound variables (which win over same-named ones we already have). */
export function childEnvironment(base: NodeJS.ProcessEnv, variables: BoundVariable[]): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const variable of variables) if (variable.value !== null) env[variable.name] = variable.value;
  return env;
}

/** Exit code for a child that ended: its own code, or 128 + signal number like a shell. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/** Runs `argv` with inherited stdio and extra env; forwards SIGINT/SIGTERM to it; resolves with its exit code. */
export function runChild(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env, cwd, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const cleanup = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      if (error.code === 'ENOENT')
        reject(Object.assign(new CliError(CliErrorCode.Input, `command not found: ${argv[0]}`), { exit: 127 }));
      else reject(new CliError(CliErrorCode.Input, `cannot run ${argv[0]}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(exitCodeOf(code, signal));
    });
  });
}

export function registerRunCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('run')
    .description("run a local command with a workload's bound variables (secrets included) in its environment")
    .argument('<app>', 'application name')
    .argument('<component>', 'workload component name')
    .argument('<command...>', 'the command and its arguments, after --');
  ctx.withEnv(command);
  command.addHelpText('after', '\nExample:\n  berth run quickstart web -- node examples/check-db.js');
  command.action(async (app: string, component: string, argv: string[], options: CommonOptions) => {
    const { variables } = await ctx.client.getWorkloadEnv(options.env, app, component, true);
    const withheld = variables.filter((v) => v.value === null).map((v) => v.name);
    if (withheld.length > 0)
      ctx.err(ctx.errorColors.yellow(`warning: the server did not reveal ${withheld.join(', ')}; they are not set\n`));
    try {
      ctx.exitCode = await runChild(argv, childEnvironment(ctx.io.env, variables), ctx.io.cwd);
    } catch (error) {
      if ((error as { exit?: number }).exit === 127) {
        ctx.err(`error: ${(error as Error).message}\n`);
        ctx.exitCode = 127;
        return;
      }
      throw error;
    }
  });
}
