import type { JsonObject } from '@berth/core';
import { STRING_LIST, STRING_MAP } from '../shared/kubernetes-fragments.schema';
import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

const MOUNT = {
  name: { type: 'string', pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', description: 'Name of the object and volume' },
  mountPath: { type: 'string', minLength: 1, description: 'Where to mount it' },
  subPath: { type: 'string' },
};
const KEYS = {
  type: 'array',
  items: objectSchema({ key: { type: 'string' }, path: { type: 'string' }, mode: { type: 'integer' } }, [
    'key',
    'path',
  ]),
};
const toEnv = (keyField: string) =>
  objectSchema({ envName: { type: 'string', minLength: 1 }, [keyField]: { type: 'string', minLength: 1 } }, [
    'envName',
    keyField,
  ]);
const keyed = (keyField: string, data: Record<string, JsonObject>) => ({
  type: 'array',
  items: objectSchema(
    {
      ...MOUNT,
      mountOnly: { type: 'boolean', default: false, description: 'Mount an existing object; create none' },
      mountToEnv: toEnv(keyField),
      mountToEnvs: { type: 'array', items: toEnv(keyField) },
      defaultMode: { type: 'integer', default: 420 },
      readOnly: { type: 'boolean', default: false },
      items: KEYS,
      ...data,
    },
    ['name'],
  ),
});

/** `storage`: KubeVela's PVCs, ConfigMaps, Secrets, emptyDirs and hostPaths mounted into the main container. */
export const storageType = traitType(
  'storage',
  'Creates and mounts PersistentVolumeClaims, ConfigMaps and Secrets (also as env), emptyDir and hostPath volumes',
  POD_WORKLOADS,
  objectSchema({
    pvc: {
      type: 'array',
      items: objectSchema(
        {
          ...MOUNT,
          mountOnly: { type: 'boolean', default: false, description: 'Mount an existing claim; create none' },
          volumeMode: { type: 'string', enum: ['Filesystem', 'Block'], default: 'Filesystem' },
          volumeName: { type: 'string' },
          accessModes: { ...STRING_LIST, default: ['ReadWriteOnce'] },
          storageClassName: { type: 'string' },
          resources: {
            type: 'object',
            properties: {
              requests: { type: 'object', properties: { storage: { type: 'string' } } },
              limits: { type: 'object', properties: { storage: { type: 'string' } } },
            },
          },
          dataSourceRef: { type: 'object' },
          dataSource: { type: 'object' },
          selector: { type: 'object' },
        },
        ['name', 'mountPath'],
      ),
    },
    configMap: keyed('configMapKey', { data: { ...STRING_MAP, description: 'Content when Berth creates it' } }),
    secret: keyed('secretKey', {
      data: { ...STRING_MAP, description: 'Content (base64) when Berth creates it' },
      stringData: { ...STRING_MAP, description: 'Content (plain) when Berth creates it' },
    }),
    emptyDir: {
      type: 'array',
      items: objectSchema({ ...MOUNT, medium: { type: 'string', enum: ['', 'Memory'], default: '' } }, [
        'name',
        'mountPath',
      ]),
    },
    hostPath: {
      type: 'array',
      items: objectSchema({ ...MOUNT, path: { type: 'string', minLength: 1 }, type: { type: 'string' } }, [
        'name',
        'path',
        'mountPath',
      ]),
    },
  }),
);
