import { ENV_LIST, HEALTH_PROBE, STRING_LIST } from '../shared/kubernetes-fragments.schema';
import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

/** `sidecar`: KubeVela's extra container in the pods, sharing volumes with the main one. */
export const sidecarType = traitType(
  'sidecar',
  'Adds a container to the pods of the workload',
  POD_WORKLOADS,
  objectSchema(
    {
      name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', description: 'Container name' },
      image: { type: 'string', minLength: 1, description: 'Container image' },
      imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
      cmd: { ...STRING_LIST, description: 'Command' },
      args: { ...STRING_LIST, description: 'Arguments' },
      env: ENV_LIST,
      volumes: {
        type: 'array',
        description: 'Volumes of the pod to mount: {name, path}',
        items: objectSchema({ name: { type: 'string', minLength: 1 }, path: { type: 'string', minLength: 1 } }, [
          'name',
          'path',
        ]),
      },
      livenessProbe: HEALTH_PROBE,
      readinessProbe: HEALTH_PROBE,
    },
    ['name', 'image'],
  ),
);
