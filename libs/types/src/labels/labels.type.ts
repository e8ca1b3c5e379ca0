import { ANY_WORKLOAD, traitType } from '../shared/trait-descriptor';

/** `labels`: KubeVela's labels patch of every object of the component (a value of null removes one). */
export const labelsType = traitType('labels', "Adds labels to the component's objects and pods", [ANY_WORKLOAD], {
  type: 'object',
  minProperties: 1,
  additionalProperties: { type: ['string', 'null'] },
  description: 'Labels: name → value',
});
