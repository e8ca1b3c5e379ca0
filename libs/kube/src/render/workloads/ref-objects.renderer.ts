import { componentName, invalid } from '../workload-render';
import type { ComponentRenderer } from './component-renderer';
import { adoptAll } from './object-adoption';

/**
 * KubeVela's `ref-objects`: existing objects the runtime read (`objects[] {apiVersion?, kind or resource, name or
 * labelSelector, namespace?}`), applied as the application's. The renderer only adopts what the runtime resolved.
 */
export const refObjectsRenderer: ComponentRenderer = {
  type: 'ref-objects',
  render(render) {
    const component = componentName(render);
    const resolved = render.request.referencedObjects?.get(component);
    if (!resolved) {
      throw invalid(
        `component "${component}": ref-objects are read from the cluster when the application is applied; this view has no cluster to read them from`,
      );
    }
    if (resolved.length === 0) throw invalid(`component "${component}": ref-objects matched no object`);
    adoptAll(render, resolved, (index) => `objects/${index}`);
  },
};
