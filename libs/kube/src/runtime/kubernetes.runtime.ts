import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import {
  ProviderError,
  ProviderErrorCode,
  SecretScrubber,
  WorkloadRuntime,
  type ConnectionSecretMaterial,
  type DeliveryRequest,
  type OperationLog,
  type RemovalRequest,
  type RuntimeSpec,
  type ValidationProblem,
  type WorkloadStatus,
} from '@berth/core';
import {
  ANNOTATION_TEMPLATE_HASH,
  LABEL_APPLICATION,
  LABEL_COMPONENT,
  LABEL_ENVIRONMENT,
  applicationLabelSelector,
} from '../labels';
import { objectKey, type KubeObject } from '../render/kube-object';
import { renderManifests, type RenderedWorkloadRef } from '../render/manifest.renderer';
import {
  type KubeconfigSources,
  discoverNamespacedKinds,
  kubeconfigProblems,
  loadKubeConfig,
  makeConfiguration,
  makeObjectApi,
} from './kube-client';
import { isNotFound, toProviderError } from './kube-error.mapper';
import { readReferencedObjects } from './referenced-objects';
import {
  kubernetesSettingsProblems,
  parseKubernetesRuntimeSettings,
  runtimeNamespace,
  type KubernetesRuntimeSettings,
} from './kubernetes-runtime-settings';
import { daemonSetRollout, deploymentRollout, jobRollout, type RolloutState } from './rollout-status';

/** Server-side apply field manager of everything Berth applies. */
export const FIELD_MANAGER = 'berth';

export const KUBERNETES_RUNTIME_KIND = 'kubernetes';

export interface KindRef {
  apiVersion: string;
  kind: string;
}

const DEPLOYMENT: KindRef = { apiVersion: 'apps/v1', kind: 'Deployment' };
const DAEMON_SET: KindRef = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
const STATEFUL_SET: KindRef = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const JOB: KindRef = { apiVersion: 'batch/v1', kind: 'Job' };
const CRON_JOB: KindRef = { apiVersion: 'batch/v1', kind: 'CronJob' };
const SERVICE: KindRef = { apiVersion: 'v1', kind: 'Service' };
const SECRET: KindRef = { apiVersion: 'v1', kind: 'Secret' };
/** Pod-running kinds whose rollout `status` reports. */
const WORKLOAD_STATUS_KINDS: readonly KindRef[] = [DEPLOYMENT, DAEMON_SET, JOB, CRON_JOB];
/**
 * Removal (and pruning) order of what Berth renders: what runs first (and what starts runs), then what scales and
 * routes to it, then what it mounted and ran as. Secrets come last, separately.
 */
const WORKLOAD_REMOVAL_ORDER: readonly KindRef[] = [
  CRON_JOB,
  DEPLOYMENT,
  DAEMON_SET,
  STATEFUL_SET,
  JOB,
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  SERVICE,
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
];
/** Apply order: what pods read or mount first, then what runs, then what routes to and scales it. */
const APPLY_RANK: Readonly<Record<string, number>> = {
  Secret: 0,
  ConfigMap: 1,
  PersistentVolumeClaim: 1,
  ServiceAccount: 1,
  Service: 3,
  Deployment: 4,
  DaemonSet: 4,
  StatefulSet: 4,
  Job: 4,
  CronJob: 4,
  Ingress: 5,
  HorizontalPodAutoscaler: 5,
};
const OTHER_RANK = 2;

function applyOrder(objects: readonly KubeObject[]): KubeObject[] {
  return objects
    .map((object, index) => ({ object, index, rank: APPLY_RANK[object.kind] ?? OTHER_RANK }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.object);
}

/** Kinds of the current render beyond Berth's own (k8s-objects), pruned even where discovery does not list them. */
function extraKinds(objects: readonly KubeObject[]): KindRef[] {
  return objects.map((object) => ({ apiVersion: object.apiVersion, kind: object.kind }));
}

/**
 * The application's objects of one kind that Berth applied: labelled with it and owned by nothing (what a controller
 * creates from them, e.g. a Deployment's pods carrying its template labels, goes with its owner). A discovered kind
 * this identity may not list is skipped.
 */
async function listOwnObjects(
  session: Session,
  kind: KindRef & { discovered?: boolean },
  selector: string,
): Promise<k8s.KubernetesObject[]> {
  try {
    const items = await session.list(kind, selector);
    return items.filter((item) => (item.metadata?.ownerReferences ?? []).length === 0);
  } catch (error) {
    if (kind.discovered && error instanceof ProviderError && error.code === ProviderErrorCode.Unauthorized) return [];
    throw error;
  }
}

export interface KubernetesRuntimeOptions {
  /** How often rollout and deletion are polled. Default 1000 ms. */
  pollIntervalMs?: number;
  /**
   * Directories a `kubeconfig` path of an environment must lie in (the service's BERTH_KUBECONFIG_DIRS). Default none:
   * only kubeconfigEnv, inCluster or the service's default kubeconfig.
   */
  kubeconfigDirs?: readonly string[];
  /** Where `kubeconfigEnv` names are looked up (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** One deliver/remove/status call: the settings, a client bound to the caller's signal, and error mapping. */
export class Session {
  readonly namespace: string;

  constructor(
    readonly settings: KubernetesRuntimeSettings,
    readonly api: k8s.KubernetesObjectApi,
    private readonly configuration: k8s.Configuration,
    readonly signal: AbortSignal,
    private readonly scrubber: SecretScrubber,
  ) {
    this.namespace = settings.namespace;
  }

  async call<T>(action: string, run: () => Promise<T>): Promise<T> {
    if (this.signal.aborted) throw toProviderError(undefined, { action, signal: this.signal, scrubber: this.scrubber });
    try {
      return await run();
    } catch (error) {
      throw toProviderError(error, { action, signal: this.signal, scrubber: this.scrubber });
    }
  }

  ref(kind: KindRef, name: string, namespace = this.namespace) {
    return { apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, namespace } };
  }

  /** The object (in the runtime's namespace unless another is given), or undefined when the server answers 404. */
  async read(kind: KindRef, name: string, namespace = this.namespace): Promise<k8s.KubernetesObject | undefined> {
    return this.call(`read ${kind.kind} ${namespace}/${name}`, async () => {
      try {
        return await this.api.read(this.ref(kind, name, namespace));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  async list(kind: KindRef, labelSelector: string, namespace = this.namespace): Promise<k8s.KubernetesObject[]> {
    const result = await this.call(`list ${kind.kind} in ${namespace}`, () =>
      this.api.list(kind.apiVersion, kind.kind, namespace, undefined, undefined, undefined, undefined, labelSelector),
    );
    return result.items;
  }

  /**
   * The kinds whose objects of the application are pruned and removed: Berth's own (in removal order), those given,
   * then every other namespaced kind the server serves (so an object of any kind a k8s-objects component wrote goes
   * with the application). Kinds this identity may not list are not Berth's to remove and are skipped.
   */
  async removableKinds(extra: readonly KindRef[] = []): Promise<Array<KindRef & { discovered: boolean }>> {
    const kinds: Array<KindRef & { discovered: boolean }> = [];
    // One entry per group and kind: the same objects are served under each version of a group.
    const group = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
    const add = (kind: KindRef, discovered: boolean): void => {
      if (kind.kind === 'Secret') return; // secrets go last, separately
      if (kinds.some((k) => k.kind === kind.kind && group(k.apiVersion) === group(kind.apiVersion))) return;
      kinds.push({ ...kind, discovered });
    };
    for (const kind of [...WORKLOAD_REMOVAL_ORDER, ...extra]) add(kind, false);
    const served = await this.call('discover the namespaced kinds', () => discoverNamespacedKinds(this.configuration));
    for (const kind of served) add(kind, true);
    return kinds;
  }

  async apply(object: KubeObject): Promise<k8s.KubernetesObject> {
    return this.call(`apply ${object.kind} ${this.namespace}/${object.metadata.name}`, () =>
      this.api.patch(
        structuredClone(object) as k8s.KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        k8s.PatchStrategy.ServerSideApply,
      ),
    );
  }

  /** Deletes (foreground: dependents first) and waits until the object is gone. A missing object is fine. */
  async deleteAndWait(kind: KindRef, name: string, pollIntervalMs: number): Promise<boolean> {
    const action = `delete ${kind.kind} ${this.namespace}/${name}`;
    const deleted = await this.call(action, async () => {
      try {
        await this.api.delete(this.ref(kind, name), undefined, undefined, undefined, undefined, 'Foreground');
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
    const deadline = Date.now() + this.settings.rolloutTimeoutSeconds * 1000;
    while ((await this.read(kind, name)) !== undefined) {
      if (Date.now() >= deadline) {
        throw new ProviderError(
          ProviderErrorCode.Timeout,
          `${action}: still terminating after ${this.settings.rolloutTimeoutSeconds}s`,
        );
      }
      await this.pause(pollIntervalMs, action);
    }
    return deleted;
  }

  async pause(ms: number, action: string): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.signal });
    } catch (error) {
      throw toProviderError(error, { action, signal: this.signal, scrubber: this.scrubber });
    }
  }
}

function labelsOf(object: k8s.KubernetesObject): Record<string, string> {
  return object.metadata?.labels ?? {};
}

function rolloutOf(kind: KindRef, object: k8s.KubernetesObject): RolloutState {
  switch (kind.kind) {
    case 'Deployment':
      return deploymentRollout(object as never);
    case 'Job':
      return jobRollout(object as never);
    case 'DaemonSet':
      return daemonSetRollout(object as never);
    case 'CronJob': {
      const spec = (object as { spec?: { schedule?: string; suspend?: boolean } }).spec;
      return {
        done: true,
        failed: false,
        message: spec?.suspend
          ? `suspended (schedule ${spec?.schedule ?? '?'})`
          : `scheduled: ${spec?.schedule ?? '?'}`,
      };
    }
    default:
      return { done: true, failed: false, message: `${kind.kind} applied` };
  }
}

/**
 * Delivers workloads to a Kubernetes cluster: connection Secrets, then Services, Deployments and Jobs, by server-side
 * apply (field manager `berth`, forced) into the environment's namespace; prunes what the application no longer
 * renders; waits for the rollout; removes workloads before secrets.
 */
export class KubernetesWorkloadRuntime extends WorkloadRuntime {
  readonly kind = KUBERNETES_RUNTIME_KIND;
  /** A Secret the application does not create is bound as it is: a secretKeyRef to it. */
  override readonly existingSecrets = 'bind' as const;
  private readonly pollIntervalMs: number;
  private readonly kubeconfigSources: KubeconfigSources;

  constructor(options: KubernetesRuntimeOptions = {}) {
    super();
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.kubeconfigSources = { allowedDirs: [...(options.kubeconfigDirs ?? [])], env: options.env };
  }

  /** The environment's namespace: every object of its applications is applied there. */
  override namespaceOf(runtime: RuntimeSpec): string | undefined {
    return runtimeNamespace(runtime);
  }

  /** Checks an environment's runtime settings (and that its kubeconfig loads) without contacting the cluster. */
  override validateSettings(runtime: RuntimeSpec): ValidationProblem[] {
    const problems = kubernetesSettingsProblems(runtime.settings);
    if (problems.length) return problems;
    return kubeconfigProblems(parseKubernetesRuntimeSettings(runtime.settings), this.kubeconfigSources);
  }

  private open(runtime: RuntimeSpec, signal: AbortSignal, secrets: readonly ConnectionSecretMaterial[] = []): Session {
    if (runtime.kind !== KUBERNETES_RUNTIME_KIND) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `runtime kind "${runtime.kind}" is not ${KUBERNETES_RUNTIME_KIND}`,
      );
    }
    const settings = parseKubernetesRuntimeSettings(runtime.settings);
    const kc = loadKubeConfig(settings, this.kubeconfigSources);
    const scrubber = new SecretScrubber(
      secrets.flatMap((secret) => secret.sensitiveKeys.map((key) => secret.data[key] ?? '')),
    );
    const configuration = makeConfiguration(kc, signal, settings.requestTimeoutSeconds * 1000);
    return new Session(settings, makeObjectApi(configuration), configuration, signal, scrubber);
  }

  async deliver(request: DeliveryRequest, log: OperationLog): Promise<WorkloadStatus[]> {
    const session = this.open(request.runtime, request.signal, request.secrets);
    const referencedObjects = await readReferencedObjects(session, request.workloads);
    const { objects, workloads } = renderManifests(
      { ...request, namespace: session.namespace, referencedObjects },
      { includeSecrets: true },
    );
    // Secrets (and ConfigMaps, claims) first: a pod never starts before what it reads exists.
    for (const object of applyOrder(objects)) await this.applyOne(session, request, object, log);
    if (request.prune !== false) await this.prune(session, request, objects, log);
    return this.awaitRollouts(session, workloads, log);
  }

  private async applyOne(
    session: Session,
    request: DeliveryRequest,
    object: KubeObject,
    log: OperationLog,
  ): Promise<void> {
    const kind = { apiVersion: object.apiVersion, kind: object.kind };
    const name = object.metadata.name;
    const existing = await session.read(kind, name);
    if (existing) {
      const labels = labelsOf(existing);
      if (labels[LABEL_APPLICATION] !== request.application || labels[LABEL_ENVIRONMENT] !== request.environment) {
        const owner = labels[LABEL_APPLICATION]
          ? `application "${labels[LABEL_APPLICATION]}" of environment "${labels[LABEL_ENVIRONMENT] ?? '?'}"`
          : 'no Berth application';
        throw new ProviderError(
          ProviderErrorCode.InvalidRequest,
          `${object.kind} ${session.namespace}/${name} already exists and belongs to ${owner}; Berth does not take it over`,
        );
      }
      // A Job's pod template is immutable: a changed Job is replaced.
      const before = existing.metadata?.annotations?.[ANNOTATION_TEMPLATE_HASH];
      if (object.kind === 'Job' && before !== object.metadata.annotations?.[ANNOTATION_TEMPLATE_HASH]) {
        log.log('info', `replacing Job ${name}: its template changed`, {
          kind: 'Job',
          name,
          namespace: session.namespace,
        });
        await session.deleteAndWait(JOB, name, this.pollIntervalMs);
      }
    }
    await session.apply(object);
    log.log('info', `applied ${object.kind} ${name}`, { kind: object.kind, name, namespace: session.namespace });
  }

  /** Deletes objects of the application that the current render no longer contains: workloads first, then secrets. */
  private async prune(
    session: Session,
    request: DeliveryRequest,
    objects: readonly KubeObject[],
    log: OperationLog,
  ): Promise<void> {
    const desired = new Set(objects.map(objectKey));
    const selector = applicationLabelSelector(request.environment, request.application);
    for (const kind of [...(await session.removableKinds(extraKinds(objects))), SECRET]) {
      for (const item of await listOwnObjects(session, kind, selector)) {
        const name = item.metadata?.name ?? '';
        if (desired.has(`${kind.kind}/${name}`)) continue;
        await session.deleteAndWait(kind, name, this.pollIntervalMs);
        log.log('info', `pruned ${kind.kind} ${name}: no longer part of the application`, {
          kind: kind.kind,
          name,
          namespace: session.namespace,
        });
      }
    }
  }

  private async awaitRollouts(
    session: Session,
    workloads: readonly RenderedWorkloadRef[],
    log: OperationLog,
  ): Promise<WorkloadStatus[]> {
    const timeoutSeconds = session.settings.rolloutTimeoutSeconds;
    const deadline = Date.now() + timeoutSeconds * 1000;
    let failed = false; // one waiter failing stops the others at their next turn
    return Promise.all(
      workloads
        .map(async (workload): Promise<WorkloadStatus> => {
          const kind: KindRef = { apiVersion: workload.apiVersion, kind: workload.kind };
          const component = { name: workload.component };
          for (;;) {
            if (failed) return { component: component.name, ready: false, message: 'not checked' };
            const object = await session.read(kind, workload.name);
            const state: RolloutState = object
              ? rolloutOf(kind, object)
              : { done: false, failed: false, message: `${kind.kind} not found` };
            if (state.done || state.failed) {
              log.log(state.done ? 'info' : 'warn', `${kind.kind} ${component.name}: ${state.message}`, {
                component: component.name,
              });
              return { component: component.name, ready: state.done, message: state.message };
            }
            if (Date.now() >= deadline) {
              const message = `rollout did not finish within ${timeoutSeconds}s: ${state.message}`;
              log.log('warn', `${kind.kind} ${component.name}: ${message}`, { component: component.name });
              return { component: component.name, ready: false, message };
            }
            await session.pause(this.pollIntervalMs, `wait for ${kind.kind} ${session.namespace}/${workload.name}`);
          }
        })
        .map((waiter) =>
          waiter.catch((error: unknown) => {
            failed = true;
            throw error;
          }),
        ),
    );
  }

  private selector(
    environment: string,
    application: string,
    components: readonly string[] | undefined,
  ): string | undefined {
    const base = applicationLabelSelector(environment, application);
    if (components === undefined) return base;
    if (components.length === 0) return undefined;
    return `${base},${LABEL_COMPONENT} in (${[...components].sort().join(',')})`;
  }

  async remove(request: RemovalRequest, log: OperationLog): Promise<void> {
    const session = this.open(request.runtime, request.signal);
    const selector = this.selector(request.environment, request.application, request.components);
    // Workloads: those named (none for `components: []`); secrets (includeSecrets): all of the application's, which
    // carry the cloud component's label, not a workload's.
    const kinds = selector === undefined ? [] : await session.removableKinds();
    const groups: Array<[KindRef, string]> = [
      ...kinds.map((kind): [KindRef, string] => [kind, selector!]),
      ...(request.includeSecrets
        ? [[SECRET, applicationLabelSelector(request.environment, request.application)] as [KindRef, string]]
        : []),
    ];
    for (const [kind, kindSelector] of groups) {
      for (const item of await listOwnObjects(session, kind, kindSelector)) {
        const name = item.metadata?.name ?? '';
        const deleted = await session.deleteAndWait(kind, name, this.pollIntervalMs);
        if (deleted)
          log.log('info', `deleted ${kind.kind} ${name}`, { kind: kind.kind, name, namespace: session.namespace });
      }
    }
  }

  async status(request: Omit<RemovalRequest, 'includeSecrets'>): Promise<WorkloadStatus[]> {
    const session = this.open(request.runtime, request.signal);
    const selector = this.selector(request.environment, request.application, request.components);
    if (selector === undefined) return [];
    const statuses = new Map<string, WorkloadStatus>();
    for (const kind of WORKLOAD_STATUS_KINDS) {
      for (const item of await session.list(kind, selector)) {
        const component = labelsOf(item)[LABEL_COMPONENT] ?? item.metadata?.name ?? '';
        const state = rolloutOf(kind, item);
        statuses.set(component, { component, ready: state.done, message: state.message });
      }
    }
    for (const component of request.components ?? []) {
      if (!statuses.has(component)) statuses.set(component, { component, ready: false, message: 'not deployed' });
    }
    return [...statuses.values()].sort((a, b) => a.component.localeCompare(b.component));
  }
}
