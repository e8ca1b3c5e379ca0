import { HOST_ALIASES } from '../shared/kubernetes-fragments.schema';
import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

/** `hostalias`: KubeVela's extra /etc/hosts entries of the pods. */
export const hostaliasType = traitType(
  'hostalias',
  'Adds entries to /etc/hosts of the pods',
  POD_WORKLOADS,
  objectSchema({ hostAliases: { ...HOST_ALIASES, minItems: 1 } }, ['hostAliases']),
);
