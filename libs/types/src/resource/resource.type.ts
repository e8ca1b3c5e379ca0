import { CPU_QUANTITY, MEMORY_QUANTITY, RESOURCE_AMOUNTS } from '../shared/kubernetes-fragments.schema';
import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

/** `resource`: KubeVela's resource requests and limits of a container. */
export const resourceType = traitType(
  'resource',
  'Sets the CPU and memory requests and limits of a container',
  [...POD_WORKLOADS, 'CronJob'],
  objectSchema({
    cpu: { ...CPU_QUANTITY, description: 'CPU request and limit' },
    memory: { ...MEMORY_QUANTITY, description: 'Memory request and limit' },
    requests: { ...RESOURCE_AMOUNTS, description: 'Requests (instead of cpu/memory)' },
    limits: { ...RESOURCE_AMOUNTS, description: 'Limits (instead of cpu/memory)' },
    containerName: { type: 'string', minLength: 1, description: 'The container to patch (default: the main one)' },
  }),
);
