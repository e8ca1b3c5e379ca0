import {
  ProviderError,
  ProviderErrorCode,
  type PlannedStep,
  type ResourceProvider,
  type RevokeHandle,
  type StepContext,
  type StepResult,
} from '@berth/core';
import type { ManagedResourceEntity } from '@berth/persistence';
import { BUILTIN_TYPES } from '@berth/types';
import {
  hideSecretOutputs,
  resourceKey,
  scopeOf,
  targetOf,
  type ActionHandler,
  type OperationContext,
  type StepDependencies,
} from './operation-context';
import { isReadOnly } from './observe.step';

type Issued = Awaited<ReturnType<NonNullable<ResourceProvider['rotate']>>>;

async function rotatable(
  deps: StepDependencies,
  ctx: OperationContext,
  step: PlannedStep,
): Promise<ManagedResourceEntity> {
  const row = await deps.resources.find(resourceKey(ctx, step.component!));
  if (!row || row.category !== 'cloud' || row.retained) {
    throw new ProviderError(
      ProviderErrorCode.InvalidRequest,
      `${step.component} has no managed cloud resource to rotate`,
    );
  }
  // A shared resource's credentials are bound in every delivery that uses it, a read-only one's belong to whoever
  // made it: a rotation here would leave the others with revoked credentials.
  if (row.sharedOwner || (row.deletionPolicy === 'Retain' && isReadOnly(ctx, row.component))) {
    throw new ProviderError(
      ProviderErrorCode.InvalidRequest,
      `${step.component} is ${row.sharedOwner ? 'shared (shared-resource policy)' : 'read-only (read-only policy)'}; Berth does not rotate its credentials`,
    );
  }
  return row;
}

/**
 * The `rotate` and `revoke` steps of a rotation operation (the `deliver` steps between them are the ordinary ones).
 *
 * `rotate` asks the provider for new credentials (the old ones stay valid), seals the new connection values as the
 * next secret version, and holds the new password as the component's secret input (a later apply re-applies the
 * resource with it instead of resetting the old one). Its result carries the provider's revoke handle (non-secret:
 * a login name, an access key id), stored with the step, so a resumed operation still knows what to revoke.
 *
 * `revoke` runs after every bound workload was delivered; it checks with the runtime that each of them is rolled out
 * (retryable Transient error otherwise) and only then asks the provider to revoke the old credentials.
 */
export function rotationSteps(deps: StepDependencies): { rotate: ActionHandler; revoke: ActionHandler } {
  /** What the provider issued for a rotate step that has not finished yet, by operation and component. */
  const issued = new Map<string, Issued>();

  const rotate = async (ctx: OperationContext, step: PlannedStep, context: StepContext): Promise<StepResult> => {
    const { environment, application } = targetOf(ctx);
    const row = await rotatable(deps, ctx, step);
    const { request, provider, profile } = deps.requests.forRecorded(scopeOf(ctx), row);
    if (!provider.rotate) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `the ${profile.kind} provider cannot rotate credentials`,
      );
    }
    context.scrubber.addAll(Object.values(request.secretProperties));
    // A later attempt of the same step (a database write below failed) reuses what the provider already issued
    // instead of rotating a second time, which would leave the first old credentials without a revoke handle.
    const issuedKey = `${ctx.operation.id}/${row.component}`;
    const result =
      issued.get(issuedKey) ?? (await provider.rotate({ ...request, signal: context.signal }, context.log));
    issued.set(issuedKey, result);
    hideSecretOutputs(context, result.secretOutputs);

    const latest = await deps.resources.latestSecret(row.id);
    const name = latest?.name ?? row.secretName ?? `${application}-${row.component}-conn`;
    // Published already by an earlier attempt of this step (a later write failed): not a new version again.
    const { version } = await deps.secrets.publish(
      row.id,
      name,
      { ...result.outputs, ...result.secretOutputs },
      Object.keys(result.secretOutputs),
    );

    // Which connection key of the rotated secret becomes the held secret input, so the next apply keeps it.
    const held = BUILTIN_TYPES.require(row.type).rotation?.holds;
    const inputs = { ...request.secretProperties };
    if (held && result.secretOutputs[held.key]) inputs[held.input] = result.secretOutputs[held.key]!;
    await deps.resources.update(resourceKey(ctx, row.component), {
      externalIds: result.externalIds,
      outputs: result.outputs,
      ...(Object.keys(inputs).length > 0
        ? { sealedInputs: deps.secrets.sealInputs(environment, application, row.component, inputs) }
        : {}),
    });
    context.log.log(
      'info',
      `new credentials issued; connection secret ${name} is now version ${version}; the previous ones stay valid until revoked`,
      { version },
    );
    issued.delete(issuedKey);
    return { secretVersion: version, revoke: result.revoke };
  };

  const revoke = async (ctx: OperationContext, step: PlannedStep, context: StepContext): Promise<StepResult> => {
    const handle = context.results.get(`rotate:${step.component}`)?.revoke as RevokeHandle | undefined;
    if (!handle || Object.keys(handle).length === 0) {
      context.log.log('info', 'the provider issued nothing to revoke');
      return { revoked: false };
    }
    const workloads = ctx.steps.filter((s) => s.action === 'deliver' && s.component).map((s) => s.component!);
    if (workloads.length > 0) {
      const statuses = await deps.runtimes.get(ctx.environment.runtime.kind).status({
        ...targetOf(ctx),
        runtime: ctx.environment.runtime,
        components: workloads,
        signal: context.signal,
      });
      const waiting = workloads
        .map((w) => statuses.find((s) => s.component === w) ?? { component: w, ready: false, message: 'no status' })
        .filter((s) => !s.ready);
      if (waiting.length > 0) {
        throw new ProviderError(
          ProviderErrorCode.Transient,
          `not revoking yet: ${waiting.map((s) => `${s.component} is not rolled out (${s.message})`).join('; ')}`,
        );
      }
      context.log.log(
        'info',
        `every bound workload is rolled out (${workloads.join(', ')}); revoking the previous credentials`,
      );
    }
    const row = await rotatable(deps, ctx, step);
    const { request, provider } = deps.requests.forRecorded(scopeOf(ctx), row);
    await provider.revoke?.({ ...request, signal: context.signal }, handle, context.log);
    return { revoked: true, handle };
  };

  return { rotate, revoke };
}
