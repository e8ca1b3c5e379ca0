import {
  componentPropertiesHash,
  isCloudComponent,
  type CloudComponentSpec,
  type PlannedStep,
  type StepContext,
  type StepResult,
} from '@berth/core';
import {
  hideSecretOutputs,
  resourceKey,
  scopeOf,
  stillOurs,
  type OperationContext,
  type StepDependencies,
} from './operation-context';
import { applyOnceOf, firstApplied, keepsOnUpdate, keptSpec } from './apply-once';
import { isReadOnly, observe } from './observe.step';
import { plannedSharedOwner, provisionShared } from './shared-resource.steps';

/** The cloud component a step is about, from the operation's application. */
export function cloudSpecOf(ctx: OperationContext, step: PlannedStep): CloudComponentSpec {
  const spec = ctx.application?.components.find((c) => c.name === step.component);
  if (!spec || !isCloudComponent(spec))
    throw new Error(`${step.id}: component ${step.component} is not in the application`);
  return spec;
}

/**
 * Applies a cloud component through the provider of its profile, holds its secret inputs sealed on its resource,
 * and publishes the outputs as a new connection secret version when something a workload would see changed. A
 * shared component (`shared-resource`) is made by one delivery and taken by the others (see provisionShared); a
 * read-only one is only read (see observe).
 */
export async function provision(
  deps: StepDependencies,
  ctx: OperationContext,
  spec: CloudComponentSpec,
  context: StepContext,
): Promise<StepResult> {
  if (isReadOnly(ctx, spec.name)) return observe(deps, ctx, spec, context);
  const plannedOwner = plannedSharedOwner(ctx, spec.name);
  if (plannedOwner === undefined) return apply(deps, ctx, spec, context, null);
  return provisionShared(deps, ctx, spec, context, plannedOwner, (sharedOwner) =>
    apply(deps, ctx, spec, context, sharedOwner),
  );
}

async function apply(
  deps: StepDependencies,
  ctx: OperationContext,
  spec: CloudComponentSpec,
  context: StepContext,
  sharedOwner: string | null,
): Promise<StepResult> {
  const { environmentName: environment, applicationName: application } = ctx.operation;
  const key = resourceKey(ctx, spec.name);
  // apply-once: once applied, a changed spec does not reach the listed paths (`*`: the provider is not called).
  let sent = spec;
  const once = applyOnceOf(ctx, spec.name);
  const recorded = keepsOnUpdate(once) ? await deps.resources.find(key) : null;
  if (keepsOnUpdate(once) && firstApplied(recorded)) {
    const kept = keptSpec(spec, once, recorded);
    if (!kept) {
      context.log.log(
        'info',
        `${spec.name} is applied once (apply-once): left as first applied, this change is not applied`,
      );
      // The recorded hash stays the first applied one: without the policy, the next apply applies the spec.
      await deps.resources.update(key, { lastError: null });
      return { externalIds: recorded.externalIds, applyOnce: '*' };
    }
    context.log.log(
      'info',
      `${spec.name} is applied once at ${kept.kept.join(', ')} (apply-once): those stay as first applied`,
    );
    sent = kept.spec;
  }
  const { request, provider, profile, profileName, dependencyNames } = await deps.requests.forComponent(
    { ...scopeOf(ctx), spec: ctx.application!, givenSecrets: ctx.secretInputs[spec.name] },
    sent,
  );
  const { secretProperties } = request;
  context.scrubber.addAll(Object.values(secretProperties));

  const row = await deps.resources.upsert(key, {
    type: spec.type,
    category: 'cloud',
    profileKind: profile.kind,
    profileName,
    deletionPolicy: spec.deletionPolicy,
    secretName: spec.connectionSecretName,
    sharedOwner,
    ...(Object.keys(secretProperties).length > 0
      ? { sealedInputs: deps.secrets.sealInputs(environment, application, spec.name, secretProperties) }
      : {}),
  });
  const result = await provider.apply({ ...request, signal: context.signal }, context.log);
  stillOurs(context);
  hideSecretOutputs(context, result.secretOutputs);

  const { version, published } = await deps.secrets.publish(
    row.id,
    spec.connectionSecretName,
    { ...result.outputs, ...result.secretOutputs },
    Object.keys(result.secretOutputs),
  );
  if (published)
    context.log.log('info', `connection secret ${spec.connectionSecretName} is now version ${version}`, { version });
  await deps.resources.update(key, {
    externalIds: result.externalIds,
    outputs: result.outputs,
    properties: request.properties,
    retained: false,
    // What was applied (apply-once: the kept values), so that the spec is applied once the policy is gone.
    propertiesHash: componentPropertiesHash(sent),
    dependsOn: dependencyNames,
    stackName: result.externalIds.stack ?? null,
    lastError: null,
  });
  return { externalIds: result.externalIds, secretVersion: version };
}
