import { Argument, type Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { phaseColor } from '../output/colors';
import { formatAge } from '../output/duration';
import { formatTable } from '../output/table';
import { listDefinitions } from './definitions.command';
import { listEnvironments } from './envs.command';

const RESOURCES = ['apps', 'app', 'applications', 'application', 'envs', 'environments', 'definitions', 'defs'];

export async function listApplications(ctx: CliContext, options: CommonOptions): Promise<void> {
  const items = await ctx.client.listApplications(options.env);
  if (ctx.structured(options, { items })) return;
  if (items.length === 0) {
    ctx.err(`no applications in environment ${options.env}\n`);
    return;
  }
  const c = ctx.colors;
  ctx.out(
    formatTable(
      ['name', 'phase', 'generation', 'age'],
      items.map((a) => [a.name, phaseColor(c, a.phase)(a.phase), String(a.generation), formatAge(a.updatedAt)]),
    ),
  );
}

export function registerGetCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('get')
    .description('list applications (also: environments, definitions)')
    .addArgument(new Argument('<resource>', 'what to list').choices(RESOURCES));
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.addHelpText('after', '\nExamples:\n  berth get apps\n  berth get apps --env staging -o json');
  command.action((resource: string, options: CommonOptions) => {
    if (resource.startsWith('env')) return listEnvironments(ctx, options);
    if (resource.startsWith('def')) return listDefinitions(ctx, options);
    return listApplications(ctx, options);
  });
}
