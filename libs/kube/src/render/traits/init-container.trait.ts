import type { JsonObject } from '@berth/core';
import { asStringList, isObject, readDeclaredEnv } from '../workload-properties';
import { componentName, containerOf, invalid, mergeByKey, requirePodTemplate } from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

/**
 * KubeVela's `init-container`: an init container sharing an emptyDir volume (`mountName`, default `workdir`) with the
 * main container, mounted at `initMountPath` in it and at `appMountPath` in the main one; `extraVolumeMounts` more.
 */
export const initContainerTrait: TraitRenderer = {
  type: 'init-container',
  appliesTo: POD_WORKLOAD_KINDS,
  apply(render, properties) {
    const component = componentName(render);
    for (const field of ['name', 'image', 'appMountPath', 'initMountPath'] as const) {
      if (typeof properties[field] !== 'string' || properties[field] === '')
        throw invalid(`component "${component}": trait init-container needs ${field}`);
    }
    const spec = requirePodTemplate(render, 'init-container').spec as JsonObject;
    const mountName = typeof properties.mountName === 'string' ? properties.mountName : 'workdir';
    const extra = Array.isArray(properties.extraVolumeMounts) ? properties.extraVolumeMounts.filter(isObject) : [];
    const env = readDeclaredEnv(component, properties.env);
    mergeByKey(spec, 'volumes', [{ name: mountName, emptyDir: {} }]);
    mergeByKey(containerOf(render, 'init-container'), 'volumeMounts', [
      { name: mountName, mountPath: properties.appMountPath },
    ]);
    mergeByKey(spec, 'initContainers', [
      {
        name: properties.name,
        image: properties.image,
        imagePullPolicy: typeof properties.imagePullPolicy === 'string' ? properties.imagePullPolicy : 'IfNotPresent',
        ...(properties.cmd !== undefined ? { command: asStringList(properties.cmd) } : {}),
        ...(properties.args !== undefined ? { args: asStringList(properties.args) } : {}),
        ...(env.length > 0 ? { env } : {}),
        volumeMounts: [
          { name: mountName, mountPath: properties.initMountPath },
          ...extra.map((m) => ({ name: m.name, mountPath: m.mountPath })),
        ],
      },
    ]);
  },
};
