import { Injectable } from '@nestjs/common';

export interface CheckResult {
  status: 'ok' | 'failing';
  detail?: string;
}

/** Passes by resolving (with an optional note shown as `detail`, e.g. a kind unavailable but unused), fails by throwing. */
export type ReadinessCheck = () => Promise<void | string>;

/**
 * What `/readyz` checks. Modules register theirs at startup (the database here; later e.g. provider availability);
 * a check passes by resolving and fails by throwing or by taking longer than the timeout.
 */
@Injectable()
export class ReadinessService {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2_000): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, CheckResult]> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const note = await Promise.race([
            check(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return [name, typeof note === 'string' && note ? { status: 'ok', detail: note } : { status: 'ok' }];
        } catch (error) {
          return [name, { status: 'failing', detail: error instanceof Error ? error.message : String(error) }];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, result]) => result.status === 'ok'), checks };
  }
}
