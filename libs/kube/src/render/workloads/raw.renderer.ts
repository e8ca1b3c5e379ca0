import type { ComponentRenderer } from './component-renderer';
import { adoptAll } from './object-adoption';

/** KubeVela's `raw`: the properties are one Kubernetes object, applied as it is. */
export const rawRenderer: ComponentRenderer = {
  type: 'raw',
  render(render) {
    adoptAll(render, [render.delivery.component.properties], () => 'properties');
  },
};
