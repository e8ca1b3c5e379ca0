import { componentName, invalid, objectMetadata, addObject, requirePodTemplate } from '../workload-render';
import { POD_WORKLOAD_KINDS, type TraitRenderer } from './trait-renderer';

/** KubeVela's `service-account`: the pods run as `name`; `create: true` also creates that ServiceAccount. */
export const serviceAccountTrait: TraitRenderer = {
  type: 'service-account',
  appliesTo: POD_WORKLOAD_KINDS,
  apply(render, properties) {
    const component = componentName(render);
    if (typeof properties.name !== 'string' || properties.name === '')
      throw invalid(`component "${component}": trait service-account needs name`);
    if (properties.privileges !== undefined) {
      throw invalid(
        `component "${component}": trait service-account: privileges (Roles and RoleBindings KubeVela generates) are a KubeVela feature Berth does not run; declare the Role and RoleBinding in a k8s-objects component`,
      );
    }
    requirePodTemplate(render, 'service-account').spec.serviceAccountName = properties.name;
    if (properties.create === true) {
      addObject(render, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: objectMetadata(render.request, properties.name, component),
      });
    }
  },
};
