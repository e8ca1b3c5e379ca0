import { HTTP_ROUTE_PROPERTIES } from '../shared/http-route.schema';
import { SCALABLE_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

/** `ingress`: KubeVela's Ingress (networking.k8s.io/v1) for the workload's Service. */
export const ingressType = traitType(
  'ingress',
  'Routes HTTP requests for a domain to ports of the workload (an Ingress)',
  SCALABLE_WORKLOADS,
  objectSchema({ ...HTTP_ROUTE_PROPERTIES }, ['domain', 'http']),
);
