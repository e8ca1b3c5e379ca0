import {
  availableSecret,
  isCloudComponent,
  ProviderError,
  ProviderErrorCode,
  requireReadyBindings,
  resolveBindings,
  PlanGraph,
  type PlannedStep,
  type StepContext,
  type StepResult,
  type WorkloadComponentSpec,
} from '@berth/core';
import { withSecretNamespaces } from '../../secrets/secret-namespaces';
import { resourceKey, stillOurs, targetOf, type OperationContext, type StepDependencies } from './operation-context';

/**
 * Delivers one workload through the environment's runtime with the connection secrets it binds, once every one of
 * them is published; a workload that does not roll out fails the attempt (retried, then reported with the reason).
 */
export async function deliver(
  deps: StepDependencies,
  ctx: OperationContext,
  step: PlannedStep,
  context: StepContext,
): Promise<StepResult> {
  const spec = ctx.application?.components.find((c) => c.name === step.component);
  if (!spec || isCloudComponent(spec))
    throw new Error(`${step.id}: workload ${step.component} is not in the application`);
  const workload = spec as WorkloadComponentSpec;
  const materials = withSecretNamespaces(
    await deps.secrets.materials(ctx.operation.environmentName, ctx.operation.applicationName),
    ctx.application,
  );
  const resolution = requireReadyBindings(
    workload.name,
    resolveBindings(workload, ctx.application!, materials.map(availableSecret)),
  );
  const bound = materials.filter((m) => resolution.secretNames.includes(m.name));
  for (const material of bound)
    context.scrubber.addAll(material.sensitiveKeys.map((k) => material.data[k]).filter((v): v is string => !!v));
  const statuses = await deps.runtimes.get(ctx.environment.runtime.kind).deliver(
    {
      ...targetOf(ctx),
      runtime: ctx.environment.runtime,
      workloads: [{ component: workload, env: resolution.env, bindingsChecksum: resolution.bindingsChecksum }],
      secrets: bound,
      metadata: { labels: ctx.application!.labels, annotations: ctx.application!.annotations },
      signal: context.signal,
      prune: false,
    },
    context.log,
  );
  // A workload that did not roll out (timed out, crash-looping, image missing) is not delivered: the step retries
  // (the runtime re-applies idempotently and waits again) and then fails with the runtime's reason in status.
  stillOurs(context);
  const notReady = statuses.filter((status) => !status.ready);
  if (notReady.length > 0) {
    throw new ProviderError(
      ProviderErrorCode.Timeout,
      notReady.map((status) => `${status.component} did not become ready: ${status.message}`).join('; '),
    );
  }
  await deps.resources.upsert(resourceKey(ctx, workload.name), {
    type: workload.type,
    category: 'workload',
    dependsOn: PlanGraph.fromApplication(ctx.application!).dependenciesOf(workload.name).sort(),
    lastError: null,
  });
  const notApplied = statuses.flatMap((status) => status.notApplied ?? []);
  return {
    bindingsChecksum: resolution.bindingsChecksum,
    secrets: bound.map((m) => `${m.name}@${m.version}`),
    // What this runtime does not carry out; the journal lists it in the component's conditions.
    ...(notApplied.length > 0 ? { notApplied, runtime: ctx.environment.runtime.kind } : {}),
  };
}
