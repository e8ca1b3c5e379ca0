import type { JsonObject } from '@berth/core';
import { isObject } from '../workload-properties';
import {
  addObject,
  componentName,
  containerOf,
  invalid,
  mergeByKey,
  objectMetadata,
  requirePodTemplate,
  type WorkloadRender,
} from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

function entries(render: WorkloadRender, properties: JsonObject, field: string): JsonObject[] {
  const value = properties[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject))
    throw invalid(`component "${componentName(render)}": trait storage: ${field} must be a list of objects`);
  for (const entry of value) {
    if (typeof entry.name !== 'string' || entry.name === '')
      throw invalid(`component "${componentName(render)}": trait storage: every ${field} entry needs a name`);
  }
  return value;
}

function mount(prefix: string, entry: JsonObject, readOnly = false): JsonObject {
  return {
    name: `${prefix}-${String(entry.name)}`,
    mountPath: entry.mountPath,
    ...(typeof entry.subPath === 'string' ? { subPath: entry.subPath } : {}),
    ...(readOnly && entry.readOnly === true ? { readOnly: true } : {}),
  };
}

function items(entry: JsonObject): JsonObject {
  return Array.isArray(entry.items)
    ? { items: entry.items.filter(isObject).map((item) => ({ mode: 511, ...item })) }
    : {};
}

function toEnv(entry: JsonObject, source: 'configMapKeyRef' | 'secretKeyRef', keyField: string): JsonObject[] {
  const list = [
    ...(isObject(entry.mountToEnv) ? [entry.mountToEnv] : []),
    ...(Array.isArray(entry.mountToEnvs) ? entry.mountToEnvs.filter(isObject) : []),
  ];
  return list.map((e) => ({ name: e.envName, valueFrom: { [source]: { name: entry.name, key: e[keyField] } } }));
}

/**
 * KubeVela's `storage`: `pvc[]` (a PersistentVolumeClaim unless `mountOnly`, mounted, or as a block device),
 * `configMap[]` and `secret[]` (created with `data` unless `mountOnly`, mounted at `mountPath`, keys to env through
 * `mountToEnv`/`mountToEnvs`), `emptyDir[]` and `hostPath[]` — volumes named `<kind>-<name>` as KubeVela names them.
 */
export const storageTrait: TraitRenderer = {
  type: 'storage',
  appliesTo: POD_WORKLOAD_KINDS,
  apply(render, properties) {
    const component = componentName(render);
    const spec = requirePodTemplate(render, 'storage').spec as JsonObject;
    const container = containerOf(render, 'storage');
    const volumes: JsonObject[] = [];
    const mounts: JsonObject[] = [];
    const devices: JsonObject[] = [];
    const env: JsonObject[] = [];
    for (const pvc of entries(render, properties, 'pvc')) {
      if (typeof pvc.mountPath !== 'string')
        throw invalid(`component "${component}": trait storage: pvc "${String(pvc.name)}" needs a mountPath`);
      const volumeMode = typeof pvc.volumeMode === 'string' ? pvc.volumeMode : 'Filesystem';
      volumes.push({ name: `pvc-${String(pvc.name)}`, persistentVolumeClaim: { claimName: pvc.name } });
      if (volumeMode === 'Block') devices.push({ name: `pvc-${String(pvc.name)}`, devicePath: pvc.mountPath });
      else mounts.push(mount('pvc', pvc));
      if (pvc.mountOnly === true) continue;
      const resources = isObject(pvc.resources) ? pvc.resources : {};
      const requests = isObject(resources.requests) ? resources.requests : {};
      const limits = isObject(resources.limits) ? resources.limits : undefined;
      addObject(render, {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: objectMetadata(render.request, String(pvc.name), component),
        spec: {
          accessModes: Array.isArray(pvc.accessModes) ? pvc.accessModes : ['ReadWriteOnce'],
          volumeMode,
          ...(typeof pvc.volumeName === 'string' ? { volumeName: pvc.volumeName } : {}),
          ...(typeof pvc.storageClassName === 'string' ? { storageClassName: pvc.storageClassName } : {}),
          resources: {
            requests: { storage: String(requests.storage ?? '8Gi') },
            ...(limits?.storage !== undefined ? { limits: { storage: String(limits.storage) } } : {}),
          },
          ...(isObject(pvc.dataSourceRef) ? { dataSourceRef: pvc.dataSourceRef } : {}),
          ...(isObject(pvc.dataSource) ? { dataSource: pvc.dataSource } : {}),
          ...(isObject(pvc.selector) ? { selector: pvc.selector } : {}),
        },
      });
    }
    for (const cm of entries(render, properties, 'configMap')) {
      if (typeof cm.mountPath === 'string') {
        volumes.push({
          name: `configmap-${String(cm.name)}`,
          configMap: { name: cm.name, defaultMode: cm.defaultMode ?? 420, ...items(cm) },
        });
        mounts.push(mount('configmap', cm, true));
      }
      env.push(...toEnv(cm, 'configMapKeyRef', 'configMapKey'));
      if (cm.mountOnly === true) continue;
      addObject(render, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: objectMetadata(render.request, String(cm.name), component),
        ...(isObject(cm.data)
          ? { data: Object.fromEntries(Object.entries(cm.data).map(([k, v]) => [k, String(v)])) }
          : {}),
      });
    }
    for (const secret of entries(render, properties, 'secret')) {
      if (typeof secret.mountPath === 'string') {
        volumes.push({
          name: `secret-${String(secret.name)}`,
          secret: { secretName: secret.name, defaultMode: secret.defaultMode ?? 420, ...items(secret) },
        });
        mounts.push(mount('secret', secret, true));
      }
      env.push(...toEnv(secret, 'secretKeyRef', 'secretKey'));
      if (secret.mountOnly === true) continue;
      addObject(render, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: objectMetadata(render.request, String(secret.name), component),
        type: 'Opaque',
        ...(isObject(secret.data) ? { data: secret.data } : {}),
        ...(isObject(secret.stringData) ? { stringData: secret.stringData } : {}),
      });
    }
    for (const dir of entries(render, properties, 'emptyDir')) {
      volumes.push({
        name: `emptydir-${String(dir.name)}`,
        emptyDir: typeof dir.medium === 'string' && dir.medium !== '' ? { medium: dir.medium } : {},
      });
      mounts.push(mount('emptydir', dir));
    }
    for (const host of entries(render, properties, 'hostPath')) {
      volumes.push({
        name: `hostpath-${String(host.name)}`,
        hostPath: { path: host.path, type: typeof host.type === 'string' ? host.type : 'Directory' },
      });
      mounts.push({ name: `hostpath-${String(host.name)}`, mountPath: host.mountPath });
    }
    mergeByKey(spec, 'volumes', volumes);
    mergeByKey(container, 'volumeMounts', mounts);
    mergeByKey(container, 'volumeDevices', devices);
    mergeByKey(container, 'env', env);
  },
};
