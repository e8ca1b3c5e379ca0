import type { ComponentRenderer } from './component-renderer';
import { podProperties, podTemplate, selectorOf, workloadMetadata } from './pod-template';

/** `worker`: an apps/v1 Deployment without a Service. */
export const workerRenderer: ComponentRenderer = {
  type: 'worker',
  render(render) {
    const props = podProperties(render);
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
