import type { TypeDescriptor } from '@berth/core';
import { workloadSchema } from '../workloads/workload-properties.schema';
import { TASK_PROPERTIES, uniqueEnv, volumeMountsOrVolumes } from '../workloads/workload.types';

const count = (description: string) => ({ type: 'integer', minimum: 0, description });

/** `cron-task`: KubeVela's scheduled task (a batch/v1 CronJob). */
export const cronTaskType: TypeDescriptor = {
  name: 'cron-task',
  category: 'workload',
  description: 'A task run on a schedule (a CronJob)',
  schema: {
    ...workloadSchema({
      ...TASK_PROPERTIES,
      schedule: { type: 'string', minLength: 1, description: 'Cron schedule, e.g. "*/5 * * * *"' },
      startingDeadlineSeconds: count('Deadline for starting a run that missed its time'),
      suspend: { type: 'boolean', default: false, description: 'Suspend further runs' },
      concurrencyPolicy: {
        type: 'string',
        enum: ['Allow', 'Forbid', 'Replace'],
        default: 'Allow',
        description: 'What to do when a run is due while the previous one still runs',
      },
      successfulJobsHistoryLimit: { ...count('Finished runs kept'), default: 3 },
      failedJobsHistoryLimit: { ...count('Failed runs kept'), default: 1 },
      timeZone: { type: 'string', minLength: 1, description: 'Time zone of the schedule, e.g. Asia/Shanghai' },
    }),
    required: ['image', 'schedule'],
  },
  stepTimeoutMs: 10 * 60_000,
  checks: [uniqueEnv, volumeMountsOrVolumes],
  workloadKind: 'CronJob',
};
