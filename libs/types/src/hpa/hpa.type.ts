import { SCALABLE_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

const metric = (value: number) =>
  objectSchema({
    type: { type: 'string', enum: ['Utilization', 'AverageValue'], default: 'Utilization' },
    value: { type: 'integer', minimum: 1, description: `e.g. ${value}` },
  });

/** `hpa`: KubeVela's HorizontalPodAutoscaler (autoscaling/v2). */
export const hpaType = traitType(
  'hpa',
  'Scales the workload between min and max replicas on CPU, memory or pod metrics (autoscaling/v2)',
  SCALABLE_WORKLOADS,
  objectSchema({
    min: { type: 'integer', minimum: 1, default: 1, description: 'Fewest replicas' },
    max: { type: 'integer', minimum: 1, default: 10, description: 'Most replicas' },
    cpu: { ...metric(80), description: 'CPU target' },
    mem: { ...metric(80), description: 'Memory target' },
    podCustomMetrics: {
      type: 'array',
      items: objectSchema({ name: { type: 'string' }, value: { type: 'string' } }, ['name', 'value']),
    },
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
