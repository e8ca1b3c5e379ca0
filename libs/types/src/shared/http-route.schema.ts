import type { JsonObject } from '@berth/core';
import { PORT_NUMBER } from './kubernetes-fragments.schema';

/**
 * What KubeVela's `gateway` and `ingress` traits share: a domain, `http` (path → service port) and the Ingress class
 * (annotation or spec.ingressClassName). Each trait adds its own properties on top.
 */
export const HTTP_ROUTE_PROPERTIES: Readonly<Record<string, JsonObject>> = {
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
