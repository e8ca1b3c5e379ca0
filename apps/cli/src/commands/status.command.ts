import type { Command } from 'commander';
import type { Application } from '../client/api.types';
import type { CliContext, CommonOptions } from '../cli.context';
import { formatDeliveryTrees, formatStatusTree } from '../output/status-tree';
import { formatWorkflow } from '../output/workflow-steps';

interface StatusOptions extends CommonOptions {
  /** Only these delivery environments (repeatable, or comma-separated). */
  delivery?: string[];
}

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('status')
    .description(
      "show an application's components: phase, non-secret outputs, connection secret and last error; " +
        'an Application with a topology shows one tree per environment it is delivered to',
    )
    .argument('<app>', 'application name')
    .option(
      '--delivery <env>',
      'only the deliveries to these environments (repeatable or comma-separated); --env names the home',
      (value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)],
    );
  ctx.withEnv(command);
  ctx.withOutput(command);
  command.action(async (app: string, options: StatusOptions) => {
    const application = await ctx.client.getApplication(options.env, app);
    const summaries = (application.status?.deliveries ?? []).filter(
      (d) => !options.delivery || options.delivery.includes(d.environment),
    );
    const workflow = application.status?.workflow ? `\n${formatWorkflow(application.status.workflow, ctx.colors)}` : '';
    if (summaries.length === 0) {
      if (!ctx.structured(options, application)) ctx.out(formatStatusTree(application, ctx.colors) + workflow);
      return;
    }
    const deliveries = await Promise.all(
      summaries.map(async (summary): Promise<Application | { environment: string; error: string }> => {
        try {
          return await ctx.client.getApplication(summary.environment, app);
        } catch (error) {
          return { environment: summary.environment, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    if (!ctx.structured(options, { ...application, deliveries })) {
      ctx.out(formatDeliveryTrees(application, deliveries, ctx.colors) + workflow);
    }
  });
}
