import type { Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { CliError, CliErrorCode } from '../cli.error';
import type { Operation } from '../client/api.types';
import { phaseColor } from '../output/colors';
import { formatEvent } from '../output/event-line';

interface LogsOptions extends CommonOptions {
  follow?: boolean;
}

/** `APP|OPERATION`: an application name stands for its newest operation; anything else is taken as an operation id. */
async function resolveOperation(ctx: CliContext, target: string, env: string): Promise<Operation> {
  const app = await ctx.client.findApplication(env, target);
  if (app) {
    const [latest] = await ctx.client.listOperations(env, target);
    if (!latest) throw new CliError(CliErrorCode.Server, `application ${target} has no operations yet`);
    return ctx.client.getOperation(latest.id);
  }
  const operation = await ctx.client.findOperation(target);
  if (!operation)
    throw new CliError(CliErrorCode.Server, `no application or operation named ${target} in environment ${env}`);
  return operation;
}

async function logs(ctx: CliContext, target: string, options: LogsOptions): Promise<void> {
  const operation = await resolveOperation(ctx, target, options.env);
  const header = `${operation.kind} operation ${operation.id} (${operation.application}, generation ${operation.generation ?? '?'})`;
  if (!options.follow) {
    const items = await ctx.client.listEvents(operation.id);
    if (ctx.structured(options, { operation, items })) return;
    ctx.out(ctx.colors.dim(header) + '\n');
    for (const event of items) ctx.out(formatEvent(event, ctx.colors));
    ctx.out(`${operation.kind} ${phaseColor(ctx.colors, operation.state)(operation.state)}\n`);
    return;
  }
  if (!options.output) ctx.out(ctx.colors.dim(header) + '\n');
  const final = await ctx.client.followEvents(operation.id, (event) => {
    // -o json follows as one JSON object per line, so a script can read events as they come.
    if (options.output === 'json') ctx.out(JSON.stringify(event) + '\n');
    else if (options.output === 'yaml') ctx.structured(options, [event]);
    else ctx.out(formatEvent(event, ctx.colors));
  });
  if (!options.output) ctx.out(`${final.kind} ${phaseColor(ctx.colors, final.state)(final.state)}\n`);
}

export function registerLogsCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('logs')
    .description("print an operation's event log; an application name means its newest operation")
    .argument('<target>', 'application name or operation id')
    .option('-f, --follow', 'keep streaming events until the operation ends');
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.action((target: string, options: LogsOptions) => logs(ctx, target, options));
}
