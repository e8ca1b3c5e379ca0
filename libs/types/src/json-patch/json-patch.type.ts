import { ANY_WORKLOAD, objectSchema, traitType } from '../shared/trait-descriptor';

/** `json-patch`: KubeVela's RFC 6902 patch of the workload object. */
export const jsonPatchType = traitType(
  'json-patch',
  'Patches the workload object with RFC 6902 JSON Patch operations',
  [ANY_WORKLOAD],
  objectSchema(
    {
      operations: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            op: { type: 'string', enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
            path: { type: 'string' },
            from: { type: 'string' },
            value: {},
          },
          required: ['op', 'path'],
          additionalProperties: false,
        },
      },
    },
    ['operations'],
  ),
);
