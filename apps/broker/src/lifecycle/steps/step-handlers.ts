import type { StepAction, StepHandler } from '@berth/core';
import type { ResourceStore } from '@berth/persistence';
import { deliver } from './deliver.step';
import type { ActionHandler, OperationContext, StepDependencies } from './operation-context';
import { cloudSpecOf, provision } from './provision.step';
import { refresh } from './refresh.step';
import { rotationSteps } from './rotation.steps';
import { destroy, finalize, removeSecrets, removeWorkloads, retain } from './teardown.steps';

/**
 * The work of each step action, over the ports (providers, runtimes) and the stores. Every handler is idempotent:
 * deterministic idempotency keys and names, "already gone" is success, a secret version is added only when values change.
 */
export type StepHandlers = Readonly<Record<StepAction, ActionHandler>>;

export function stepHandlers(deps: StepDependencies): StepHandlers {
  const { rotate, revoke } = rotationSteps(deps);
  return {
    provision: (ctx, step, context) => provision(deps, ctx, cloudSpecOf(ctx, step), context),
    deliver: (ctx, step, context) => deliver(deps, ctx, step, context),
    destroy: (ctx, step, context) => destroy(deps, ctx, step, context),
    retain: (ctx, step) => retain(deps, ctx, step),
    'remove-workload': (ctx, step, context) => removeWorkloads(deps, ctx, context, [step.component!]),
    'remove-workloads': (ctx, _step, context) => removeWorkloads(deps, ctx, context),
    'remove-secrets': (ctx, _step, context) => removeSecrets(deps, ctx, context),
    finalize: (ctx) => finalize(deps, ctx),
    refresh: (ctx, step, context) => refresh(deps, ctx, step, context),
    rotate,
    revoke,
  };
}

/** Step handlers made for one operation, over that operation's reads and writes of its resources. */
export type StepHandlersOver = (resources: ResourceStore) => StepHandlers;

/** The handlers over `deps` whose resource reads, secrets and requests go through the given resources instead. */
export function stepHandlersOver(deps: StepDependencies): StepHandlersOver {
  return (resources) => {
    const secrets = deps.secrets.over(resources);
    return stepHandlers({ ...deps, resources, secrets, requests: deps.requests.over(resources, secrets) });
  };
}

/** The executor's handler for one operation: each step goes to the handler of its action. */
export function handlerFor(handlers: StepHandlers, ctx: OperationContext): StepHandler {
  return (step, context) => handlers[step.action](ctx, step, context);
}
