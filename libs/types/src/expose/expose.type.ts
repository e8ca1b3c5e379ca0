import { PORT_NUMBER, STRING_MAP } from '../shared/kubernetes-fragments.schema';
import { SCALABLE_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

/** `expose`: KubeVela's Service for chosen ports of the workload. */
export const exposeType = traitType(
  'expose',
  'Exposes ports of the workload through a Service (ClusterIP, NodePort or LoadBalancer)',
  SCALABLE_WORKLOADS,
  objectSchema({
    port: { type: 'array', items: PORT_NUMBER, minItems: 1, description: 'Ports to expose (older form of ports)' },
    ports: {
      type: 'array',
      minItems: 1,
      description: 'Ports to expose',
      items: objectSchema(
        {
          port: PORT_NUMBER,
          name: { type: 'string', minLength: 1 },
          protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP' },
          nodePort: { type: 'integer', minimum: 30000, maximum: 32767 },
          targetPort: PORT_NUMBER,
        },
        ['port'],
      ),
    },
    type: {
      type: 'string',
      enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
      default: 'ClusterIP',
      description: 'Type of the Service',
    },
    annotations: { ...STRING_MAP, description: 'Annotations of the Service' },
    labels: { ...STRING_MAP, description: 'Labels of the Service' },
  }),
  [
    (p) =>
      p.port === undefined && p.ports === undefined
        ? [{ path: [], message: 'ports (or port) is required: the ports to expose' }]
        : [],
  ],
);
