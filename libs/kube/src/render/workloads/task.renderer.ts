import type { JsonObject } from '@berth/core';
import type { ComponentRenderer } from './component-renderer';
import { podProperties, podTemplate, workloadMetadata } from './pod-template';

/** The Job fields KubeVela's task and cron-task take (besides count and restart). */
export function jobFields(properties: JsonObject): JsonObject {
  const fields: JsonObject = {};
  for (const field of ['ttlSecondsAfterFinished', 'activeDeadlineSeconds', 'backoffLimit'] as const) {
    if (typeof properties[field] === 'number') fields[field] = properties[field];
  }
  return fields;
}

/** `task`: a batch/v1 Job, `count` pods to complete (completions and parallelism), restart `restart`. */
export const taskRenderer: ComponentRenderer = {
  type: 'task',
  render(render) {
    const props = podProperties(render);
    render.workload = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: workloadMetadata(render, props),
      spec: {
        completions: props.count,
        parallelism: props.count,
        ...jobFields(render.delivery.component.properties),
        template: podTemplate(render, props, props.restartPolicy),
      },
    };
    render.objects.push(render.workload);
  },
};
