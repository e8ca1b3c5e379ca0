import type {
  ApplyResult,
  CloudComponentType,
  DriftReport,
  JsonObject,
  OperationLog,
  ProviderAvailability,
  ProviderProfile,
  ResourcePlan,
  ResourceRequest,
  RevokeHandle,
} from '@berth/core';
import { ProviderError, ProviderErrorCode, ResourceProvider, SILENT_LOG, type SettingProblem } from '@berth/core';
import { join } from 'node:path';
import { LOCAL_HANDLERS } from './handlers/local-handlers';
import type { LocalHandlerContext, LocalTypeHandler } from './handlers/local-type.handler';
import { DEFAULT_IP_POOL, DEFAULT_IP_POOL_PREFIX, type LocalProviderOptions } from './local-provider.options';
import { readLocalProviderSettings } from './settings/local-provider.settings';
import { RecordStateStore } from './state/record-state.store';
import { throwIfAborted, toProviderError } from './support/local-provider.error';
import { SecretDeriver } from './support/secret-deriver';
import { parseCidr } from './vpc/cidr';
import type { PoolSettings } from './vpc/vpc.resource';

/**
 * The `local` provider profile: real resources on this machine, with nothing installed beyond `npm ci`. One handler per
 * type it serves (LOCAL_HANDLERS): rds → a role + database on BERTH_LOCAL_POSTGRES_URL / BERTH_LOCAL_MYSQL_URL, or on
 * the embedded PostgreSQL cluster; oss → a bucket on an embedded S3 endpoint (or BERTH_LOCAL_S3_URL); slb → a loopback
 * TCP load balancer; vpc → address management; redis → an ACL user on BERTH_LOCAL_REDIS_URL or an embedded
 * redis-server. State lives in `<dataDir>/local/`; see providers/local/README.md for the honest limits.
 */
export class LocalResourceProvider extends ResourceProvider {
  readonly kinds = ['local'] as const;
  override readonly types: readonly string[];

  private readonly store: RecordStateStore;
  private readonly handlers: ReadonlyMap<string, LocalTypeHandler>;
  private started = false;
  private readonly options: LocalProviderOptions;
  private readonly settingsProblems: SettingProblem[];

  constructor(given: LocalProviderOptions) {
    super();
    const settings = readLocalProviderSettings(given.env ?? {});
    this.settingsProblems = settings.problems;
    const options: LocalProviderOptions = { ...settings.options, ...withoutUndefined(given), dataDir: given.dataDir };
    this.options = options;
    const root = join(options.dataDir, 'local');
    this.store = new RecordStateStore(root);
    const context: LocalHandlerContext = {
      store: this.store,
      secrets: new SecretDeriver(join(root, 'master.key')),
      options,
      dataDir: options.dataDir,
      root,
      host: options.host ?? '127.0.0.1',
      poolOf: (request) => this.poolOf(request.profile),
    };
    this.handlers = new Map(Object.entries(LOCAL_HANDLERS).map(([type, handler]) => [type, handler(context)]));
    this.types = [...this.handlers.keys()];
  }

  /**
   * Brings back the embedded servers of every recorded resource (PostgreSQL, the S3 endpoint, Redis, load balancers),
   * on their remembered ports when free. A server that cannot come back is logged and left for apply/refresh to report.
   */
  override async start(log: OperationLog = SILENT_LOG): Promise<void> {
    this.started = true;
    const records = Object.values((await this.store.read()).resources);
    await Promise.all(
      [...this.handlers].map(([type, handler]) =>
        handler
          .restore?.(
            records.filter((r) => r.type === type),
            log,
          )
          .catch((error: unknown) =>
            log.log(
              'error',
              `the embedded servers of ${type} did not come back: ${toProviderError(error, type).message}`,
            ),
          ),
      ),
    );
  }

  /** The BERTH_LOCAL_* variables of `options.env` that cannot be used, each naming its variable. */
  override validateSettings(): SettingProblem[] {
    return this.settingsProblems;
  }

  /** Stops every embedded server and listener. Data stays on disk for the next start(). */
  override async close(): Promise<void> {
    await Promise.all([...this.handlers.values()].map((handler) => handler.close?.()));
  }

  async availability(profile: ProviderProfile): Promise<ProviderAvailability> {
    const problems = this.validateProfile(profile);
    if (problems.length > 0)
      return { available: false, reason: problems.map((p) => `${p.path}: ${p.message}`).join('; ') };
    return { available: true };
  }

  validateProfile(profile: ProviderProfile): Array<{ path: string; message: string }> {
    const problems: Array<{ path: string; message: string }> = [];
    const settings = profile.settings ?? {};
    const pool = settings.ipPool;
    const cidr = typeof pool === 'object' && pool !== null ? (pool as JsonObject).cidr : pool;
    const prefix =
      typeof pool === 'object' && pool !== null ? (pool as JsonObject).prefixLength : settings.ipPoolPrefix;
    if (cidr !== undefined) {
      if (typeof cidr !== 'string')
        problems.push({ path: '/ipPool', message: 'ipPool must be an IPv4 CIDR block such as 10.0.0.0/8' });
      else {
        try {
          parseCidr(cidr);
        } catch (error) {
          problems.push({
            path: typeof pool === 'object' ? '/ipPool/cidr' : '/ipPool',
            message: (error as Error).message,
          });
        }
      }
    }
    if (prefix !== undefined) {
      const base = typeof cidr === 'string' ? safePrefix(cidr) : 8;
      if (typeof prefix !== 'number' || !Number.isInteger(prefix) || prefix < (base ?? 0) || prefix > 29) {
        problems.push({
          path: typeof pool === 'object' && pool !== null ? '/ipPool/prefixLength' : '/ipPoolPrefix',
          message: `the size of each VPC must be a prefix length between /${base ?? 0} and /29`,
        });
      }
    }
    return problems;
  }

  override validateComponent(
    type: CloudComponentType,
    properties: JsonObject,
    _profile: ProviderProfile,
  ): Array<{ path: string; message: string }> {
    return this.handlers.get(type)?.validate?.(properties) ?? [];
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    return this.run(request, 'preview', () => this.handler(request.type).preview(request));
  }

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    return this.run(request, 'apply', () => this.handler(request.type).apply(request, log));
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    return this.run(request, 'destroy', () => this.handler(request.type).destroy(request, log));
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    return this.run(request, 'refresh', () => this.handler(request.type).refresh(request));
  }

  override async rotate(request: ResourceRequest, log: OperationLog): Promise<ApplyResult & { revoke: RevokeHandle }> {
    return this.run(request, 'rotate', () => {
      const handler = this.handler(request.type);
      if (!handler.rotate)
        throw new ProviderError(ProviderErrorCode.InvalidRequest, `${request.type} has no credentials to rotate`);
      return handler.rotate(request, log);
    });
  }

  override async revoke(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void> {
    return this.run(request, 'revoke', async () => this.handler(request.type).revoke?.(request, handle, log));
  }

  /** Whether the embedded server of a resource is up (tests and /readyz detail). */
  isRunning(type: CloudComponentType, id: string): boolean {
    return this.handlers.get(type)?.isRunning?.(id) ?? true;
  }

  private handler(type: CloudComponentType): LocalTypeHandler {
    const handler = this.handlers.get(type);
    if (!handler)
      throw new ProviderError(ProviderErrorCode.InvalidRequest, `the local provider cannot provision ${type}`);
    return handler;
  }

  /** One boundary for every port method: abort honoured up front, every failure a ProviderError. */
  private async run<T>(request: ResourceRequest, verb: string, work: () => Promise<T>): Promise<T> {
    if (!this.started) {
      // Used without start(): recorded servers are brought back lazily by apply; refresh reports them as drift.
      this.started = true;
    }
    throwIfAborted(request.signal, `${verb} ${request.type} ${request.component}`);
    try {
      return await work();
    } catch (error) {
      throw toProviderError(error, `${verb} ${request.type} ${request.component}`);
    }
  }

  private poolOf(profile: ProviderProfile): PoolSettings {
    const settings = profile.settings ?? {};
    const pool = settings.ipPool;
    const cidr = typeof pool === 'object' && pool !== null ? (pool as JsonObject).cidr : pool;
    const prefix =
      typeof pool === 'object' && pool !== null ? (pool as JsonObject).prefixLength : settings.ipPoolPrefix;
    return {
      cidr: typeof cidr === 'string' ? cidr : (this.options.ipPool ?? DEFAULT_IP_POOL),
      prefix: typeof prefix === 'number' ? prefix : (this.options.ipPoolPrefix ?? DEFAULT_IP_POOL_PREFIX),
    };
  }
}

function safePrefix(cidr: string): number | undefined {
  try {
    return parseCidr(cidr).prefix;
  } catch {
    return undefined;
  }
}

/** An option set to undefined does not hide the variable's value. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
