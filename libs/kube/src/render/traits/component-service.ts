import type { JsonObject } from '@berth/core';
import { componentSelector } from '../../labels';
import type { KubeObject } from '../kube-object';
import { addObject, componentName, componentService, objectMetadata, type WorkloadRender } from '../workload-render';

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: string;
  nodePort?: number;
}

/**
 * The component's Service (named as the component, selecting its pods), created when the type rendered none; the given
 * ports are added (a port already there is replaced). One Service per component, as KubeVela names them all alike.
 */
export function ensureComponentService(render: WorkloadRender, ports: readonly ServicePort[]): KubeObject {
  const name = componentName(render);
  let service = componentService(render);
  if (!service) {
    service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: objectMetadata(render.request, name, name),
      spec: {
        type: 'ClusterIP',
        selector: componentSelector(render.request.environment, render.request.application, name),
        ports: [],
      },
    };
    addObject(render, service);
  }
  const spec = service.spec as JsonObject;
  const list = (spec.ports ?? []) as JsonObject[];
  for (const port of ports) {
    const at = list.findIndex((p) => p.port === port.port && (p.protocol ?? 'TCP') === port.protocol);
    const entry = { ...port, ...(port.nodePort === undefined ? {} : { nodePort: port.nodePort }) };
    if (at >= 0) list[at] = { ...entry, name: list[at]!.name ?? entry.name };
    else list.push(entry);
  }
  // Port names must be unique within a Service.
  const names = new Set<string>();
  for (const entry of list) {
    let portName = String(entry.name);
    if (names.has(portName)) portName = `${portName}-${String(entry.port)}`;
    names.add(portName);
    entry.name = portName;
  }
  spec.ports = list;
  return service;
}
