import { componentName, invalid } from '../workload-render';
import type { ComponentRenderer } from './component-renderer';
import { adoptAll } from './object-adoption';

/** KubeVela's `k8s-objects`: `objects[]`, each applied as it is written (in the namespace, with Berth's labels). */
export const k8sObjectsRenderer: ComponentRenderer = {
  type: 'k8s-objects',
  render(render) {
    const objects = render.delivery.component.properties.objects;
    if (!Array.isArray(objects) || objects.length === 0)
      throw invalid(
        `component "${componentName(render)}": property "objects" (a list of Kubernetes objects) is required`,
      );
    adoptAll(render, objects, (index) => `objects/${index}`);
  },
};
