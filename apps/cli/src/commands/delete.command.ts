import type { Command } from 'commander';
import { formatDuration } from '@berth/core';
import type { CliContext, CommonOptions } from '../cli.context';
import { waitForApplication } from '../wait/application.waiter';
import { rendererFactory, withWait } from './wait-options';

interface DeleteOptions extends CommonOptions {
  wait?: boolean;
  orphan?: boolean;
  timeout: number;
}

async function remove(ctx: CliContext, app: string, options: DeleteOptions): Promise<void> {
  // What is there now, so that --wait can show each component go even when the deletion is over by the first poll.
  const before = options.wait ? await ctx.client.findApplication(options.env, app) : undefined;
  const { operation } = await ctx.client.deleteApplication(options.env, app, options.orphan === true);
  const orphan = options.orphan ? ' (cloud resources are kept)' : '';
  ctx.out(
    `${ctx.colors.bold(`application/${app} deletion queued in ${options.env}${orphan}`)}${operation ? ctx.colors.dim(`; operation ${operation.id}`) : ''}\n`,
  );
  if (!options.wait) return;
  const started = Date.now();
  await waitForApplication(
    ctx.client,
    {
      kind: 'delete',
      env: options.env,
      app,
      operationId: operation?.id,
      before,
      timeoutMs: options.timeout,
      withEvents: ctx.interactive,
    },
    rendererFactory(ctx, `delete ${app}`, app, false),
  );
  ctx.out(`${ctx.colors.green('✓')} ${app} deleted from ${options.env} (${formatDuration(Date.now() - started)})\n`);
}

export function registerDeleteCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('delete')
    .description('delete an application: its workloads, then its cloud components in reverse dependency order')
    .argument('<app>', 'application name')
    .option('--orphan', 'forget the application but keep its cloud resources');
  withWait(command, 'the application is gone');
  ctx.withEnv(command);
  command.action((app: string, options: DeleteOptions) => remove(ctx, app, options));
}
