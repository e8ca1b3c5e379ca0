import type { Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { formatTable } from '../output/table';

export async function listDefinitions(ctx: CliContext, options: CommonOptions): Promise<void> {
  const items = await ctx.client.listDefinitions();
  if (ctx.structured(options, { items })) return;
  ctx.out(
    formatTable(
      ['name', 'kind', 'category', 'aliases', 'description'],
      items.map((d) => [d.name, d.kind, d.category ?? '-', d.aliases?.join(',') || '-', d.description ?? '']),
    ),
  );
}

export function registerDefinitionsCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('definitions')
    .alias('defs')
    .description('list the component types and traits the server knows (see `berth show TYPE`)');
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.action((options: CommonOptions) => listDefinitions(ctx, options));
}
