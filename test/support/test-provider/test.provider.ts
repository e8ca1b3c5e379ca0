import {
  ProviderError,
  ProviderErrorCode,
  ResourceProvider,
  type ApplyResult,
  type DriftReport,
  type OperationLog,
  type ProviderAvailability,
  type ProviderProfile,
  type ResourcePlan,
  type ResourceRequest,
} from '@berth/core';
import { TestInventory } from './test-inventory';
import { testOutputs, testResourceId } from './test-outputs';
import {
  appliesTo,
  behaviourOf,
  EXIT_AT_ENV,
  exitPointKey,
  INVENTORY_ENV,
  inventoryPathOf,
  parseExitPoint,
  validateTestSettings,
  type ExitPoint,
  type TestAction,
  type TestProviderSettings,
} from './test-provider-settings';

export interface TestProviderOptions {
  /** How the process ends at an exit point; SIGKILL to itself by default (no cleanup, like a crash). */
  exit?: (point: ExitPoint) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * TEST ONLY. A ResourceProvider (profile kind `test`) that creates nothing real: it records what would exist in a
 * JSON inventory and can be told, through the profile's settings, to be slow, to fail a number of times, to fail for
 * good, to hang, or to end the process at a chosen point — what the lifecycle engine's crash and retry tests need.
 */
export class TestResourceProvider extends ResourceProvider {
  readonly kinds = ['test'] as const;
  /** What testOutputs knows how to answer for. */
  override readonly types = ['rds', 'oss', 'slb', 'vpc'];
  private readonly env: NodeJS.ProcessEnv;
  private readonly exit: (point: ExitPoint) => void;

  constructor(options: TestProviderOptions = {}) {
    super();
    this.env = options.env ?? process.env;
    this.exit = options.exit ?? (() => process.kill(process.pid, 'SIGKILL'));
  }

  async availability(profile: ProviderProfile): Promise<ProviderAvailability> {
    return inventoryPathOf(settingsOf(profile), this.env)
      ? { available: true }
      : { available: false, reason: `no inventory: set settings.inventoryPath or ${INVENTORY_ENV}` };
  }

  validateProfile(profile: ProviderProfile): Array<{ path: string; message: string }> {
    return validateTestSettings(profile.settings);
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    const existing = (await this.inventory(request).read()).resources[request.idempotencyKey];
    const resource = `${request.type} ${request.component}`;
    if (!existing) return { changes: [{ action: 'create', resource }], exact: true };
    const same = JSON.stringify(existing.properties) === JSON.stringify(request.properties);
    return { changes: [{ action: same ? 'same' : 'update', resource }], exact: true };
  }

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    const settings = settingsOf(request.profile);
    await this.exitPoint(request, settings, 'before', 'apply');
    await this.misbehave(request, settings, 'apply');
    const id = testResourceId(request);
    const result = testOutputs(request, id);
    const now = new Date().toISOString();
    const created = await this.inventory(request).update((data) => {
      const existing = data.resources[request.idempotencyKey];
      data.resources[request.idempotencyKey] = {
        idempotencyKey: request.idempotencyKey,
        id,
        environment: request.environment,
        application: request.application,
        component: request.component,
        type: request.type,
        properties: request.properties,
        outputs: result.outputs,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        applies: (existing?.applies ?? 0) + 1,
      };
      return !existing;
    });
    log.log('info', `test provider: ${created ? 'created' : 'updated'} ${request.type} ${request.component} (${id})`, {
      id,
    });
    await this.exitPoint(request, settings, 'after', 'apply');
    return result;
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    const settings = settingsOf(request.profile);
    await this.exitPoint(request, settings, 'before', 'destroy');
    await this.misbehave(request, settings, 'destroy');
    const existed = await this.inventory(request).update((data) => {
      const found = request.idempotencyKey in data.resources;
      delete data.resources[request.idempotencyKey];
      return found;
    });
    log.log(
      'info',
      `test provider: ${existed ? 'destroyed' : 'nothing to destroy for'} ${request.type} ${request.component}`,
    );
    await this.exitPoint(request, settings, 'after', 'destroy');
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    const settings = settingsOf(request.profile);
    await this.misbehave(request, settings, 'refresh');
    const existing = (await this.inventory(request).read()).resources[request.idempotencyKey];
    if (!existing)
      return {
        drifted: true,
        exists: false,
        differences: [{ field: 'resource', expected: 'present', actual: 'missing' }],
      };
    if (behaviourOf(settings, request.component).drift) {
      return {
        drifted: true,
        exists: true,
        differences: [{ field: 'testDrift', expected: 'as applied', actual: 'changed outside Berth' }],
      };
    }
    return { drifted: false, exists: true, differences: [] };
  }

  private inventory(request: ResourceRequest): TestInventory {
    const path = inventoryPathOf(settingsOf(request.profile), this.env);
    if (!path)
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        `test provider: set settings.inventoryPath or ${INVENTORY_ENV}`,
      );
    return new TestInventory(path);
  }

  /** Delay, hang and injected failures, in that order. */
  private async misbehave(request: ResourceRequest, settings: TestProviderSettings, action: TestAction): Promise<void> {
    const behaviour = behaviourOf(settings, request.component);
    const { signal } = request;
    if (behaviour.delayMs) await delay(behaviour.delayMs, signal);
    if (!appliesTo(behaviour, action)) return;
    if (behaviour.hang) {
      await delay(Number.POSITIVE_INFINITY, signal);
    }
    if (behaviour.failPermanently) {
      const message =
        typeof behaviour.failPermanently === 'string'
          ? behaviour.failPermanently
          : `test provider: ${action} of ${request.component} fails permanently`;
      throw new ProviderError(behaviour.failCode ?? ProviderErrorCode.InvalidRequest, message);
    }
    const failTimes = behaviour.failTimes ?? 0;
    if (failTimes > 0) {
      const key = `${request.component}:${action}`;
      const served = await this.inventory(request).update((data) => {
        const count = data.failures[key] ?? 0;
        if (count >= failTimes) return undefined;
        data.failures[key] = count + 1;
        return count + 1;
      });
      if (served !== undefined) {
        throw new ProviderError(
          ProviderErrorCode.Transient,
          `test provider: injected failure ${served} of ${failTimes} for ${action} of ${request.component}`,
        );
      }
    }
  }

  private async exitPoint(
    request: ResourceRequest,
    settings: TestProviderSettings,
    when: ExitPoint['when'],
    action: ExitPoint['action'],
  ): Promise<void> {
    const points = [settings.exitAt, parseExitPoint(this.env[EXIT_AT_ENV])].filter(
      (p): p is ExitPoint =>
        !!p && p.when === when && p.action === action && (p.component === '*' || p.component === request.component),
    );
    for (const point of points) {
      const key = exitPointKey(point);
      const fire = await this.inventory(request).update((data) => {
        if (data.exits.fired.includes(key)) return false;
        const seen = (data.exits.counts[key] ?? 0) + 1;
        data.exits.counts[key] = seen;
        if (seen < (point.nth ?? 1)) return false;
        data.exits.fired.push(key);
        return true;
      });
      if (fire) this.exit(point);
    }
  }
}

function settingsOf(profile: ProviderProfile): TestProviderSettings {
  return profile.settings as TestProviderSettings;
}

/** Waits `ms` (forever when infinite) unless `signal` aborts first, then throws a Timeout ProviderError. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const aborted = () =>
      reject(
        signal.reason instanceof ProviderError
          ? signal.reason
          : new ProviderError(ProviderErrorCode.Timeout, 'test provider: call aborted'),
      );
    if (signal.aborted) return aborted();
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms)
      : undefined;
    const onAbort = () => {
      clearTimeout(timer);
      aborted();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
