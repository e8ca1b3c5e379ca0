import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

const TERMS = { type: 'array', items: { type: 'object' } };

/** `affinity`: KubeVela's pod affinity, anti-affinity, node affinity and tolerations. */
export const affinityType = traitType(
  'affinity',
  'Sets pod affinity, pod anti-affinity, node affinity and tolerations',
  POD_WORKLOADS,
  objectSchema({
    podAffinity: objectSchema({ required: TERMS, preferred: TERMS }),
    podAntiAffinity: objectSchema({ required: TERMS, preferred: TERMS }),
    nodeAffinity: objectSchema({ required: { type: 'object' }, preferred: TERMS }),
    tolerations: {
      type: 'array',
      items: objectSchema({
        key: { type: 'string' },
        operator: { type: 'string', enum: ['Equal', 'Exists'], default: 'Equal' },
        value: { type: 'string' },
        effect: { type: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
        tolerationSeconds: { type: 'integer' },
      }),
    },
  }),
);
