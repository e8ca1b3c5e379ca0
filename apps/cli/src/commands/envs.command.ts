import type { Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { formatAge } from '../output/duration';
import { formatTable } from '../output/table';

export async function listEnvironments(ctx: CliContext, options: CommonOptions): Promise<void> {
  const items = await ctx.client.listEnvironments();
  if (ctx.structured(options, { items })) return;
  const current = options.env;
  ctx.out(
    formatTable(
      ['name', 'provider', 'runtime', 'profiles', 'age'],
      items.map((e) => [
        e.name === current ? `${e.name} ${ctx.colors.dim('(current)')}` : e.name,
        e.provider?.kind ?? '-',
        e.runtime?.kind ?? '-',
        Object.entries(e.profiles ?? {})
          .map(([name, p]) => (name === p.kind ? name : `${name}=${p.kind}`))
          .join(',') || '-',
        formatAge(e.createdAt),
      ]),
    ),
  );
}

export function registerEnvsCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('envs')
    .description(
      'list environments: which provider provisions their cloud components and which runtime runs their workloads',
    );
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.action((options: CommonOptions) => listEnvironments(ctx, options));
}
