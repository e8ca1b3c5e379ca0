import { Option, type Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { ENV_FORMATS, formatEnv, type EnvFormat } from '../output/env-format';

interface EnvOptions extends CommonOptions {
  format: EnvFormat;
  reveal?: boolean;
}

export function registerEnvCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('env')
    .description(
      'print the variables bound into a workload (from its service-binding trait); sensitive values only with --reveal',
    )
    .argument('<app>', 'application name')
    .argument('<component>', 'workload component name')
    .addOption(new Option('--format <format>', 'output format').choices(ENV_FORMATS).default('dotenv'))
    .option('--reveal', 'include the values of sensitive keys (passwords, secret keys)');
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.addHelpText(
    'after',
    '\nExamples:\n  berth env quickstart web > .env\n  eval "$(berth env quickstart web --format shell --reveal)"',
  );
  command.action(async (app: string, component: string, options: EnvOptions) => {
    const result = await ctx.client.getWorkloadEnv(options.env, app, component, options.reveal === true);
    if (ctx.structured(options, result)) return;
    ctx.out(formatEnv(result.variables, options.format));
  });
}
