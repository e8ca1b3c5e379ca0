import type { JsonObject } from '@berth/core';
import { isObject, stringMap } from '../workload-properties';
import { addObject, componentName, invalid, objectMetadata, type WorkloadRender } from '../workload-render';
import { ensureComponentService } from './component-service';

/** The ingress annotation KubeVela sets unless `classInSpec`. */
export const ANNOTATION_INGRESS_CLASS = 'kubernetes.io/ingress.class';

/**
 * An `networking.k8s.io/v1` Ingress routing `http: {path: port}` on `domain` to the component's Service (which gets
 * those ports), as KubeVela's `gateway` and `ingress` traits render it.
 */
export function renderIngress(render: WorkloadRender, trait: string, properties: JsonObject): void {
  const component = componentName(render);
  if (!isObject(properties.http) || Object.keys(properties.http).length === 0)
    throw invalid(`component "${component}": trait ${trait} needs http (a map of path to port)`);
  const routes = Object.entries(properties.http).map(([path, value]) => {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw invalid(`component "${component}": trait ${trait}: http "${path}" port ${String(value)} is not 1-65535`);
    return { path, port };
  });
  const domain = typeof properties.domain === 'string' && properties.domain !== '' ? properties.domain : undefined;
  const serviceName =
    typeof properties.existingServiceName === 'string' && properties.existingServiceName !== ''
      ? properties.existingServiceName
      : component;
  if (serviceName === component) {
    ensureComponentService(
      render,
      [...new Set(routes.map((r) => r.port))].map((port) => ({
        name: `port-${port}`,
        port,
        targetPort: port,
        protocol: 'TCP',
      })),
    );
  }
  const ingressClass = typeof properties.class === 'string' ? properties.class : 'nginx';
  const classInSpec = properties.classInSpec === true;
  const pathType = typeof properties.pathType === 'string' ? properties.pathType : 'ImplementationSpecific';
  const annotations = {
    ...stringMap(component, `${trait} annotations`, properties.annotations),
    ...(classInSpec ? {} : { [ANNOTATION_INGRESS_CLASS]: ingressClass }),
  };
  const name = typeof properties.name === 'string' && properties.name !== '' ? properties.name : component;
  const rule: JsonObject = {
    ...(domain ? { host: domain } : {}),
    http: {
      paths: routes.map((route) => ({
        path: route.path,
        pathType,
        backend: { service: { name: serviceName, port: { number: route.port } } },
      })),
    },
  };
  const secretName = typeof properties.secretName === 'string' ? properties.secretName : undefined;
  addObject(render, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: objectMetadata(render.request, name, component, annotations),
    spec: {
      ...(classInSpec ? { ingressClassName: ingressClass } : {}),
      ...(secretName ? { tls: [{ ...(domain ? { hosts: [domain] } : {}), secretName }] } : {}),
      rules: [rule],
    },
  });
}
