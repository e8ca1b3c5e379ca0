import { STRING_LIST } from '../shared/kubernetes-fragments.schema';
import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

const nullableList = (description: string) => ({ type: ['array', 'null'], items: { type: 'string' }, description });
const PATCH = {
  command: nullableList("Command replacing the container's (null removes it)"),
  args: nullableList("Arguments replacing the container's (null removes them)"),
  addArgs: { ...STRING_LIST, description: 'Arguments appended' },
  delArgs: { ...STRING_LIST, description: 'Arguments removed' },
  containerName: { type: 'string', minLength: 1, description: 'The container to patch (default: the main one)' },
};

/** `command`: KubeVela's patch of a container's command and arguments. */
export const commandType = traitType(
  'command',
  'Replaces, extends or trims the command and arguments of a container',
  POD_WORKLOADS,
  objectSchema({
    ...PATCH,
    containers: { type: 'array', minItems: 1, items: objectSchema(PATCH), description: 'One patch per container' },
  }),
);
