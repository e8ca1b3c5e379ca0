import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { OperationRepository } from '@berth/persistence';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { ReadinessService } from '../health/readiness.service';
import { LifecycleMetrics } from './lifecycle.metrics';

/** Share of the interval a sweep spreads its refreshes over; the rest is room for them to finish. */
const SPREAD = 0.8;
const POLL_MS = 100;

export interface SweepReport {
  applications: number;
  queued: number;
  seconds: number;
  cpuSeconds: number;
  finishedAt: Date;
}

/**
 * Refresh of Ready applications every BERTH_REFRESH_INTERVAL, paced: one sweep at a time (a tick that finds the last
 * sweep still running is counted as behind, not started), an application with an operation queued or running is
 * not queued again, the sweep's refreshes are spread over the interval with jitter, and at most
 * BERTH_REFRESH_CONCURRENCY refreshes are queued or running at once. When a sweep overruns its interval
 * `berth_refresh_behind` is 1 and `/readyz` says so in the `refresh` check's detail.
 */
@Injectable()
export class RefreshScheduler {
  private readonly logger = new Logger('RefreshScheduler');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private readonly stop = new AbortController();
  private lastSweep?: SweepReport;
  private overran = false;
  private nudge: () => void = () => undefined;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(OperationRepository) private readonly operations: OperationRepository,
    @Inject(LifecycleMetrics) private readonly metrics: LifecycleMetrics,
    @Inject(ReadinessService) private readonly readiness: ReadinessService,
  ) {}

  private get intervalMs(): number {
    return this.config.refreshIntervalMs;
  }

  private get ceiling(): number {
    return this.config.refreshConcurrency ?? this.config.workerConcurrency;
  }

  /** Starts the schedule; `nudge` tells the worker that operations were queued. */
  start(nudge: () => void): void {
    if (this.intervalMs <= 0) return;
    this.nudge = nudge;
    this.readiness.register('refresh', () => Promise.resolve(this.describe()));
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.stop.abort();
    await this.sweeping;
  }

  /** Whether the last sweep overran its interval (or a tick found it still running). */
  get behind(): boolean {
    return this.overran;
  }

  get last(): SweepReport | undefined {
    return this.lastSweep;
  }

  tick(): void {
    if (this.stop.signal.aborted) return;
    if (this.sweeping) {
      this.setBehind(true);
      this.metrics.refreshSweepsSkipped.inc();
      return;
    }
    this.sweeping = this.sweep()
      .catch((error: unknown) => {
        if (!this.stop.signal.aborted)
          this.logger.warn(`refresh sweep failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.sweeping = undefined;
      });
  }

  private async sweep(): Promise<void> {
    const started = Date.now();
    const cpu = process.cpuUsage();
    const signal = this.stop.signal;
    const due = await this.operations.idleSince(new Date(started - this.intervalMs));
    const slotMs = due.length > 0 ? (this.intervalMs * SPREAD) / due.length : 0;
    let credit = 0;
    let queued = 0;
    for (const [index, app] of due.entries()) {
      if (signal.aborted) return;
      // Pacing: the index-th refresh goes out at a jittered moment of its slot.
      const wait = started + (index + Math.random()) * slotMs - Date.now();
      if (wait > 1) await sleep(wait, undefined, { signal }).catch(() => undefined);
      // Ceiling: counted in the database, so refreshes queued by hand or by another worker count too.
      while (credit <= 0 && !signal.aborted) {
        credit = this.ceiling - (await this.operations.refreshesInFlight());
        if (credit <= 0) await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
      }
      if (signal.aborted) return;
      const op = await this.operations.enqueueRefreshIfIdle(app);
      if (op) {
        credit--;
        queued++;
        this.nudge();
      }
    }
    // The sweep ends when what it queued has run.
    while (queued > 0 && !signal.aborted && (await this.operations.refreshesInFlight()) > 0)
      await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return;
    const usage = process.cpuUsage(cpu);
    const seconds = (Date.now() - started) / 1000;
    this.lastSweep = {
      applications: due.length,
      queued,
      seconds,
      cpuSeconds: (usage.user + usage.system) / 1e6,
      finishedAt: new Date(),
    };
    this.metrics.refreshSweepSeconds.observe(seconds);
    this.setBehind(seconds * 1000 > this.intervalMs);
  }

  private setBehind(behind: boolean): void {
    this.overran = behind;
    this.metrics.refreshBehind.set(behind ? 1 : 0);
  }

  private describe(): string {
    const interval = this.intervalMs / 1000;
    const last = this.lastSweep;
    if (this.overran) {
      return last
        ? `behind: the last sweep of ${last.applications} applications took ${last.seconds.toFixed(1)} s, ${last.cpuSeconds.toFixed(1)} s of CPU, more than the ${interval} s interval`
        : `behind: the first sweep has not finished within the ${interval} s interval`;
    }
    return last
      ? `last sweep: ${last.applications} applications in ${last.seconds.toFixed(1)} s, ${last.cpuSeconds.toFixed(1)} s of CPU (interval ${interval} s)`
      : `no sweep finished yet (interval ${interval} s)`;
  }
}
