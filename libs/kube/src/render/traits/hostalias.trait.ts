import type { JsonObject } from '@berth/core';
import { isObject } from '../workload-properties';
import { componentName, invalid, mergeByKey, requirePodTemplate } from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

/** KubeVela's `hostalias`: `hostAliases[] {ip, hostnames}` added to the pod's /etc/hosts entries. */
export const hostaliasTrait: TraitRenderer = {
  type: 'hostalias',
  appliesTo: POD_WORKLOAD_KINDS,
  apply(render, properties) {
    const aliases = properties.hostAliases;
    if (!Array.isArray(aliases) || !aliases.every(isObject))
      throw invalid(
        `component "${componentName(render)}": trait hostalias: hostAliases must be a list of {ip, hostnames}`,
      );
    const spec = requirePodTemplate(render, 'hostalias').spec as JsonObject;
    mergeByKey(
      spec,
      'hostAliases',
      aliases.map((a) => ({ ip: a.ip, hostnames: a.hostnames })),
      'ip',
    );
  },
};
