import type * as k8s from '@kubernetes/client-node';
import { ProviderError, ProviderErrorCode, type JsonObject, type WorkloadDelivery } from '@berth/core';
import type { KubeObject } from '../render/kube-object';
import type { KindRef, Session } from './kubernetes.runtime';

/** KubeVela's `resource` names (plural or singular) of the kinds a `ref-objects` component may refer to. */
const RESOURCES: Readonly<Record<string, KindRef>> = {
  configmap: { apiVersion: 'v1', kind: 'ConfigMap' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  service: { apiVersion: 'v1', kind: 'Service' },
  serviceaccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  persistentvolumeclaim: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  statefulset: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  daemonset: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  job: { apiVersion: 'batch/v1', kind: 'Job' },
  cronjob: { apiVersion: 'batch/v1', kind: 'CronJob' },
  ingress: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  horizontalpodautoscaler: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
};

function refused(component: string, message: string): ProviderError {
  return new ProviderError(ProviderErrorCode.InvalidRequest, `component "${component}": ${message}`);
}

function kindOf(component: string, where: string, entry: JsonObject): KindRef {
  if (typeof entry.kind === 'string') {
    const known = Object.values(RESOURCES).find((k) => k.kind === entry.kind);
    const apiVersion = typeof entry.apiVersion === 'string' ? entry.apiVersion : known?.apiVersion;
    if (!apiVersion) throw refused(component, `${where}: kind ${entry.kind} needs an apiVersion`);
    return { apiVersion, kind: entry.kind };
  }
  const resource = typeof entry.resource === 'string' ? entry.resource.toLowerCase() : '';
  const singular = resource.endsWith('ses') ? resource.slice(0, -2) : resource.replace(/s$/, '');
  const kind = RESOURCES[resource] ?? RESOURCES[singular];
  if (!kind) {
    throw refused(
      component,
      `${where}: resource "${String(entry.resource ?? '')}" is not one Berth reads (${Object.keys(RESOURCES).join(', ')}); name the kind and apiVersion instead`,
    );
  }
  return kind;
}

function labelSelector(selector: unknown): string | undefined {
  if (typeof selector !== 'object' || selector === null) return undefined;
  return Object.entries(selector as JsonObject)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(',');
}

/** What Kubernetes adds to an object that the copy does not take along (its identity, status, namespace). */
function asWritten(object: k8s.KubernetesObject, kind: KindRef): KubeObject {
  const { status: _status, ...rest } = object as k8s.KubernetesObject & { status?: unknown };
  const metadata = { ...(rest.metadata ?? {}) } as JsonObject;
  for (const field of [
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'managedFields',
    'ownerReferences',
    'selfLink',
  ]) {
    delete metadata[field];
  }
  const annotations = { ...((metadata.annotations ?? {}) as Record<string, string>) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  metadata.annotations = annotations;
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  return { ...rest, apiVersion: kind.apiVersion, kind: kind.kind, metadata } as KubeObject;
}

/**
 * Reads the objects each `ref-objects` component refers to (`objects[] {apiVersion?, kind or resource, name or
 * labelSelector, namespace?}`; the environment's namespace by default), as KubeVela does, so the renderer applies
 * copies of them as the application's. A missing object, `cluster` (another cluster) or an unknown resource is refused.
 */
export async function readReferencedObjects(
  session: Session,
  workloads: readonly WorkloadDelivery[],
): Promise<Map<string, KubeObject[]>> {
  const resolved = new Map<string, KubeObject[]>();
  for (const { component } of workloads) {
    if ((component.type as string) !== 'ref-objects') continue;
    const entries = component.properties.objects;
    if (!Array.isArray(entries) || entries.length === 0)
      throw refused(component.name, 'property "objects" (the objects to refer to) is required');
    const objects: KubeObject[] = [];
    for (const [index, raw] of entries.entries()) {
      const where = `objects/${index}`;
      const entry = (raw ?? {}) as JsonObject;
      if (typeof entry.cluster === 'string' && entry.cluster !== '' && entry.cluster !== 'local') {
        throw refused(
          component.name,
          `${where}: cluster "${entry.cluster}" — reading objects of another cluster is a KubeVela multi-cluster feature Berth does not run`,
        );
      }
      const kind = kindOf(component.name, where, entry);
      const namespace =
        typeof entry.namespace === 'string' && entry.namespace !== '' ? entry.namespace : session.namespace;
      if (typeof entry.name === 'string' && entry.name !== '') {
        const object = await session.read(kind, entry.name, namespace);
        if (!object) throw refused(component.name, `${where}: ${kind.kind} ${namespace}/${entry.name} does not exist`);
        objects.push(asWritten(object, kind));
      } else {
        const selector = labelSelector(entry.labelSelector);
        if (!selector) throw refused(component.name, `${where} needs a name or a labelSelector`);
        objects.push(...(await session.list(kind, selector, namespace)).map((object) => asWritten(object, kind)));
      }
    }
    resolved.set(component.name, objects);
  }
  return resolved;
}
