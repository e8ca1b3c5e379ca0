import { objectSchema, traitType } from '../shared/trait-descriptor';

/** `cpuscaler`: KubeVela's CPU-based autoscaler of a Deployment. */
export const cpuscalerType = traitType(
  'cpuscaler',
  'Scales a Deployment between min and max replicas on CPU utilization',
  ['Deployment'],
  objectSchema({
    min: { type: 'integer', minimum: 1, default: 1, description: 'Fewest replicas' },
    max: { type: 'integer', minimum: 1, default: 10, description: 'Most replicas' },
    cpuUtil: { type: 'integer', minimum: 1, maximum: 100, default: 50, description: 'Target CPU utilization (%)' },
    targetAPIVersion: { type: 'string', default: 'apps/v1' },
    targetKind: { type: 'string', default: 'Deployment' },
  }),
  [
    (p) =>
      typeof p.min === 'number' && typeof p.max === 'number' && p.min > p.max
        ? [{ path: ['min'], message: `must not exceed max (${p.max})` }]
        : [],
  ],
);
