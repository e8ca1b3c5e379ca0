import type { JsonObject } from '@berth/core';
import { asStringList, isObject, readDeclaredEnv } from '../workload-properties';
import { componentName, invalid, mergeByKey, requirePodTemplate } from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

/**
 * KubeVela's `sidecar`: a second container (`name`, `image`, `cmd`, `args`, `env`, probes) mounting volumes of the
 * pod by `volumes[] {name, path}`.
 */
export const sidecarTrait: TraitRenderer = {
  type: 'sidecar',
  appliesTo: POD_WORKLOAD_KINDS,
  apply(render, properties) {
    const component = componentName(render);
    if (typeof properties.name !== 'string' || typeof properties.image !== 'string')
      throw invalid(`component "${component}": trait sidecar needs name and image`);
    const spec = requirePodTemplate(render, 'sidecar').spec;
    const volumes = Array.isArray(properties.volumes) ? properties.volumes.filter(isObject) : [];
    const env = readDeclaredEnv(component, properties.env);
    const container: JsonObject = {
      name: properties.name,
      image: properties.image,
      ...(typeof properties.imagePullPolicy === 'string' ? { imagePullPolicy: properties.imagePullPolicy } : {}),
      ...(properties.cmd !== undefined ? { command: asStringList(properties.cmd) } : {}),
      ...(properties.args !== undefined ? { args: asStringList(properties.args) } : {}),
      ...(env.length > 0 ? { env } : {}),
      ...(volumes.length > 0 ? { volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: v.path })) } : {}),
      ...(isObject(properties.livenessProbe) ? { livenessProbe: properties.livenessProbe } : {}),
      ...(isObject(properties.readinessProbe) ? { readinessProbe: properties.readinessProbe } : {}),
    };
    if (spec.containers.some((c) => c.name === container.name))
      throw invalid(
        `component "${component}": trait sidecar: the pod already has a container named "${String(container.name)}"`,
      );
    mergeByKey(spec, 'containers', [container]);
  },
};
