import type { ComponentRenderer } from './component-renderer';
import { exposedPortsService, podProperties, podTemplate, selectorOf, workloadMetadata } from './pod-template';

/** `webservice`: an apps/v1 Deployment, and a Service of its exposed ports (type `exposeType`). */
export const webserviceRenderer: ComponentRenderer = {
  type: 'webservice',
  render(render) {
    const props = podProperties(render);
    const service = exposedPortsService(render, props);
    if (service) render.objects.push(service);
    render.workload = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: workloadMetadata(render, props),
      spec: {
        replicas: props.replicas,
        selector: { matchLabels: selectorOf(render) },
        template: podTemplate(render, props),
      },
    };
    render.objects.push(render.workload);
  },
};
