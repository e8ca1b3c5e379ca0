import { WORKLOAD_PORT_PROPERTIES, workloadSchema } from './workload-properties.schema';
import type { TypeDefinition } from './type-definition';

const replicas = { type: 'integer', minimum: 0, maximum: 1000, default: 1, description: 'Number of pods' };

export const webserviceDefinition: TypeDefinition = {
  name: 'webservice',
  kind: 'component',
  category: 'workload',
  description: 'A long-running, scalable service reachable on its ports (a Deployment and a Service)',
  schema: workloadSchema({ ...WORKLOAD_PORT_PROPERTIES, replicas }),
};

export const workerDefinition: TypeDefinition = {
  name: 'worker',
  kind: 'component',
  category: 'workload',
  description: 'A long-running background process with no network endpoint (a Deployment)',
  schema: workloadSchema({ replicas }),
};

export const taskDefinition: TypeDefinition = {
  name: 'task',
  kind: 'component',
  category: 'workload',
  description: 'A run-to-completion job (a Job)',
  schema: workloadSchema({
    count: { type: 'integer', minimum: 1, maximum: 1000, default: 1, description: 'Number of pods run in parallel' },
    restart: {
      type: 'string',
      enum: ['Never', 'OnFailure'],
      default: 'Never',
      description: 'Restart policy of the pods',
    },
  }),
};
