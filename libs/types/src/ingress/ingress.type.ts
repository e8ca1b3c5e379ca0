import type { JsonObject } from '@berth/core';
import { PORT_NUMBER } from '../shared/kubernetes-fragments.schema';
import { SCALABLE_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';
const ROUTE_COMMON: Record<string, JsonObject> = {
  domain: { type: 'string', minLength: 1, description: 'Host name the routes answer to' },
  http: {
    type: 'object',
    minProperties: 1,
    propertyNames: { pattern: '^/' },
    additionalProperties: PORT_NUMBER,
    description: 'Path → service port, e.g. {"/": 8000}',
  },
  class: { type: 'string', minLength: 1, default: 'nginx', description: 'Ingress class' },
  classInSpec: {
    type: 'boolean',
    default: false,
    description: 'Set the class as spec.ingressClassName instead of the kubernetes.io/ingress.class annotation',
  },
};

/** `ingress`: KubeVela's Ingress (networking.k8s.io/v1) for the workload's Service. */
export const ingressType = traitType(
  'ingress',
  'Routes HTTP requests for a domain to ports of the workload (an Ingress)',
  SCALABLE_WORKLOADS,
  objectSchema(ROUTE_COMMON, ['domain', 'http']),
);
