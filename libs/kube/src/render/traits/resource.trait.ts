import type { JsonObject } from '@berth/core';
import { isObject } from '../workload-properties';
import { containerOf } from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

function quantities(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
}

/** KubeVela's `resource`: `cpu`/`memory` set request and limit; `requests`/`limits` set them separately. */
export const resourceTrait: TraitRenderer = {
  type: 'resource',
  appliesTo: [...POD_WORKLOAD_KINDS, 'CronJob'],
  apply(render, properties) {
    const container = containerOf(render, 'resource', properties.containerName);
    const both = quantities({ cpu: properties.cpu, memory: properties.memory });
    const resources = (container.resources ?? {}) as JsonObject;
    const requests = { ...quantities(resources.requests), ...both, ...quantities(properties.requests) };
    const limits = { ...quantities(resources.limits), ...both, ...quantities(properties.limits) };
    container.resources = {
      ...(Object.keys(requests).length > 0 ? { requests } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    };
  },
};
