import {
  canonicalJson,
  ProviderError,
  ProviderErrorCode,
  resourceIdempotencyKey,
  type CloudComponentType,
  type PlannedStep,
  type ProviderProfile,
  type ResourceProvider,
  type ResourceRequest,
  type RevokeHandle,
  type StepContext,
  type StepResult,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { OperationEntity, type ManagedResourceEntity, type ManagedResourceRepository } from '@berth/persistence';
import type { DataSource } from 'typeorm';
import type { ProviderRegistry } from '../adapters/provider.registry';
import type { RuntimeRegistry } from '../adapters/runtime.registry';
import { inputsAad, secretAad, type OperationContext } from '../lifecycle/lifecycle-steps';
import type { SecretKeyring } from '../lifecycle/secret-keyring';

/**
 * The `rotate` and `revoke` steps of a rotation operation (the `deliver` steps between them are the ordinary ones).
 *
 * `rotate` asks the provider for new credentials (the old ones stay valid), seals the new connection values as the
 * next secret version, and holds the new password as the component's secret input (a later apply re-applies the
 * resource with it instead of resetting the old one). Its result carries the provider's revoke handle (non-secret:
 * a login name, an access key id), stored with the step, so a resumed operation still knows what to revoke.
 *
 * `revoke` runs after every bound workload was delivered; it checks with the runtime that each of them is rolled out
 * (retryable Transient error otherwise) and only then asks the provider to revoke the old credentials.
 */
export class RotationSteps {
  /** What the provider issued for a rotate step that has not finished yet, by operation and component. */
  private readonly issued = new Map<string, Awaited<ReturnType<NonNullable<ResourceProvider['rotate']>>>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly resources: ManagedResourceRepository,
    private readonly providers: ProviderRegistry,
    private readonly runtimes: RuntimeRegistry,
    private readonly keyring: SecretKeyring,
  ) {}

  private key(ctx: OperationContext, component: string) {
    return {
      environmentName: ctx.operation.environmentName,
      applicationName: ctx.operation.applicationName,
      component,
    };
  }

  private async recorded(ctx: OperationContext, step: PlannedStep): Promise<ManagedResourceEntity> {
    const row = await this.resources.find(this.key(ctx, step.component!));
    if (!row || row.category !== 'cloud' || row.retained) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `${step.component} has no managed cloud resource to rotate`,
      );
    }
    return row;
  }

  private profileOf(ctx: OperationContext, row: ManagedResourceEntity): ProviderProfile {
    const named = row.profileName ? ctx.environment.profiles?.[row.profileName] : undefined;
    const profile = named ?? ctx.environment.provider;
    return row.profileKind && profile.kind !== row.profileKind
      ? { kind: row.profileKind, settings: profile.settings }
      : profile;
  }

  private heldInputs(ctx: OperationContext, row: ManagedResourceEntity): Record<string, string> {
    if (!row.sealedInputs) return {};
    const aad = inputsAad(ctx.operation.environmentName, ctx.operation.applicationName, row.component);
    return this.keyring.openText(row.sealedInputs, aad) as Record<string, string>;
  }

  private request(
    ctx: OperationContext,
    row: ManagedResourceEntity,
    profile: ProviderProfile,
    context: StepContext,
  ): ResourceRequest {
    const { environmentName: environment, applicationName: application } = ctx.operation;
    return {
      environment,
      application,
      component: row.component,
      type: row.type as CloudComponentType,
      profile,
      properties: row.properties,
      secretProperties: this.heldInputs(ctx, row),
      dependencies: {},
      externalIds: row.externalIds,
      idempotencyKey: resourceIdempotencyKey(environment, application, row.component),
      signal: context.signal,
    };
  }

  async rotate(ctx: OperationContext, step: PlannedStep, context: StepContext): Promise<StepResult> {
    const row = await this.recorded(ctx, step);
    const profile = this.profileOf(ctx, row);
    const provider = this.providers.get(profile.kind);
    if (!provider.rotate) {
      throw new ProviderError(
        ProviderErrorCode.InvalidRequest,
        `the ${profile.kind} provider cannot rotate credentials`,
      );
    }
    const request = this.request(ctx, row, profile, context);
    context.scrubber.addAll(Object.values(request.secretProperties));
    // A later attempt of the same step (a database write below failed) reuses what the provider already issued
    // instead of rotating a second time, which would leave the first old credentials without a revoke handle.
    const issuedKey = `${ctx.operation.id}/${row.component}`;
    const result = this.issued.get(issuedKey) ?? (await provider.rotate(request, context.log));
    this.issued.set(issuedKey, result);
    context.scrubber.addAll(Object.values(result.secretOutputs).filter((v) => typeof v === 'string' && v.length > 0));

    const data = { ...result.outputs, ...result.secretOutputs };
    const latest = await this.resources.latestSecret(row.id);
    const name = latest?.name ?? row.secretName ?? `${ctx.operation.applicationName}-${row.component}-conn`;
    // Published already by an earlier attempt of this step (a later write failed): not a new version again.
    const published =
      latest && canonicalJson(this.keyring.open(latest, secretAad(row.id, latest.version))) === canonicalJson(data);
    const version = published ? latest.version : (latest?.version ?? 0) + 1;
    if (!published) {
      const sealed = this.keyring.seal(data, secretAad(row.id, version));
      await this.resources.insertSecret({
        resourceId: row.id,
        version,
        name,
        keyId: sealed.keyId,
        iv: sealed.iv,
        tag: sealed.tag,
        ciphertext: sealed.ciphertext,
        keys: Object.keys(data)
          .sort()
          .map((key) => ({ name: key, sensitive: key in result.secretOutputs })),
      });
    }

    // Which connection key of the rotated secret becomes the held secret input, so the next apply keeps it.
    const held = BUILTIN_TYPES.require(row.type).rotation?.holds;
    const inputs = { ...request.secretProperties };
    if (held && result.secretOutputs[held.key]) inputs[held.input] = result.secretOutputs[held.key]!;
    await this.resources.update(this.key(ctx, row.component), {
      externalIds: result.externalIds,
      outputs: result.outputs,
      ...(Object.keys(inputs).length > 0
        ? {
            sealedInputs: this.keyring.sealToText(
              inputs,
              inputsAad(ctx.operation.environmentName, ctx.operation.applicationName, row.component),
            ),
          }
        : {}),
    });
    context.log.log(
      'info',
      `new credentials issued; connection secret ${name} is now version ${version}; the previous ones stay valid until revoked`,
      {
        version,
      },
    );
    this.issued.delete(issuedKey);
    return { secretVersion: version, revoke: result.revoke };
  }

  async revoke(ctx: OperationContext, step: PlannedStep, context: StepContext): Promise<StepResult> {
    const stored = await this.dataSource.getRepository(OperationEntity).findOneBy({ id: ctx.operation.id });
    const records = stored?.steps ?? [];
    const handle = records.find((r) => r.id === `rotate:${step.component}`)?.result?.revoke as RevokeHandle | undefined;
    if (!handle || Object.keys(handle).length === 0) {
      context.log.log('info', 'the provider issued nothing to revoke');
      return { revoked: false };
    }
    const workloads = records.filter((r) => r.action === 'deliver' && r.component).map((r) => r.component!);
    if (workloads.length > 0) {
      const statuses = await this.runtimes.get(ctx.environment.runtime.kind).status({
        environment: ctx.operation.environmentName,
        application: ctx.operation.applicationName,
        runtime: ctx.environment.runtime,
        components: workloads,
        signal: context.signal,
      });
      const waiting = workloads
        .map((w) => statuses.find((s) => s.component === w) ?? { component: w, ready: false, message: 'no status' })
        .filter((s) => !s.ready);
      if (waiting.length > 0) {
        throw new ProviderError(
          ProviderErrorCode.Transient,
          `not revoking yet: ${waiting.map((s) => `${s.component} is not rolled out (${s.message})`).join('; ')}`,
        );
      }
      context.log.log(
        'info',
        `every bound workload is rolled out (${workloads.join(', ')}); revoking the previous credentials`,
      );
    }
    const row = await this.recorded(ctx, step);
    const profile = this.profileOf(ctx, row);
    const provider = this.providers.get(profile.kind);
    await provider.revoke?.(this.request(ctx, row, profile, context), handle, context.log);
    return { revoked: true, handle };
  }
}
