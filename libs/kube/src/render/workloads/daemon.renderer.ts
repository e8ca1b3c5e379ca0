import type { ComponentRenderer } from './component-renderer';
import { exposedPortsService, podProperties, podTemplate, selectorOf, workloadMetadata } from './pod-template';

/** `daemon`: an apps/v1 DaemonSet (a pod per node), and a Service of its exposed ports. */
export const daemonRenderer: ComponentRenderer = {
  type: 'daemon',
  render(render) {
    const props = podProperties(render);
    const service = exposedPortsService(render, props);
    if (service) render.objects.push(service);
    render.workload = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: workloadMetadata(render, props),
      spec: { selector: { matchLabels: selectorOf(render) }, template: podTemplate(render, props) },
    };
    render.objects.push(render.workload);
  },
};
