import { ANY_WORKLOAD, traitType } from '../shared/trait-descriptor';

/** `json-merge-patch`: KubeVela's RFC 7386 merge patch of the workload object (the properties are the patch). */
export const jsonMergePatchType = traitType(
  'json-merge-patch',
  'Patches the workload object with an RFC 7386 JSON merge patch (the properties are the patch)',
  [ANY_WORKLOAD],
  { type: 'object', minProperties: 1, additionalProperties: true, description: 'The merge patch' },
);
