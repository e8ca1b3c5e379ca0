import { POD_WORKLOADS, objectSchema, traitType } from '../shared/trait-descriptor';

/** `service-account`: KubeVela's ServiceAccount the pods run as. */
export const serviceAccountType = traitType(
  'service-account',
  'Runs the pods as a ServiceAccount (created with create: true)',
  POD_WORKLOADS,
  objectSchema(
    {
      name: { type: 'string', pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', description: 'ServiceAccount name' },
      create: { type: 'boolean', default: false, description: 'Create the ServiceAccount' },
      privileges: { type: 'array', description: 'Not run by Berth (see the check)' },
    },
    ['name'],
  ),
  [
    (p) =>
      p.privileges !== undefined
        ? [
            {
              path: ['privileges'],
              message:
                'generating Roles and RoleBindings is a KubeVela feature Berth does not run; declare them in a ' +
                'k8s-objects component',
            },
          ]
        : [],
  ],
);
