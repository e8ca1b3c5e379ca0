import { Inject, Injectable } from '@nestjs/common';
import { OperationRepository } from '@berth/persistence';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';

/** Operations by kind and state, step durations, the queue depth and the refresh sweeps, on the service's /metrics. */
@Injectable()
export class LifecycleMetrics {
  readonly stepDuration: Histogram<'action' | 'outcome'>;
  readonly refreshSweepSeconds: Histogram;
  readonly refreshBehind: Gauge;
  readonly refreshSweepsSkipped: Counter;

  constructor(
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(OperationRepository) operations: OperationRepository,
  ) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'berth_operations',
      help: 'Operations recorded, by kind and state',
      labelNames: ['kind', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        for (const row of await operations.countsByKindAndState())
          this.set({ kind: row.kind, state: row.state }, row.count);
      },
    });
    new Gauge({
      name: 'berth_operation_queue_depth',
      help: 'Operations waiting for a worker',
      registers,
      async collect() {
        this.set(await operations.queueDepth());
      },
    });
    this.stepDuration = new Histogram({
      name: 'berth_step_duration_seconds',
      help: 'Duration of operation steps (all attempts), by action and outcome',
      labelNames: ['action', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 2400],
      registers,
    });
    this.refreshSweepSeconds = new Histogram({
      name: 'berth_refresh_sweep_seconds',
      help: 'Duration of one refresh sweep, from its start until the refreshes it queued have run',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.refreshBehind = new Gauge({
      name: 'berth_refresh_behind',
      help: '1 when the last refresh sweep did not finish within BERTH_REFRESH_INTERVAL (or was still running when the next was due)',
      registers,
    });
    this.refreshBehind.set(0);
    this.refreshSweepsSkipped = new Counter({
      name: 'berth_refresh_sweeps_skipped_total',
      help: 'Refresh sweeps not started because the previous one was still running',
      registers,
    });
  }
}
