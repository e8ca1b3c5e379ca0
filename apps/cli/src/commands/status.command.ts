import type { Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { formatStatusTree } from '../output/status-tree';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('status')
    .description("show an application's components: phase, non-secret outputs, connection secret and last error")
    .argument('<app>', 'application name');
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.action(async (app: string, options: CommonOptions) => {
    const application = await ctx.client.getApplication(options.env, app);
    if (!ctx.structured(options, application)) ctx.out(formatStatusTree(application, ctx.colors));
  });
}
