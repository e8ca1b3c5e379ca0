import { ProviderError, ProviderErrorCode, type WorkloadRuntime } from '@berth/core';

/** The WorkloadRuntimes of this service, by runtime kind. */
export class RuntimeRegistry {
  private readonly byKind = new Map<string, WorkloadRuntime>();

  constructor(runtimes: Iterable<WorkloadRuntime> = []) {
    for (const runtime of runtimes) this.register(runtime);
  }

  register(runtime: WorkloadRuntime): void {
    this.byKind.set(runtime.kind, runtime);
  }

  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }

  runtimes(): WorkloadRuntime[] {
    return [...new Set(this.byKind.values())];
  }

  find(kind: string): WorkloadRuntime | undefined {
    return this.byKind.get(kind);
  }

  get(kind: string): WorkloadRuntime {
    const runtime = this.byKind.get(kind);
    if (!runtime) {
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        `no runtime of kind "${kind}" in this service (known: ${this.kinds().join(', ') || 'none'})`,
      );
    }
    return runtime;
  }
}
