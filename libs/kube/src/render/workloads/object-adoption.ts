import type { JsonObject } from '@berth/core';
import { componentLabels } from '../../labels';
import type { KubeObject } from '../kube-object';
import { isObject } from '../workload-properties';
import { componentName, invalid, type WorkloadRender } from '../workload-render';

/**
 * Kinds that live outside any namespace. Berth applies an application's objects into its environment's namespace
 * only, so these are refused rather than created cluster-wide.
 */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
]);

/** Fields the API server owns; an object pasted from `kubectl get -o yaml` or read back loses them. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'ownerReferences',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/**
 * One object of a `k8s-objects`/`raw`/`ref-objects` component as Berth applies it: as written, in the environment's
 * namespace, with Berth's labels added (so it is pruned and removed with the application) and the server's fields
 * dropped. `where` names the object in messages (e.g. `objects/0`).
 */
export function adoptObject(render: WorkloadRender, value: unknown, where: string): KubeObject {
  const component = componentName(render);
  if (!isObject(value)) throw invalid(`component "${component}": ${where} is not a Kubernetes object`);
  const object = structuredClone(value) as JsonObject;
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string')
    throw invalid(`component "${component}": ${where} needs apiVersion and kind`);
  const metadata = (isObject(object.metadata) ? object.metadata : {}) as KubeObject['metadata'];
  if (typeof metadata.name !== 'string' || metadata.name === '')
    throw invalid(`component "${component}": ${where} (${object.kind}) needs metadata.name`);
  if (CLUSTER_SCOPED_KINDS.has(object.kind)) {
    throw invalid(
      `component "${component}": ${where} is a ${object.kind}, which is cluster-scoped; Berth applies an application's objects into its environment's namespace only`,
    );
  }
  const namespace = render.request.namespace;
  if (typeof metadata.namespace === 'string' && namespace !== undefined && metadata.namespace !== namespace) {
    throw invalid(
      `component "${component}": ${where} (${object.kind} ${metadata.name}) names namespace "${metadata.namespace}"; this environment applies into namespace "${namespace}"`,
    );
  }
  for (const field of SERVER_METADATA) delete metadata[field];
  delete object.status;
  const request = render.request;
  const adopted = {
    ...object,
    metadata: {
      ...metadata,
      ...(namespace ? { namespace } : {}),
      labels: { ...(metadata.labels ?? {}), ...componentLabels(request.environment, request.application, component) },
    },
  } as KubeObject;
  if (!namespace) delete adopted.metadata.namespace;
  return adopted;
}

/** Adds objects as the component's: the first is its workload (what its traits patch), as in KubeVela. */
export function adoptAll(render: WorkloadRender, values: readonly unknown[], where: (index: number) => string): void {
  values.forEach((value, index) => {
    const object = adoptObject(render, value, where(index));
    if (render.objects.some((o) => o.kind === object.kind && o.metadata.name === object.metadata.name)) {
      throw invalid(
        `component "${componentName(render)}": ${where(index)}: a second ${object.kind} named "${object.metadata.name}"`,
      );
    }
    render.objects.push(object);
  });
  render.workload = render.objects[0];
}
