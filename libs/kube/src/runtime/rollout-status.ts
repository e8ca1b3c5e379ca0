/** Where a Deployment's or Job's rollout stands, read from the object the API server returned. */
export interface RolloutState {
  done: boolean;
  /** Will not finish by waiting (ProgressDeadlineExceeded, failed Job). */
  failed: boolean;
  message: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface Observed {
  metadata?: { generation?: number };
  spec?: { replicas?: number; completions?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    succeeded?: number;
    failed?: number;
    active?: number;
    conditions?: Condition[];
  };
}

function condition(object: Observed, type: string): Condition | undefined {
  return object.status?.conditions?.find((c) => c.type === type);
}

/** The same reading as `kubectl rollout status` for a Deployment. */
export function deploymentRollout(object: Observed): RolloutState {
  const generation = object.metadata?.generation ?? 0;
  const status = object.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return { done: false, failed: false, message: 'waiting for the deployment controller to observe the new spec' };
  }
  const progressing = condition(object, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      done: false,
      failed: true,
      message: `rollout failed: ${progressing.message ?? 'progress deadline exceeded'}`,
    };
  }
  const desired = object.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) return { done: false, failed: false, message: `${updated} of ${desired} replicas updated` };
  if (total > updated)
    return { done: false, failed: false, message: `${total - updated} old replicas pending termination` };
  if (available < updated)
    return { done: false, failed: false, message: `${available} of ${updated} updated replicas available` };
  return { done: true, failed: false, message: `rolled out: ${available} of ${desired} replicas available` };
}

export function jobRollout(object: Observed): RolloutState {
  const failed = condition(object, 'Failed');
  if (failed?.status === 'True')
    return { done: false, failed: true, message: `job failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
  const complete = condition(object, 'Complete');
  const completions = object.spec?.completions ?? 1;
  const succeeded = object.status?.succeeded ?? 0;
  if (complete?.status === 'True' || succeeded >= completions) {
    return { done: true, failed: false, message: `completed: ${succeeded} of ${completions} succeeded` };
  }
  return {
    done: false,
    failed: false,
    message: `running: ${object.status?.active ?? 0} active, ${succeeded} of ${completions} succeeded`,
  };
}

interface ObservedDaemonSet {
  metadata?: { generation?: number };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

/** The same reading as `kubectl rollout status` for a DaemonSet. */
export function daemonSetRollout(object: ObservedDaemonSet): RolloutState {
  const status = object.status ?? {};
  if ((status.observedGeneration ?? 0) < (object.metadata?.generation ?? 0)) {
    return { done: false, failed: false, message: 'waiting for the daemon set controller to observe the new spec' };
  }
  const desired = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (updated < desired) return { done: false, failed: false, message: `${updated} of ${desired} pods updated` };
  if (available < desired) return { done: false, failed: false, message: `${available} of ${desired} pods available` };
  return { done: true, failed: false, message: `rolled out: ${available} of ${desired} pods available` };
}
