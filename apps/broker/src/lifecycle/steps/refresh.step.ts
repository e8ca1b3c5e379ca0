import { isCloudComponent, type PlannedStep, type StepContext, type StepResult } from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { condition } from '../db-operation.journal';
import { resourceKey, scopeOf, type OperationContext, type StepDependencies } from './operation-context';
import { applyOnceOf, keepsOnStateKeep } from './apply-once';
import { provision } from './provision.step';

/**
 * Asks the provider whether a recorded resource still matches what was applied. Moved connection values (an
 * endpoint that changed outside Berth) re-issue the secret; any other difference is reported as drift.
 */
export async function refresh(
  deps: StepDependencies,
  ctx: OperationContext,
  step: PlannedStep,
  context: StepContext,
): Promise<StepResult> {
  const row = await deps.resources.find(resourceKey(ctx, step.component!));
  if (!row || row.category !== 'cloud') return { drifted: false };
  const { request, provider } = deps.requests.forRecorded(scopeOf(ctx), row);
  const report = await provider.refresh({ ...request, signal: context.signal });
  if (!report.drifted) {
    await deps.resources.update(resourceKey(ctx, row.component), {
      conditions: [
        condition('Ready', 'True', 'Ready', 'in sync with the provider'),
        condition('Drifted', 'False', 'InSync', 'no drift'),
      ],
    });
    return { drifted: false };
  }
  const connectionKeys = new Set([
    ...BUILTIN_TYPES.connectionKeys(row.type).map((k) => k.name),
    ...Object.keys(row.outputs),
  ]);
  const outputsOnly =
    report.exists && report.differences.length > 0 && report.differences.every((d) => connectionKeys.has(d.field));
  const spec = ctx.application?.components.find((c) => c.name === row.component);
  const fields = report.differences.map((d) => d.field);
  const what = fields.join(', ');
  // apply-once with state keeping: a resource changed outside Berth is left as it is (reported, never re-applied).
  if (outputsOnly && spec && isCloudComponent(spec) && !keepsOnStateKeep(applyOnceOf(ctx, row.component))) {
    context.log.log(
      'warn',
      `${row.component}: connection values changed outside Berth (${what}); re-issuing its secret`,
      {
        fields,
      },
    );
    await provision(deps, ctx, spec, context);
    ctx.reissued.push(row.component);
    return { drifted: true, reissued: true, fields };
  }
  ctx.drift[row.component] = report.differences;
  const message = report.exists ? `differs from what was applied: ${what}` : 'the resource no longer exists';
  context.log.log('warn', `${row.component} drifted: ${message}`, { fields });
  await deps.resources.update(resourceKey(ctx, row.component), {
    conditions: [condition('Drifted', 'True', report.exists ? 'Drifted' : 'Missing', message)],
  });
  return { drifted: true, fields };
}
