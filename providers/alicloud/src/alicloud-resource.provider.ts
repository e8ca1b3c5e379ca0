import { randomInt } from 'node:crypto';
import {
  ProviderError,
  ProviderErrorCode,
  ResourceProvider,
  isSensitiveConnectionKey,
  type ApplyResult,
  type CloudComponentType,
  type DriftReport,
  type JsonObject,
  type OperationLog,
  type ProviderAvailability,
  type ProviderProfile,
  type ResourcePlan,
  type ResourceRequest,
  type RevokeHandle,
} from '@berth/core';
import { ForkJobLauncher } from './driver/fork-job-launcher';
import type { JobLauncher } from './driver/job-launcher';
import { ExecPulumiCliLocator, type PulumiCliLocator } from './driver/pulumi-cli';
import { PulumiDriver } from './driver/pulumi-driver';
import type { StackOutputs } from './driver/pulumi-workspace.port';
import type { JobResult } from './driver/stack-job';
import { ALICLOUD_PROFILE_KINDS, validateAlicloudProfile } from './profile/alicloud-profile';
import { accessKeyGenerations } from './programs/oss.program';
import { EXTERNAL_IDS_OUTPUT } from './programs/program-input';
import { readListeners } from './programs/slb.program';
import { alicloudZoneProblems } from './profile/alicloud-zone';

export interface AlicloudProviderOptions {
  /** Default BERTH_DATA_DIR or ./.berth. */
  dataDir?: string;
  /** Default: a child process per run. */
  launcher?: JobLauncher;
  cli?: PulumiCliLocator;
  concurrency?: number;
  timeoutsMs?: Partial<Record<CloudComponentType, number>>;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Alibaba Cloud (public `alicloud` and private `apsara`) through Pulumi automation and @pulumi/alicloud. */
export class AlicloudResourceProvider extends ResourceProvider {
  readonly kinds = ALICLOUD_PROFILE_KINDS;
  readonly driver: PulumiDriver;
  private readonly cli: PulumiCliLocator;

  constructor(options: AlicloudProviderOptions = {}) {
    super();
    const env = options.env ?? process.env;
    this.cli = options.cli ?? new ExecPulumiCliLocator(env);
    this.driver = new PulumiDriver({
      dataDir: options.dataDir ?? env.BERTH_DATA_DIR ?? './.berth',
      launcher: options.launcher ?? new ForkJobLauncher(),
      cli: this.cli,
      env,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.timeoutsMs !== undefined ? { timeoutsMs: options.timeoutsMs } : {}),
    });
  }

  async availability(profile: ProviderProfile): Promise<ProviderAvailability> {
    const problems = validateAlicloudProfile(profile);
    if (problems.length > 0) {
      return {
        available: false,
        reason: `profile settings: ${problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}`,
      };
    }
    const cli = await this.cli.detect();
    return cli.available ? { available: true } : { available: false, ...(cli.reason ? { reason: cli.reason } : {}) };
  }

  /** The pulumi CLI, whatever the profile. */
  override async tooling(): Promise<ProviderAvailability> {
    const cli = await this.cli.detect();
    return cli.available ? { available: true } : { available: false, ...(cli.reason ? { reason: cli.reason } : {}) };
  }

  validateProfile(profile: ProviderProfile): Array<{ path: string; message: string }> {
    return validateAlicloudProfile(profile);
  }

  override validateComponent(
    type: CloudComponentType,
    properties: JsonObject,
  ): Array<{ path: string; message: string }> {
    const problems: Array<{ path: string; message: string }> = [];
    const has = (key: string) => properties[key] !== undefined && properties[key] !== null && properties[key] !== '';
    if (type === 'rds') {
      if (!has('network'))
        problems.push({
          path: '/network',
          message: 'on Alibaba Cloud an rds component needs network: the name of a vpc component',
        });
      const ips = properties.securityIps;
      const list = typeof ips === 'string' ? ips.split(',') : Array.isArray(ips) ? ips : [];
      list.forEach((ip, i) => {
        if (String(ip).trim() === '0.0.0.0/0' || String(ip).trim() === '0.0.0.0') {
          problems.push({
            path: `/securityIps/${i}`,
            message: 'the allow-list must not open the database to the whole internet',
          });
        }
      });
      const engine = String(properties.engine ?? 'mysql').toLowerCase();
      if (!['mysql', 'postgresql'].includes(engine))
        problems.push({ path: '/engine', message: 'engine is mysql or postgresql' });
      for (const key of ['engineVersion', 'instanceClass'])
        if (!has(key)) problems.push({ path: `/${key}`, message: `${key} is required on Alibaba Cloud` });
    }
    if (type === 'slb') {
      if ((properties.addressType ?? 'intranet') === 'intranet' && !has('network')) {
        problems.push({
          path: '/network',
          message: 'an intranet load balancer needs network: the name of a vpc component',
        });
      }
      try {
        readListeners(properties.listeners);
      } catch (error) {
        problems.push({ path: '/listeners', message: (error as Error).message });
      }
    }
    if (type === 'vpc' && !has('cidr'))
      problems.push({ path: '/cidr', message: 'cidr is required (allocated by the broker when absent)' });
    problems.push(...alicloudZoneProblems(type, properties));
    return problems;
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    const result = expect(
      await this.driver.run({ operation: 'preview', request, log: { log: () => undefined } }),
      'preview',
    );
    return { changes: result.changes, exact: true };
  }

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    const result = expect(await this.driver.run({ operation: 'up', request, log }), 'up');
    return splitOutputs(request.type, result.outputs);
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    await this.driver.run({ operation: 'destroy', request, log });
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    return expect(await this.driver.run({ operation: 'refresh', request, log: { log: () => undefined } }), 'refresh')
      .drift;
  }

  /**
   * rds: sets a new account password in place (an RDS account has one password, so the old one stops working at
   * once; the broker must keep the returned DB_PASSWORD as the component's `password`). oss: creates a second access
   * key for the bucket's RAM user and publishes it; the old key stays valid until `revoke` deletes it.
   */
  override async rotate(request: ResourceRequest, log: OperationLog): Promise<ApplyResult & { revoke: RevokeHandle }> {
    if (request.type === 'rds') {
      const password = generatePassword();
      const result = expect(
        await this.driver.run({
          operation: 'up',
          request,
          log,
          secretProperties: { ...request.secretProperties, password },
        }),
        'up',
      );
      return { ...splitOutputs('rds', result.outputs), revoke: {} };
    }
    if (request.type === 'oss') {
      const generations = accessKeyGenerations(request.externalIds);
      const next = Math.max(...generations) + 1;
      const during = { ...request.externalIds, accessKeyGenerations: [...generations, next].join(',') };
      const result = expect(await this.driver.run({ operation: 'up', request, log, externalIds: during }), 'up');
      const applied = splitOutputs('oss', result.outputs);
      return {
        ...applied,
        // The steady state once revoked: only the new key.
        externalIds: { ...applied.externalIds, accessKeyGeneration: String(next), accessKeyGenerations: String(next) },
        revoke: {
          keepAccessKeyGeneration: String(next),
          ...(request.externalIds.accessKeyId ? { oldAccessKeyId: request.externalIds.accessKeyId } : {}),
        },
      };
    }
    throw new ProviderError(
      ProviderErrorCode.InvalidRequest,
      `a ${request.type} component has no credentials to rotate`,
    );
  }

  override async revoke(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void> {
    if (request.type !== 'oss' || handle.keepAccessKeyGeneration === undefined) return;
    const keep = handle.keepAccessKeyGeneration;
    await this.driver.run({
      operation: 'up',
      request,
      log,
      externalIds: { ...request.externalIds, accessKeyGeneration: keep, accessKeyGenerations: keep },
    });
  }
}

function expect<K extends JobResult['operation']>(
  result: JobResult,
  operation: K,
): Extract<JobResult, { operation: K }> {
  if (result.operation !== operation) {
    throw new ProviderError(
      ProviderErrorCode.Internal,
      `the Pulumi runner answered ${result.operation} to a ${operation}`,
    );
  }
  return result as Extract<JobResult, { operation: K }>;
}

/** Stack outputs → non-secret outputs, secret outputs (Pulumi secrets and the type's sensitive keys), external ids. */
export function splitOutputs(type: CloudComponentType, stackOutputs: StackOutputs): ApplyResult {
  const outputs: Record<string, string> = {};
  const secretOutputs: Record<string, string> = {};
  const externalIds: Record<string, string> = {};
  for (const [key, { value, secret }] of Object.entries(stackOutputs)) {
    if (key === EXTERNAL_IDS_OUTPUT) {
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>))
        if (v !== undefined && v !== null) externalIds[k] = String(v);
      continue;
    }
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (secret || isSensitiveConnectionKey(type, key)) secretOutputs[key] = text;
    else outputs[key] = text;
  }
  return { externalIds, outputs, secretOutputs };
}

/** 24 characters with upper, lower, digits and symbols RDS accepts. */
export function generatePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#%^*_+-='];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  while (chars.length < 24) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
