import type { JsonObject } from '@berth/core';
import { isObject, stringMap } from '../workload-properties';
import { componentName, invalid } from '../workload-render';
import { ensureComponentService, type ServicePort } from './component-service';
import { SCALABLE_KINDS, type TraitRenderer } from './trait-renderer';

const TYPES = new Set(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

/**
 * KubeVela's `expose`: a Service of the component for `ports[] {port, name?, protocol?, nodePort?}` (or the older
 * `port: [int]`), of `type` (default ClusterIP), with `annotations` and `labels`.
 */
export const exposeTrait: TraitRenderer = {
  type: 'expose',
  appliesTo: SCALABLE_KINDS,
  apply(render, properties) {
    const component = componentName(render);
    const raw = [
      ...(Array.isArray(properties.port) ? properties.port.map((port: unknown) => ({ port })) : []),
      ...(Array.isArray(properties.ports) ? properties.ports.filter(isObject) : []),
    ] as JsonObject[];
    if (raw.length === 0) throw invalid(`component "${component}": trait expose needs ports`);
    const ports: ServicePort[] = raw.map((p) => {
      const port = Number(p.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw invalid(`component "${component}": trait expose: port ${String(p.port)} is not 1-65535`);
      return {
        name: typeof p.name === 'string' ? p.name : `port-${port}`,
        port,
        targetPort: Number(p.targetPort ?? port),
        protocol: String(p.protocol ?? 'TCP'),
        ...(p.nodePort !== undefined ? { nodePort: Number(p.nodePort) } : {}),
      };
    });
    const type = String(properties.type ?? 'ClusterIP');
    if (!TYPES.has(type))
      throw invalid(`component "${component}": trait expose: type ${type} is not one of ${[...TYPES].join(', ')}`);
    const service = ensureComponentService(render, ports);
    (service.spec as JsonObject).type = type;
    const annotations = stringMap(component, 'expose annotations', properties.annotations);
    const labels = stringMap(component, 'expose labels', properties.labels);
    service.metadata.annotations = { ...(service.metadata.annotations ?? {}), ...annotations };
    if (Object.keys(service.metadata.annotations).length === 0) delete service.metadata.annotations;
    service.metadata.labels = { ...labels, ...(service.metadata.labels ?? {}) };
  },
};
