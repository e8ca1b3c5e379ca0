import type { PlannedStep, StepContext, StepResult } from '@berth/core';
import { condition } from '../db-operation.journal';
import {
  resourceKey,
  scopeOf,
  stillOurs,
  targetOf,
  type OperationContext,
  type StepDependencies,
} from './operation-context';
import { releaseShared } from './shared-resource.steps';

/** Destroys a recorded cloud resource through the provider it was made with ("no record" is nothing to destroy). */
export async function destroy(
  deps: StepDependencies,
  ctx: OperationContext,
  step: PlannedStep,
  context: StepContext,
): Promise<StepResult | void> {
  const row = await deps.resources.find(resourceKey(ctx, step.component!));
  if (!row) {
    context.log.log('info', `${step.component} has no recorded resource: nothing to destroy`);
    return;
  }
  const destroyMade = async () => {
    const { request, provider } = deps.requests.forRecorded(scopeOf(ctx), row);
    await provider.destroy({ ...request, signal: context.signal }, context.log);
  };
  // A shared resource is destroyed only by the last delivery that uses it.
  if (row.sharedOwner) return releaseShared(deps, ctx, row, context, destroyMade);
  await destroyMade();
  stillOurs(context);
  await deps.resources.remove(row);
  return { externalIds: row.externalIds };
}

/** Keeps a resource (deletionPolicy Retain, or an orphaning delete) and records that a later apply adopts it. */
export async function retain(deps: StepDependencies, ctx: OperationContext, step: PlannedStep): Promise<StepResult> {
  await deps.resources.update(resourceKey(ctx, step.component!), {
    retained: true,
    phase: 'Retained',
    conditions: [
      condition(
        'Retained',
        'True',
        ctx.operation.options.orphan ? 'Orphaned' : 'DeletionPolicyRetain',
        'kept; a later apply of this component adopts it',
      ),
    ],
  });
  return { retained: true };
}

/** Removes workloads from the runtime (the given ones, else all of the application) and their records. */
export async function removeWorkloads(
  deps: StepDependencies,
  ctx: OperationContext,
  context: StepContext,
  components?: string[],
): Promise<void> {
  await deps.runtimes.get(ctx.environment.runtime.kind).remove(
    {
      ...targetOf(ctx),
      runtime: ctx.environment.runtime,
      ...(components ? { components } : {}),
      includeSecrets: false,
      signal: context.signal,
    },
    context.log,
  );
  stillOurs(context);
  const rows = await deps.resources.list(ctx.operation.environmentName, ctx.operation.applicationName);
  for (const row of rows) {
    if (row.category === 'workload' && (!components || components.includes(row.component)))
      await deps.resources.remove(row);
  }
}

/** Removes the application's connection secrets from the runtime. */
export async function removeSecrets(
  deps: StepDependencies,
  ctx: OperationContext,
  context: StepContext,
): Promise<void> {
  await deps.runtimes.get(ctx.environment.runtime.kind).remove(
    {
      ...targetOf(ctx),
      runtime: ctx.environment.runtime,
      components: [],
      includeSecrets: true,
      signal: context.signal,
    },
    context.log,
  );
}

/** The last step of a delete: the application's records go (an audit record stays), retained resources stay. */
export async function finalize(deps: StepDependencies, ctx: OperationContext): Promise<StepResult> {
  const { environment, application } = targetOf(ctx);
  const retained = await deps.applications.finalizeDeletion(environment, application, ctx.operation.id);
  await deps.deliveries.remove(environment, application);
  return { retained };
}
