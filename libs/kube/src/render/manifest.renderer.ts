import { createHash } from 'node:crypto';
import { REDACTED, type ConnectionSecretMaterial, type JsonObject, type WorkloadDelivery } from '@berth/core';
import { stringify } from 'yaml';
import {
  ANNOTATION_ALIBABA_LB_FORCE_OVERRIDE,
  ANNOTATION_ALIBABA_LB_ID,
  ANNOTATION_SECRET_VERSION,
  ANNOTATION_TEMPLATE_HASH,
  ANNOTATION_VALUES_REDACTED,
} from '../labels';
import type { KubeObject } from './kube-object';
import { applyTraits } from './traits/trait-renderers';
import { COMPONENT_RENDERERS } from './workloads/component-renderers';
import {
  componentService,
  invalid,
  objectMetadata,
  podTemplateOf,
  type RenderRequest,
  type WorkloadRender,
} from './workload-render';

export type { RenderRequest } from './workload-render';

export interface RenderOptions {
  /** Secret values in clear (base64 `data`). Otherwise every key is listed with the value `<redacted>`. */
  includeSecrets: boolean;
}

export interface RenderedManifests {
  /** Secrets first (sorted by name), then per workload in request order: its objects (Service, workload, trait outputs). */
  objects: KubeObject[];
  /** The same objects as a YAML stream (`---` between documents). */
  yaml: string;
  /** Per workload component (request order), the object that runs it: what a rollout is read from. */
  workloads: RenderedWorkloadRef[];
}

export interface RenderedWorkloadRef {
  component: string;
  apiVersion: string;
  kind: string;
  name: string;
}

/** Keys an `slb` connection secret carries; a webservice binding such a secret is exposed through that SLB. */
const SLB_ID_KEYS = ['SLB_ID', 'slbId'] as const;

export function renderSecret(
  request: RenderRequest,
  secret: ConnectionSecretMaterial,
  options: RenderOptions,
): KubeObject {
  const keys = Object.keys(secret.data).sort();
  const annotations: Record<string, string> = { [ANNOTATION_SECRET_VERSION]: String(secret.version) };
  if (!options.includeSecrets) annotations[ANNOTATION_VALUES_REDACTED] = 'true';
  const metadata = objectMetadata(request, secret.name, secret.component, annotations);
  // writeConnectionSecretToRef.namespace: the Secret goes there (a GitOps view without a namespace shows it too).
  if (secret.namespace !== undefined) metadata.namespace = secret.namespace;
  const object: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque' };
  if (options.includeSecrets) {
    object.data = Object.fromEntries(
      keys.map((key) => [key, Buffer.from(secret.data[key] ?? '', 'utf8').toString('base64')]),
    );
  } else {
    object.stringData = Object.fromEntries(keys.map((key) => [key, REDACTED]));
  }
  return object;
}

/** A Secret a component declares (storage trait, k8s-objects) without its values: every key listed as `<redacted>`. */
function redactDeclaredSecret(object: KubeObject): KubeObject {
  const keys = [
    ...Object.keys((object.data ?? {}) as JsonObject),
    ...Object.keys((object.stringData ?? {}) as JsonObject),
  ];
  const { data: _data, stringData: _stringData, ...rest } = object;
  return {
    ...rest,
    metadata: {
      ...object.metadata,
      annotations: { ...(object.metadata.annotations ?? {}), [ANNOTATION_VALUES_REDACTED]: 'true' },
    },
    ...(keys.length > 0 ? { stringData: Object.fromEntries([...new Set(keys)].sort().map((k) => [k, REDACTED])) } : {}),
  };
}

/** The SLB id a webservice is attached to: from the first (by name) bound secret that carries an SLB id. */
function boundSlbId(
  delivery: WorkloadDelivery,
  secrets: ReadonlyMap<string, ConnectionSecretMaterial>,
): string | undefined {
  const bound = [...new Set(delivery.env.map((variable) => variable.secretName))].sort();
  for (const name of bound) {
    const data = secrets.get(name)?.data ?? {};
    for (const key of SLB_ID_KEYS) if (data[key]) return data[key];
  }
  return undefined;
}

function checkBindings(delivery: WorkloadDelivery, secrets: ReadonlyMap<string, ConnectionSecretMaterial>): void {
  for (const variable of delivery.env) {
    // A Secret the application does not create is referenced as it is; the cluster holds it, Berth does not.
    if (variable.external) continue;
    const secret = secrets.get(variable.secretName);
    if (!secret) {
      throw invalid(
        `workload "${delivery.component.name}": env ${variable.name} binds secret "${variable.secretName}", which is not delivered`,
      );
    }
    if (!(variable.key in secret.data)) {
      throw invalid(
        `workload "${delivery.component.name}": env ${variable.name} binds key ${variable.key}, which secret "${secret.name}" does not have`,
      );
    }
  }
}

/** Bound variables go last in the main container and win over a declared (or trait-set) variable of the same name. */
function injectBindings(render: WorkloadRender): void {
  const { delivery } = render;
  if (delivery.env.length === 0) return;
  const template = podTemplateOf(render.workload);
  if (!template) {
    throw invalid(
      `component "${delivery.component.name}": binds connection secrets, but its ${render.workload?.kind ?? 'objects'} run no pods to receive them`,
    );
  }
  const containers = template.spec.containers;
  const main = containers.find((c) => c.name === delivery.component.name) ?? containers[0]!;
  const bound = new Set(delivery.env.map((variable) => variable.name));
  const env = [
    ...((main.env ?? []) as JsonObject[]).filter((variable) => !bound.has(String(variable.name))),
    ...delivery.env.map((variable) => ({
      name: variable.name,
      valueFrom: { secretKeyRef: { name: variable.secretName, key: variable.key } },
    })),
  ];
  main.env = env;
}

/** A webservice binding an slb is exposed through it: its Service becomes a LoadBalancer attached to that SLB. */
function attachSlb(render: WorkloadRender): void {
  const { delivery } = render;
  if (delivery.component.type !== 'webservice') return;
  const slbId = boundSlbId(delivery, render.secrets);
  if (!slbId) return;
  const service = componentService(render);
  if (!service)
    throw invalid(`workload "${delivery.component.name}": binds an slb but exposes no port for it to route to`);
  (service.spec as JsonObject).type = 'LoadBalancer';
  service.metadata.annotations = {
    ...(service.metadata.annotations ?? {}),
    [ANNOTATION_ALIBABA_LB_ID]: slbId,
    [ANNOTATION_ALIBABA_LB_FORCE_OVERRIDE]: 'true',
  };
}

/** A Job's template cannot change in place; the runtime replaces the Job when this hash of its spec changes. */
function stampJobTemplateHash(render: WorkloadRender): void {
  for (const object of render.objects) {
    if (object.kind !== 'Job') continue;
    const hash = createHash('sha256').update(JSON.stringify(object.spec)).digest('hex').slice(0, 16);
    object.metadata.annotations = { ...(object.metadata.annotations ?? {}), [ANNOTATION_TEMPLATE_HASH]: hash };
  }
}

/** The objects of one workload component: what its type renders, patched and extended by its traits. */
export function renderWorkload(
  request: RenderRequest,
  delivery: WorkloadDelivery,
  secrets: ReadonlyMap<string, ConnectionSecretMaterial> = new Map(
    request.secrets.map((secret) => [secret.name, secret]),
  ),
): KubeObject[] {
  return renderComponent(request, delivery, secrets).objects;
}

function renderComponent(
  request: RenderRequest,
  delivery: WorkloadDelivery,
  secrets: ReadonlyMap<string, ConnectionSecretMaterial>,
): WorkloadRender {
  const component = delivery.component;
  const renderer = COMPONENT_RENDERERS.get(component.type);
  if (!renderer) throw invalid(`workload "${component.name}": unsupported type "${String(component.type)}"`);
  checkBindings(delivery, secrets);
  const render: WorkloadRender = { request, delivery, secrets, objects: [] };
  renderer.render(render);
  applyTraits(render, component.traits ?? []);
  injectBindings(render);
  attachSlb(render);
  stampJobTemplateHash(render);
  return render;
}

/** One YAML stream of Kubernetes objects, `---` between documents. */
export function toYamlStream(objects: readonly KubeObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}

/**
 * Renders an application for Kubernetes: one Secret per connection secret, and per workload component its objects.
 * Pure: no cluster involved. Used by the Kubernetes runtime (with includeSecrets) and by the GitOps view.
 */
export function renderManifests(request: RenderRequest, options: RenderOptions): RenderedManifests {
  const secrets = new Map<string, ConnectionSecretMaterial>();
  for (const secret of request.secrets) {
    if (secrets.has(secret.name)) throw invalid(`two connection secrets are named "${secret.name}"`);
    secrets.set(secret.name, secret);
  }
  const names = new Set<string>();
  const objects: KubeObject[] = [...secrets.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((secret) => renderSecret(request, secret, options));
  const owners = new Map(
    objects.map((o) => [
      `${o.kind}/${o.metadata.name}`,
      `connection secret of "${o.metadata.labels?.['berth.dev/component'] ?? '?'}"`,
    ]),
  );
  const workloads: RenderedWorkloadRef[] = [];
  for (const delivery of request.workloads) {
    if (names.has(delivery.component.name)) throw invalid(`two workloads are named "${delivery.component.name}"`);
    names.add(delivery.component.name);
    const render = renderComponent(request, delivery, secrets);
    if (render.workload) {
      const { apiVersion, kind, metadata } = render.workload;
      workloads.push({ component: delivery.component.name, apiVersion, kind, name: metadata.name });
    }
    for (const object of render.objects) {
      const key = `${object.kind}/${object.metadata.name}`;
      const owner = owners.get(key);
      if (owner) {
        throw invalid(
          `component "${delivery.component.name}": ${key} is also rendered by ${owner}; names of one kind must be unique in the namespace`,
        );
      }
      owners.set(key, `component "${delivery.component.name}"`);
      objects.push(object.kind === 'Secret' && !options.includeSecrets ? redactDeclaredSecret(object) : object);
    }
  }
  if (request.metadata) for (const object of objects) carryApplicationMetadata(object, request.metadata);
  return { objects, yaml: toYamlStream(objects), workloads };
}

/**
 * The Application's labels and annotations onto one rendered object; what the object already has (Berth's labels,
 * a component's or trait's own) wins. Only where there is something to add: an application without them renders as before.
 */
function carryApplicationMetadata(object: KubeObject, metadata: NonNullable<RenderRequest['metadata']>): void {
  if (Object.keys(metadata.labels).length > 0)
    object.metadata.labels = { ...metadata.labels, ...object.metadata.labels };
  if (Object.keys(metadata.annotations).length > 0)
    object.metadata.annotations = { ...metadata.annotations, ...object.metadata.annotations };
}
