import { Command, CommanderError } from 'commander';
import { CliContext, DEFAULT_ENV, DEFAULT_URL, type CliIo } from './cli.context';
import { CliError } from './cli.error';
import { explainUnknownEnvironment } from './client/unknown-environment';
import { registerAccessCommands } from './commands/access.command';
import { registerApplyCommand } from './commands/apply.command';
import { registerDefinitionsCommand } from './commands/definitions.command';
import { registerDeleteCommand } from './commands/delete.command';
import { registerEnvCommand } from './commands/env.command';
import { registerEnvsCommand } from './commands/envs.command';
import { registerGetCommand } from './commands/get.command';
import { registerLogsCommand } from './commands/logs.command';
import { registerRunCommand } from './commands/run.command';
import { registerShowCommand } from './commands/show.command';
import { registerStatusCommand } from './commands/status.command';
import { registerWorkflowCommands } from './commands/workflow.command';
import { formatError } from './output/error.printer';

export const VERSION = '0.1.0';

/** The `berth` program with every command registered; commander errors are thrown (exitOverride) instead of exiting. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('berth')
    .description(
      `Berth: provision the cloud components of OAM Applications and bind their secrets into workloads.\nServer: $BERTH_URL (now ${ctx.serverUrl}).`,
    )
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => ctx.out(text),
      writeErr: (text) => ctx.err(text),
      outputError: (text, write) => write(ctx.errorColors.red(text)),
    });
  program.addHelpText(
    'after',
    `
Environment:
  BERTH_URL   the Berth server (default ${DEFAULT_URL})
  BERTH_ENV   environment used when --env is not given (default ${DEFAULT_ENV})
  BERTH_TOKEN the API token to send (else the one of \`berth login\`, else ./.berth/admin.token on loopback)
  NO_COLOR    turn colours off (they are also off when output is not a terminal)

Quick start:
  berth apply -f examples/quickstart.yaml --wait
  berth status quickstart
  berth run quickstart web -- node examples/check-db.js
  berth delete quickstart --wait`,
  );
  // Remember the environment the command works in, to explain a 404 caused by an unknown one.
  program.hook('preAction', (_program, action) => {
    const env: unknown = action.opts().env;
    if (typeof env === 'string') ctx.environment = env;
  });
  registerApplyCommand(program, ctx);
  registerGetCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerDeleteCommand(program, ctx);
  registerWorkflowCommands(program, ctx);
  registerEnvCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerLogsCommand(program, ctx);
  registerShowCommand(program, ctx);
  registerDefinitionsCommand(program, ctx);
  registerEnvsCommand(program, ctx);
  registerAccessCommands(program, ctx);
  return program;
}

/**
 * Runs the command line on `argv` (user arguments only, without node and the script) and resolves with the exit code:
 * 0 on success, 1 when the command or the server failed, 2 for usage errors, or the code of a child run by `berth run`.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const explained = ctx.environment
      ? await explainUnknownEnvironment(() => ctx.client, ctx.environment, error)
      : error;
    ctx.err(formatError(explained, ctx.errorColors));
    return explained instanceof CliError ? explained.exitCode : 1;
  }
}
