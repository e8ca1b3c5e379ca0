import { ENV_LIST, STRING_LIST } from '../shared/kubernetes-fragments.schema';
import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

/** `init-container`: KubeVela's init container sharing a volume with the main container. */
export const initContainerType = traitType(
  'init-container',
  'Runs a container before the main one, sharing a volume with it',
  POD_WORKLOADS,
  objectSchema(
    {
      name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', description: 'Container name' },
      image: { type: 'string', minLength: 1, description: 'Container image' },
      imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'], default: 'IfNotPresent' },
      cmd: { ...STRING_LIST, description: 'Command' },
      args: { ...STRING_LIST, description: 'Arguments' },
      env: ENV_LIST,
      mountName: { type: 'string', minLength: 1, default: 'workdir', description: 'Name of the shared volume' },
      appMountPath: { type: 'string', minLength: 1, description: 'Where the main container mounts it' },
      initMountPath: { type: 'string', minLength: 1, description: 'Where the init container mounts it' },
      extraVolumeMounts: {
        type: 'array',
        items: objectSchema({ name: { type: 'string' }, mountPath: { type: 'string' } }, ['name', 'mountPath']),
        description: 'Further volumes of the pod mounted in the init container',
      },
    },
    ['name', 'image', 'appMountPath', 'initMountPath'],
  ),
);
