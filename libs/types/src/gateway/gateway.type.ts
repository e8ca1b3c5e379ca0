import { HTTP_ROUTE_PROPERTIES } from '../shared/http-route.schema';
import { STRING_MAP } from '../shared/kubernetes-fragments.schema';
import { ANY_WORKLOAD, objectSchema, traitType } from '../shared/trait-descriptor';

/** `gateway`: KubeVela's gateway trait, rendered as KubeVela renders it (an Ingress, with TLS when secretName). */
export const gatewayType = traitType(
  'gateway',
  'Routes HTTP(S) requests to ports of the component (an Ingress; TLS with secretName)',
  [ANY_WORKLOAD],
  objectSchema(
    {
      ...HTTP_ROUTE_PROPERTIES,
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
