import type { Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { formatDefinition } from '../output/definition.view';

export function registerShowCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('show')
    .description('show a component type or trait: its properties and the connection keys it outputs')
    .argument('<type>', 'type name or alias, e.g. rds, alibaba-oss, service-binding');
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.action(async (type: string, options: CommonOptions) => {
    const definition = await ctx.client.getDefinition(type);
    if (!ctx.structured(options, definition)) ctx.out(formatDefinition(definition, ctx.colors));
  });
}
