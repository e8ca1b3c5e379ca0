import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { OperationRepository } from '@berth/persistence';
import { DataSource } from 'typeorm';
import { BERTH_CONFIG, type BerthConfig } from '../config/berth-config';
import { OperationRunner } from './operation.runner';
import { RefreshScheduler } from './refresh.scheduler';

export const OPERATION_RUNNER = Symbol('OPERATION_RUNNER');

/**
 * The worker role: claims operations (queued ones, and running ones whose lease expired) up to
 * BERTH_WORKER_CONCURRENCY at once, runs them, and starts the paced refresh schedule (RefreshScheduler).
 * Shutdown interrupts what runs and releases the leases so another worker resumes at once.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Worker');
  /** What this process runs, by operation id. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();
  private timer?: NodeJS.Timeout;
  private polling = false;
  /** Who waits for the next operation run here to end (nextEnd). */
  private readonly endWaiters = new Set<() => void>();
  private again = false;
  readonly workerId = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    @Inject(OperationRepository) private readonly operations: OperationRepository,
    @Inject(OPERATION_RUNNER) private readonly runner: OperationRunner,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RefreshScheduler) private readonly refresh: RefreshScheduler,
  ) {}

  get enabled(): boolean {
    return this.config.role !== 'api';
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const pollMs = this.config.lifecycle?.workerPollMs ?? 250;
    this.timer = setInterval(() => this.nudge(), pollMs);
    this.timer.unref();
    this.refresh.start(() => this.nudge());
    this.nudge();
  }

  /** Look for work now (called after an operation is queued in this process, and on every poll). */
  nudge(): void {
    if (!this.enabled || this.stop.signal.aborted) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    void this.fill()
      .catch((error: unknown) => {
        if (!this.stop.signal.aborted)
          this.logger.warn(`cannot claim operations: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.polling = false;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  private async fill(): Promise<void> {
    while (
      this.running.size < this.config.workerConcurrency &&
      !this.stop.signal.aborted &&
      this.dataSource.isInitialized
    ) {
      const token = `${this.workerId}/${randomUUID().slice(0, 8)}`;
      // Never its own operations: a late heartbeat lets their lease lapse, but this process still runs them.
      const claimed = await this.operations.claim(token, this.config.leaseSeconds * 1000, new Date(), [
        ...this.running.keys(),
      ]);
      if (!claimed) return;
      const run = this.runner
        .run(claimed, this.stop.signal)
        .catch((error: unknown) =>
          this.logger.error(`operation ${claimed.id}: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => {
          this.running.delete(claimed.id);
          for (const wake of [...this.endWaiters]) wake();
          this.nudge();
        });
      this.running.set(claimed.id, run);
    }
  }

  /**
   * Resolves when an operation run in this process next ends (its outcome is recorded by then), or after `ms` at the
   * latest: one awaiting an operation polls its state at that pace, and is woken at once when it ran here.
   */
  nextEnd(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.endWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.endWaiters.add(wake);
    });
  }

  /** Operations running in this process right now. */
  get busy(): number {
    return this.running.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.refresh.close();
    this.stop.abort(new Error('worker shutting down'));
    await Promise.allSettled([...this.running.values()]);
  }
}
