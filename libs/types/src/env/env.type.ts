import { STRING_LIST } from '../shared/kubernetes-fragments.schema';
import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

const PATCH = {
  env: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Variables to set: name → value',
  },
  containerName: { type: 'string', minLength: 1, description: 'The container to patch (default: the main one)' },
  replace: { type: 'boolean', default: false, description: "Replace the container's variables instead of merging" },
  unset: { ...STRING_LIST, description: 'Variables to remove' },
};

/** `env`: KubeVela's patch of a container's environment variables. */
export const envType = traitType(
  'env',
  'Sets, replaces or removes environment variables of a container',
  POD_WORKLOADS,
  objectSchema({
    ...PATCH,
    containers: { type: 'array', minItems: 1, items: objectSchema(PATCH), description: 'One patch per container' },
  }),
);
