import type { Command } from 'commander';
import type { CliContext, CommonOptions } from '../cli.context';
import { formatWorkflow } from '../output/workflow-steps';

/** `berth resume <app>` and `berth terminate <app>`: continue or end the application's spec.workflow. */
export function registerWorkflowCommands(program: Command, ctx: CliContext): void {
  const actions = [
    ['resume', 'continue the workflow: its waiting steps go on (a suspend ends, a deploy with auto: false deploys)'],
    ['terminate', 'end the workflow: running steps fail, the rest are skipped; deliveries already made stay'],
  ] as const;
  for (const [action, description] of actions) {
    const command = program.command(action).description(description).argument('<app>', 'application name');
    ctx.withEnv(command);
    ctx.withOutput(command);
    command.action(async (app: string, options: CommonOptions) => {
      const workflow = await ctx.client.workflowAction(options.env, app, action);
      if (!ctx.structured(options, { workflow })) ctx.out(formatWorkflow(workflow, ctx.colors));
    });
  }
}
