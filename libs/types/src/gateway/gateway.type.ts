import type { JsonObject } from '@berth/core';
import { PORT_NUMBER, STRING_MAP } from '../shared/kubernetes-fragments.schema';
import { ANY_WORKLOAD, objectSchema, traitType } from '../shared/trait-descriptor';
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

/** `gateway`: KubeVela's gateway trait, rendered as KubeVela renders it (an Ingress, with TLS when secretName). */
export const gatewayType = traitType(
  'gateway',
  'Routes HTTP(S) requests to ports of the component (an Ingress; TLS with secretName)',
  [ANY_WORKLOAD],
  objectSchema(
    {
      ...ROUTE_COMMON,
      domain: { type: 'string', minLength: 1, description: 'Host name; any host when absent' },
      name: { type: 'string', minLength: 1, description: 'Name of the Ingress (default: the component name)' },
      secretName: { type: 'string', minLength: 1, description: 'TLS Secret for the domain' },
      pathType: {
        type: 'string',
        enum: ['ImplementationSpecific', 'Prefix', 'Exact'],
        default: 'ImplementationSpecific',
      },
      annotations: { ...STRING_MAP, description: 'Annotations of the Ingress' },
      existingServiceName: { type: 'string', minLength: 1, description: 'Route to this Service instead' },
    },
    ['http'],
  ),
);
