import {
  ProviderError,
  ProviderErrorCode,
  type ApplicationMetadata,
  type ConnectionSecretMaterial,
  type JsonObject,
  type WorkloadDelivery,
} from '@berth/core';
import { componentLabels } from '../labels';
import type { KubeObject } from './kube-object';

/** What to render: one application's workloads and the connection secrets of its cloud components. */
export interface RenderRequest {
  environment: string;
  application: string;
  workloads: readonly WorkloadDelivery[];
  /** Every connection secret of the application (one Secret each). */
  secrets: readonly ConnectionSecretMaterial[];
  /** The Application's labels and annotations: every object carries them (Berth's own labels and a component's win). */
  metadata?: ApplicationMetadata;
  /** Sets metadata.namespace when given (the runtime's namespace); omitted for a namespace-less GitOps view. */
  namespace?: string;
  /**
   * The objects each `ref-objects` component refers to, as the runtime read them (by component name). Without an
   * entry a `ref-objects` component cannot be rendered (the GitOps view has no cluster to read them from).
   */
  referencedObjects?: ReadonlyMap<string, readonly KubeObject[]>;
}

/** One workload component being rendered: its objects, which its traits then patch and add to. */
export interface WorkloadRender {
  request: RenderRequest;
  delivery: WorkloadDelivery;
  secrets: ReadonlyMap<string, ConnectionSecretMaterial>;
  /** The object that runs the component's pods (Deployment, DaemonSet, Job, CronJob…), or of a raw/k8s-objects component its first object. */
  workload?: KubeObject;
  /** Every object of the component (the workload included), in the order they are listed. */
  objects: KubeObject[];
}

export function invalid(message: string): ProviderError {
  return new ProviderError(ProviderErrorCode.InvalidRequest, message);
}

export function componentName(render: WorkloadRender): string {
  return render.delivery.component.name;
}

/** Metadata of an object of one component: name, namespace, Berth's labels and the given annotations. */
export function objectMetadata(
  request: RenderRequest,
  name: string,
  component: string,
  annotations?: Record<string, string>,
): KubeObject['metadata'] {
  return {
    name,
    ...(request.namespace ? { namespace: request.namespace } : {}),
    labels: componentLabels(request.environment, request.application, component),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** Adds an object a trait outputs; two objects of one kind and name in one component are refused. */
export function addObject(render: WorkloadRender, object: KubeObject): void {
  const clash = render.objects.find((o) => o.kind === object.kind && o.metadata.name === object.metadata.name);
  if (clash) {
    throw invalid(
      `component "${componentName(render)}": two ${object.kind} objects named "${object.metadata.name}" (from its type and traits)`,
    );
  }
  render.objects.push(object);
}

/** The Service of the component (named as the component), if it has one. */
export function componentService(render: WorkloadRender): KubeObject | undefined {
  return render.objects.find((o) => o.kind === 'Service' && o.metadata.name === componentName(render));
}

export interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string>; [field: string]: unknown };
  spec: { containers: JsonObject[]; [field: string]: unknown };
}

/** The pod template of a workload object: `spec.template`, or a CronJob's `spec.jobTemplate.spec.template`. */
export function podTemplateOf(object: KubeObject | undefined): PodTemplate | undefined {
  const spec = object?.spec as JsonObject | undefined;
  if (!spec) return undefined;
  const template = (
    object?.kind === 'CronJob' ? ((spec.jobTemplate as JsonObject)?.spec as JsonObject)?.template : spec.template
  ) as PodTemplate | undefined;
  if (!template || typeof template !== 'object' || !Array.isArray(template.spec?.containers)) return undefined;
  template.metadata ??= {};
  return template;
}

/** The component's pod template; a trait that patches pods on a component without one is refused. */
export function requirePodTemplate(render: WorkloadRender, trait: string): PodTemplate {
  const template = podTemplateOf(render.workload);
  if (!template) {
    throw invalid(
      `component "${componentName(render)}": trait "${trait}" patches the pod template, which its ${render.workload?.kind ?? 'objects'} do not have`,
    );
  }
  return template;
}

/** A container of the pod template by name; the main container (named as the component, else the first) by default. */
export function containerOf(render: WorkloadRender, trait: string, containerName?: unknown): JsonObject {
  const template = requirePodTemplate(render, trait);
  const containers = template.spec.containers;
  if (typeof containerName === 'string' && containerName !== '') {
    const found = containers.find((c) => c.name === containerName);
    if (!found) {
      throw invalid(
        `component "${componentName(render)}": trait "${trait}" names containerName "${containerName}", which the pod does not have (it has ${containers.map((c) => String(c.name)).join(', ')})`,
      );
    }
    return found;
  }
  const main = containers.find((c) => c.name === componentName(render)) ?? containers[0];
  if (!main) throw invalid(`component "${componentName(render)}": the pod template has no container`);
  return main;
}

/** Appends to a list field of an object, creating it; an entry with the same `key` value is replaced. */
export function mergeByKey(target: JsonObject, field: string, entries: readonly JsonObject[], key = 'name'): void {
  const list = (Array.isArray(target[field]) ? target[field] : []) as JsonObject[];
  for (const entry of entries) {
    const at = list.findIndex((item) => item[key] !== undefined && item[key] === entry[key]);
    if (at >= 0) list[at] = entry;
    else list.push(entry);
  }
  if (list.length > 0) target[field] = list;
}
