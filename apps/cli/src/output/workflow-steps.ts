import type { WorkflowStatus, WorkflowStepStatus } from '../client/api.types';
import type { Palette } from './colors';

function stepLine(step: WorkflowStepStatus, c: Palette, indent: string): string[] {
  const reason = step.reason ? ` (${step.reason})` : '';
  const targets = Object.entries(step.targets ?? {})
    .map(([environment, target]) => `${environment}: ${target.phase}`)
    .join(', ');
  const colored =
    step.phase === 'failed'
      ? c.red(step.phase)
      : step.phase === 'succeeded'
        ? c.green(step.phase)
        : step.phase === 'suspending'
          ? c.yellow(step.phase)
          : step.phase;
  const lines = [
    `${indent}${step.name}  ${c.dim(step.type)}  ${colored}${reason}${targets ? c.dim(`  [${targets}]`) : ''}`,
  ];
  if (step.message) lines.push(`${indent}  ${c.red(step.message)}`);
  for (const sub of step.subSteps ?? []) lines.push(...stepLine(sub, c, `${indent}  `));
  return lines;
}

/** `berth status`, `resume`, `terminate`: the workflow's phase and one line per step (phase, reason, environments). */
export function formatWorkflow(workflow: WorkflowStatus, c: Palette): string {
  const waiting =
    workflow.phase === 'suspending' &&
    workflow.steps.some((step) =>
      [step, ...(step.subSteps ?? [])].some((s) => s.phase === 'suspending' && s.reason?.startsWith('WaitingFor')),
    );
  const hint = waiting ? c.dim('  (berth resume <app> continues, berth terminate <app> ends it)') : '';
  return [`${c.bold('workflow')}  ${workflow.phase}${hint}`, ...workflow.steps.flatMap((s) => stepLine(s, c, '  '))]
    .join('\n')
    .concat('\n');
}
