import type { JsonObject } from '@berth/core';
import { ANNOTATION_BINDINGS_CHECKSUM, componentLabels, componentSelector } from '../../labels';
import type { KubeObject } from '../kube-object';
import { readWorkloadProperties, type WorkloadProperties } from '../workload-properties';
import { componentName, objectMetadata, type PodTemplate, type WorkloadRender } from '../workload-render';

/** The component's properties as a pod-running type reads them. */
export function podProperties(render: WorkloadRender): WorkloadProperties {
  return readWorkloadProperties(render.delivery.component);
}

/** The main container: named as the component, with its declared env (bindings are added after the traits). */
function mainContainer(render: WorkloadRender, props: WorkloadProperties): JsonObject {
  const resources: Record<string, Record<string, string>> = {};
  if (Object.keys(props.requests).length > 0) resources.requests = props.requests;
  if (Object.keys(props.limits).length > 0) resources.limits = props.limits;
  return {
    name: componentName(render),
    image: props.image,
    ...(props.imagePullPolicy ? { imagePullPolicy: props.imagePullPolicy } : {}),
    ...(props.command ? { command: props.command } : {}),
    ...(props.args ? { args: props.args } : {}),
    ...(props.env.length > 0 ? { env: props.env.map((e) => ({ ...e })) } : {}),
    ...(props.ports.length > 0
      ? {
          ports: props.ports.map((port) => ({
            name: port.name,
            containerPort: port.containerPort,
            protocol: port.protocol,
          })),
        }
      : {}),
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    ...(props.volumeMounts.length > 0 ? { volumeMounts: props.volumeMounts } : {}),
    ...(props.livenessProbe ? { livenessProbe: props.livenessProbe } : {}),
    ...(props.readinessProbe ? { readinessProbe: props.readinessProbe } : {}),
  };
}

/** The pod template of a pod-running type: Berth's labels over the component's, the bindings checksum, one container. */
export function podTemplate(render: WorkloadRender, props: WorkloadProperties, restartPolicy?: string): PodTemplate {
  const { request, delivery } = render;
  return {
    metadata: {
      labels: { ...props.labels, ...componentLabels(request.environment, request.application, componentName(render)) },
      annotations: { ...props.annotations, [ANNOTATION_BINDINGS_CHECKSUM]: delivery.bindingsChecksum },
    },
    spec: {
      ...(restartPolicy ? { restartPolicy } : {}),
      containers: [mainContainer(render, props)],
      ...(props.imagePullSecrets.length > 0
        ? { imagePullSecrets: props.imagePullSecrets.map((secret) => ({ name: secret })) }
        : {}),
      ...(props.volumes.length > 0 ? { volumes: props.volumes } : {}),
      ...(props.hostAliases.length > 0 ? { hostAliases: props.hostAliases } : {}),
    },
  };
}

/** Metadata of the workload object: Berth's labels over the component's `labels`, its `annotations`. */
export function workloadMetadata(render: WorkloadRender, props: WorkloadProperties): KubeObject['metadata'] {
  const name = componentName(render);
  const metadata = objectMetadata(render.request, name, name, props.annotations);
  metadata.labels = { ...props.labels, ...metadata.labels };
  return metadata;
}

export function selectorOf(render: WorkloadRender): Record<string, string> {
  return componentSelector(render.request.environment, render.request.application, componentName(render));
}

/** The Service of the exposed ports (`ports[].expose`, or `port`), of `exposeType`; none without exposed ports. */
export function exposedPortsService(render: WorkloadRender, props: WorkloadProperties): KubeObject | undefined {
  const exposed = props.ports.filter((port) => port.expose);
  if (exposed.length === 0) return undefined;
  const name = componentName(render);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMetadata(render.request, name, name),
    spec: {
      type: props.exposeType,
      selector: selectorOf(render),
      ports: exposed.map((port) => ({
        name: port.name,
        port: port.port,
        targetPort: port.containerPort,
        protocol: port.protocol,
        ...(port.nodePort !== undefined && props.exposeType === 'NodePort' ? { nodePort: port.nodePort } : {}),
      })),
    },
  };
}
