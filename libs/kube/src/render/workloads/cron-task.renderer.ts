import { invalid, componentName } from '../workload-render';
import type { ComponentRenderer } from './component-renderer';
import { podProperties, podTemplate, workloadMetadata } from './pod-template';
import { jobFields } from './task.renderer';

const CONCURRENCY = new Set(['Allow', 'Forbid', 'Replace']);

/**
 * `cron-task`: a batch/v1 CronJob on `schedule` (`timeZone`, `startingDeadlineSeconds`, `suspend`, `concurrencyPolicy`
 * Allow, history limits 3 and 1) whose Job runs `count` pods (`backoffLimit` 6 as KubeVela).
 */
export const cronTaskRenderer: ComponentRenderer = {
  type: 'cron-task',
  render(render) {
    const properties = render.delivery.component.properties;
    const component = componentName(render);
    if (typeof properties.schedule !== 'string' || properties.schedule.trim() === '')
      throw invalid(`workload "${component}": property "schedule" (a cron expression) is required`);
    const concurrencyPolicy = String(properties.concurrencyPolicy ?? 'Allow');
    if (!CONCURRENCY.has(concurrencyPolicy))
      throw invalid(`workload "${component}": concurrencyPolicy ${concurrencyPolicy} is not Allow, Forbid or Replace`);
    const props = podProperties(render);
    const template = podTemplate(render, props, props.restartPolicy);
    render.workload = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: workloadMetadata(render, props),
      spec: {
        schedule: properties.schedule,
        ...(typeof properties.timeZone === 'string' ? { timeZone: properties.timeZone } : {}),
        ...(typeof properties.startingDeadlineSeconds === 'number'
          ? { startingDeadlineSeconds: properties.startingDeadlineSeconds }
          : {}),
        concurrencyPolicy,
        suspend: properties.suspend === true,
        successfulJobsHistoryLimit:
          typeof properties.successfulJobsHistoryLimit === 'number' ? properties.successfulJobsHistoryLimit : 3,
        failedJobsHistoryLimit:
          typeof properties.failedJobsHistoryLimit === 'number' ? properties.failedJobsHistoryLimit : 1,
        jobTemplate: {
          metadata: { labels: template.metadata.labels, annotations: { ...props.annotations } },
          spec: {
            parallelism: props.count,
            completions: props.count,
            backoffLimit: 6,
            ...jobFields(properties),
            template,
          },
        },
      },
    };
    render.objects.push(render.workload);
  },
};
