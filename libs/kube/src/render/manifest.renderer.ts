import { createHash } from 'node:crypto';
import {
  ProviderError,
  ProviderErrorCode,
  REDACTED,
  type ConnectionSecretMaterial,
  type WorkloadDelivery,
} from '@berth/core';
import { stringify } from 'yaml';
import {
  ANNOTATION_ALIBABA_LB_FORCE_OVERRIDE,
  ANNOTATION_ALIBABA_LB_ID,
  ANNOTATION_BINDINGS_CHECKSUM,
  ANNOTATION_SECRET_VERSION,
  ANNOTATION_TEMPLATE_HASH,
  ANNOTATION_VALUES_REDACTED,
  componentLabels,
  componentSelector,
} from '../labels';
import type { KubeObject } from './kube-object';
import { readWorkloadProperties, type WorkloadProperties } from './workload-properties';

/** What to render: one application's workloads and the connection secrets of its cloud components. */
export interface RenderRequest {
  environment: string;
  application: string;
  workloads: readonly WorkloadDelivery[];
  /** Every connection secret of the application (one Secret each). */
  secrets: readonly ConnectionSecretMaterial[];
  /** Sets metadata.namespace when given (the runtime's namespace); omitted for a namespace-less GitOps view. */
  namespace?: string;
}

export interface RenderOptions {
  /** Secret values in clear (base64 `data`). Otherwise every key is listed with the value `<redacted>`. */
  includeSecrets: boolean;
}

export interface RenderedManifests {
  /** Secrets first (sorted by name), then per workload in request order: Service, Deployment or Job. */
  objects: KubeObject[];
  /** The same objects as a YAML stream (`---` between documents). */
  yaml: string;
}

/** Keys an `slb` connection secret carries; a webservice binding such a secret is exposed through that SLB. */
const SLB_ID_KEYS = ['SLB_ID', 'slbId'] as const;

function invalid(message: string): ProviderError {
  return new ProviderError(ProviderErrorCode.InvalidRequest, message);
}

function metadata(
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

export function renderSecret(
  request: RenderRequest,
  secret: ConnectionSecretMaterial,
  options: RenderOptions,
): KubeObject {
  const keys = Object.keys(secret.data).sort();
  const annotations: Record<string, string> = { [ANNOTATION_SECRET_VERSION]: String(secret.version) };
  if (!options.includeSecrets) annotations[ANNOTATION_VALUES_REDACTED] = 'true';
  const object: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(request, secret.name, secret.component, annotations),
    type: 'Opaque',
  };
  if (options.includeSecrets) {
    object.data = Object.fromEntries(
      keys.map((key) => [key, Buffer.from(secret.data[key] ?? '', 'utf8').toString('base64')]),
    );
  } else {
    object.stringData = Object.fromEntries(keys.map((key) => [key, REDACTED]));
  }
  return object;
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

function container(delivery: WorkloadDelivery, props: WorkloadProperties): Record<string, unknown> {
  const bound = new Set(delivery.env.map((variable) => variable.name));
  const env = [
    ...props.env.filter((variable) => !bound.has(variable.name)),
    ...delivery.env.map((variable) => ({
      name: variable.name,
      valueFrom: { secretKeyRef: { name: variable.secretName, key: variable.key } },
    })),
  ];
  const resources: Record<string, Record<string, string>> = {};
  if (Object.keys(props.requests).length > 0) resources.requests = props.requests;
  if (Object.keys(props.limits).length > 0) resources.limits = props.limits;
  return {
    name: delivery.component.name,
    image: props.image,
    ...(props.imagePullPolicy ? { imagePullPolicy: props.imagePullPolicy } : {}),
    ...(props.command ? { command: props.command } : {}),
    ...(props.args ? { args: props.args } : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(props.ports.length > 0
      ? { ports: props.ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: port.protocol })) }
      : {}),
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
  };
}

function podTemplate(
  request: RenderRequest,
  delivery: WorkloadDelivery,
  props: WorkloadProperties,
  restartPolicy?: string,
) {
  const name = delivery.component.name;
  return {
    metadata: {
      labels: componentLabels(request.environment, request.application, name),
      annotations: { [ANNOTATION_BINDINGS_CHECKSUM]: delivery.bindingsChecksum },
    },
    spec: {
      ...(restartPolicy ? { restartPolicy } : {}),
      containers: [container(delivery, props)],
      ...(props.imagePullSecrets.length > 0
        ? { imagePullSecrets: props.imagePullSecrets.map((secret) => ({ name: secret })) }
        : {}),
    },
  };
}

function checkBindings(delivery: WorkloadDelivery, secrets: ReadonlyMap<string, ConnectionSecretMaterial>): void {
  for (const variable of delivery.env) {
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

/** The objects of one workload: Service + Deployment (webservice), Deployment (worker) or Job (task). */
export function renderWorkload(
  request: RenderRequest,
  delivery: WorkloadDelivery,
  secrets: ReadonlyMap<string, ConnectionSecretMaterial> = new Map(
    request.secrets.map((secret) => [secret.name, secret]),
  ),
): KubeObject[] {
  const component = delivery.component;
  const props = readWorkloadProperties(component);
  checkBindings(delivery, secrets);
  const selector = componentSelector(request.environment, request.application, component.name);
  switch (component.type) {
    case 'webservice':
    case 'worker': {
      const objects: KubeObject[] = [];
      const exposed = props.ports.filter((port) => port.expose);
      const slbId = component.type === 'webservice' ? boundSlbId(delivery, secrets) : undefined;
      if (slbId && exposed.length === 0) {
        throw invalid(`workload "${component.name}": binds an slb but exposes no port for it to route to`);
      }
      if (component.type === 'webservice' && exposed.length > 0) {
        objects.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: metadata(
            request,
            component.name,
            component.name,
            slbId ? { [ANNOTATION_ALIBABA_LB_ID]: slbId, [ANNOTATION_ALIBABA_LB_FORCE_OVERRIDE]: 'true' } : undefined,
          ),
          spec: {
            type: slbId ? 'LoadBalancer' : 'ClusterIP',
            selector,
            ports: exposed.map((port) => ({
              name: port.name,
              port: port.port,
              targetPort: port.port,
              protocol: port.protocol,
            })),
          },
        });
      }
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata(request, component.name, component.name),
        spec: {
          replicas: props.replicas,
          selector: { matchLabels: selector },
          template: podTemplate(request, delivery, props),
        },
      });
      return objects;
    }
    case 'task': {
      const template = podTemplate(request, delivery, props, props.restartPolicy);
      const spec = { completions: props.count, parallelism: props.count, template };
      // A Job's template cannot change in place; the runtime replaces the Job when this hash changes.
      const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
      return [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: metadata(request, component.name, component.name, { [ANNOTATION_TEMPLATE_HASH]: hash }),
          spec,
        },
      ];
    }
    default:
      throw invalid(
        `workload "${(component as { name: string }).name}": unsupported type "${String((component as { type: unknown }).type)}"`,
      );
  }
}

/** One YAML stream of Kubernetes objects, `---` between documents. */
export function toYamlStream(objects: readonly KubeObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}

/**
 * Renders an application for Kubernetes: one Secret per connection secret, and per workload its Service, Deployment
 * or Job. Pure: no cluster involved. Used by the Kubernetes runtime (with includeSecrets) and by the GitOps view.
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
  for (const delivery of request.workloads) {
    if (names.has(delivery.component.name)) throw invalid(`two workloads are named "${delivery.component.name}"`);
    names.add(delivery.component.name);
    objects.push(...renderWorkload(request, delivery, secrets));
  }
  return { objects, yaml: toYamlStream(objects) };
}
