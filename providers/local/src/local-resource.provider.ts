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
import { ProviderError, ProviderErrorCode, ResourceProvider, SILENT_LOG } from '@berth/core';
import { join } from 'node:path';
import { DEFAULT_IP_POOL, DEFAULT_IP_POOL_PREFIX, type LocalProviderOptions } from './local-provider.options';
import { type OssData, OssResource } from './oss/oss.resource';
import { type RdsData, RdsResource } from './rds/rds.resource';
import { type SlbData, SlbResource } from './slb/slb.resource';
import { JsonStateStore } from './state/json-state.store';
import { emptyState, type LocalState, type ResourceRecord } from './state/local-state';
import { throwIfAborted, toProviderError } from './support/local-provider.error';
import { SecretDeriver } from './support/secret-deriver';
import { parseCidr } from './vpc/cidr';
import { type PoolSettings, VpcResource } from './vpc/vpc.resource';

/**
 * The `local` provider profile: real resources on this machine, with nothing installed beyond `npm ci`.
 * rds → a role + database on BERTH_LOCAL_POSTGRES_URL / BERTH_LOCAL_MYSQL_URL, or on the embedded PostgreSQL cluster;
 * oss → a bucket on an embedded S3 endpoint (or BERTH_LOCAL_S3_URL); slb → a loopback TCP load balancer;
 * vpc → address management. State lives in `<dataDir>/local/`; see providers/local/README.md for the honest limits.
 */
export class LocalResourceProvider extends ResourceProvider {
  readonly kinds = ['local'] as const;

  private readonly store: JsonStateStore<LocalState>;
  private readonly vpc: VpcResource;
  private readonly rds: RdsResource;
  private readonly oss: OssResource;
  private readonly slb: SlbResource;
  private readonly host: string;
  private started = false;

  constructor(private readonly options: LocalProviderOptions) {
    super();
    const root = join(options.dataDir, 'local');
    this.host = options.host ?? '127.0.0.1';
    this.store = new JsonStateStore<LocalState>(join(root, 'state.json'), emptyState);
    this.vpc = new VpcResource(this.store, (request) => this.poolOf(request.profile));
    const secrets = new SecretDeriver(join(root, 'master.key'));
    this.rds = new RdsResource(this.store, options.dataDir, this.host, secrets, options);
    this.oss = new OssResource(
      this.store,
      secrets,
      join(root, 'oss'),
      this.host,
      options.s3Region ?? 'local',
      externalS3(options),
    );
    this.slb = new SlbResource(this.store, this.host, options.slbHealthCheckIntervalMs ?? 1000);
  }

  /**
   * Brings back the embedded servers of every recorded resource (PostgreSQL, the S3 endpoint, load balancers), on their
   * remembered ports when free. A server that cannot come back is logged and left for apply/refresh to report.
   */
  async start(log: OperationLog = SILENT_LOG): Promise<void> {
    this.started = true;
    const state = await this.store.read();
    const records = Object.values(state.resources);
    const oss = records.filter((r) => r.type === 'oss') as unknown as Array<ResourceRecord<OssData>>;
    const tasks: Array<Promise<void>> = [
      this.oss
        .restore(oss)
        .catch((error: unknown) =>
          log.log('error', `oss endpoint did not come back: ${toProviderError(error, 'oss').message}`),
        ),
      this.rds
        .restore(records.filter((r) => r.type === 'rds') as unknown as Array<ResourceRecord<RdsData>>, log)
        .catch((error: unknown) =>
          log.log('error', `the embedded PostgreSQL did not come back: ${toProviderError(error, 'rds').message}`),
        ),
    ];
    for (const record of records) {
      if (record.type === 'slb') {
        tasks.push(
          this.slb
            .restore(record as unknown as ResourceRecord<SlbData>)
            .catch((error: unknown) =>
              log.log('error', `slb ${record.id} did not come back: ${toProviderError(error, 'slb').message}`),
            ),
        );
      }
    }
    await Promise.all(tasks);
  }

  /** Stops every embedded server and listener. Data stays on disk for the next start(). */
  async close(): Promise<void> {
    await Promise.all([this.rds.closeAll(), this.oss.close(), this.slb.closeAll()]);
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
    if (type === 'rds') return this.rds.validate(properties);
    return [];
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
      if (request.type === 'rds') return this.rds.rotate(request, log);
      if (request.type === 'oss') return this.oss.rotate(request, log);
      throw new ProviderError(ProviderErrorCode.InvalidRequest, `${request.type} has no credentials to rotate`);
    });
  }

  override async revoke(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void> {
    return this.run(request, 'revoke', async () => {
      if (request.type === 'rds') return this.rds.revoke(request, handle, log);
      if (request.type === 'oss') return this.oss.revoke(request, handle, log);
    });
  }

  /** Whether the embedded server of a resource is up (tests and /readyz detail). */
  isRunning(type: CloudComponentType, id: string): boolean {
    if (type === 'rds') return this.rds.isRunning();
    if (type === 'slb') return this.slb.isRunning(id);
    return true;
  }

  private handler(type: CloudComponentType): Pick<VpcResource, 'apply' | 'destroy' | 'refresh' | 'preview'> {
    switch (type) {
      case 'vpc':
        return this.vpc;
      case 'rds':
        return this.rds;
      case 'oss':
        return this.oss;
      case 'slb':
        return this.slb;
      default:
        throw new ProviderError(ProviderErrorCode.InvalidRequest, `the local provider cannot provision ${type}`);
    }
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

function externalS3(
  options: LocalProviderOptions,
): { endpoint: string; accessKeyId: string; secretAccessKey: string } | undefined {
  if (!options.s3Url) return undefined;
  const url = new URL(options.s3Url);
  const accessKeyId = options.s3AccessKeyId ?? decodeURIComponent(url.username);
  const secretAccessKey = options.s3SecretAccessKey ?? decodeURIComponent(url.password);
  if (!accessKeyId || !secretAccessKey) {
    throw new ProviderError(
      ProviderErrorCode.InvalidRequest,
      'BERTH_LOCAL_S3_URL needs admin credentials (in the URL as KEY:SECRET@ or as s3AccessKeyId/s3SecretAccessKey)',
    );
  }
  url.username = '';
  url.password = '';
  return { endpoint: url.toString().replace(/\/$/, ''), accessKeyId, secretAccessKey };
}
