import { ANY_WORKLOAD, traitType } from '../shared/trait-descriptor';

/** `annotations`: KubeVela's annotations patch of every object of the component (a value of null removes one). */
export const annotationsType = traitType(
  'annotations',
  "Adds annotations to the component's objects and pods",
  [ANY_WORKLOAD],
  {
    type: 'object',
    minProperties: 1,
    additionalProperties: { type: ['string', 'null'] },
    description: 'Annotations: name → value',
  },
);
