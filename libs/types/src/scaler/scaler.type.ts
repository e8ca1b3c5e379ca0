import { objectSchema, traitType } from '../shared/trait-descriptor';

/** `scaler`: KubeVela's manual scaler (the workload's replicas). */
export const scalerType = traitType(
  'scaler',
  'Sets the number of replicas of the workload',
  ['Deployment', 'StatefulSet'],
  objectSchema({ replicas: { type: 'integer', minimum: 0, maximum: 1000, default: 1, description: 'Number of pods' } }),
);
