import {
  availableSecret,
  canonicalJson,
  componentPropertiesHash,
  generatePassword,
  isCloudComponent,
  PlanGraph,
  ProviderError,
  ProviderErrorCode,
  requireReadyBindings,
  resolveBindings,
  resolveSecretInputs,
  resourceIdempotencyKey,
  withoutSecretInputs,
  type ApplicationSpec,
  type CloudComponentSpec,
  type CloudComponentType,
  type ConnectionSecretMaterial,
  type DependencyOutputs,
  type DriftReport,
  type PlannedStep,
  type ProviderProfile,
  type ResourceRequest,
  type StepContext,
  type StepHandler,
  type StepResult,
  type WorkloadComponentSpec,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import {
  ApplicationEntity,
  DeletedApplicationEntity,
  insertable,
  type ConnectionSecretEntity,
  type EnvironmentEntity,
  type ManagedResourceEntity,
  type ManagedResourceRepository,
  type OperationEntity,
  type WorkloadDeliveryRepository,
} from '@berth/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ProviderRegistry } from '../adapters/provider.registry';
import type { RuntimeRegistry } from '../adapters/runtime.registry';
import { RotationSteps } from '../rotation/rotation-steps';
import { condition } from './db-operation.journal';
import type { SecretKeyring } from './secret-keyring';

/** What one operation's steps work with. */
export interface OperationContext {
  operation: OperationEntity;
  environment: EnvironmentEntity;
  /** Desired application (apply, refresh), or the current one (delete; absent when already removed). */
  application?: ApplicationSpec;
  /** Secret-valued properties from the revision, by component (e.g. a literal rds password). */
  secretInputs: Record<string, Record<string, string>>;
  /** Refresh: what differs, by component. */
  drift: Record<string, DriftReport['differences'] & unknown[]>;
  /** Refresh: components whose outputs moved and whose secret was re-issued. */
  reissued: string[];
}

export function inputsAad(environment: string, application: string, component: string): string {
  return `inputs:${environment}/${application}/${component}`;
}

export function secretAad(resourceId: string, version: number): string {
  return `secret:${resourceId}:${version}`;
}

/**
 * After a provider or runtime call returns: if the attempt was aborted meanwhile (timed out, or the worker lost its
 * lease and another one resumed the operation), record nothing of it; the attempt that owns the step does.
 */
function stillOurs(context: StepContext): void {
  context.signal.throwIfAborted();
}

/**
 * The work of each step action, over the ports (providers, runtimes) and the database. Every handler is idempotent:
 * deterministic idempotency keys and names, "already gone" is success, a secret version is added only when values change.
 */
export class LifecycleSteps {
  /** The `rotate` / `revoke` steps of a credential rotation. */
  private readonly rotation: RotationSteps;

  constructor(
    private readonly dataSource: DataSource,
    private readonly resources: ManagedResourceRepository,
    private readonly deliveries: WorkloadDeliveryRepository,
    private readonly providers: ProviderRegistry,
    private readonly runtimes: RuntimeRegistry,
    private readonly keyring: SecretKeyring,
  ) {
    this.rotation = new RotationSteps(dataSource, resources, providers, runtimes, keyring);
  }

  handler(ctx: OperationContext): StepHandler {
    return async (step, context) => {
      switch (step.action) {
        case 'provision':
          return this.provision(ctx, this.cloudSpec(ctx, step), context);
        case 'deliver':
          return this.deliver(ctx, step, context);
        case 'destroy':
          return this.destroy(ctx, step, context);
        case 'retain':
          return this.retain(ctx, step);
        case 'remove-workload':
          return this.removeWorkloads(ctx, context, [step.component!]);
        case 'remove-workloads':
          return this.removeWorkloads(ctx, context);
        case 'remove-secrets':
          await this.runtimes.get(ctx.environment.runtime.kind).remove(
            {
              ...this.target(ctx),
              runtime: ctx.environment.runtime,
              components: [],
              includeSecrets: true,
              signal: context.signal,
            },
            context.log,
          );
          return;
        case 'finalize':
          return this.finalize(ctx);
        case 'refresh':
          return this.refresh(ctx, step, context);
        case 'rotate':
          return this.rotation.rotate(ctx, step, context);
        case 'revoke':
          return this.rotation.revoke(ctx, step, context);
      }
    };
  }

  private target(ctx: OperationContext) {
    return { environment: ctx.operation.environmentName, application: ctx.operation.applicationName };
  }

  private key(ctx: OperationContext, component: string) {
    return {
      environmentName: ctx.operation.environmentName,
      applicationName: ctx.operation.applicationName,
      component,
    };
  }

  private cloudSpec(ctx: OperationContext, step: PlannedStep): CloudComponentSpec {
    const spec = ctx.application?.components.find((c) => c.name === step.component);
    if (!spec || !isCloudComponent(spec))
      throw new Error(`${step.id}: component ${step.component} is not in the application`);
    return spec;
  }

  /** The profile a recorded resource was made with (its named profile if still there, else the environment's). */
  private recordedProfile(ctx: OperationContext, row: ManagedResourceEntity): ProviderProfile {
    const named = row.profileName ? ctx.environment.profiles?.[row.profileName] : undefined;
    const profile = named ?? ctx.environment.provider;
    return row.profileKind && profile.kind !== row.profileKind
      ? { kind: row.profileKind, settings: profile.settings }
      : profile;
  }

  private openInputs(ctx: OperationContext, row: ManagedResourceEntity | null): Record<string, string> {
    if (!row?.sealedInputs) return {};
    return this.keyring.openText(
      row.sealedInputs,
      inputsAad(ctx.operation.environmentName, ctx.operation.applicationName, row.component),
    ) as Record<string, string>;
  }

  openSecret(row: ConnectionSecretEntity): Record<string, string> {
    return this.keyring.open(row, secretAad(row.resourceId, row.version)) as Record<string, string>;
  }

  private dependencyNames(ctx: OperationContext, component: string): string[] {
    if (!ctx.application) return [];
    return PlanGraph.fromApplication(ctx.application).dependenciesOf(component).sort();
  }

  async provision(ctx: OperationContext, spec: CloudComponentSpec, context: StepContext): Promise<StepResult> {
    const { environment, application } = this.target(ctx);
    const key = this.key(ctx, spec.name);
    const existing = await this.resources.find(key);
    const { profileName, profile, provider } = this.providers.resolve(ctx.environment, spec);

    // Secret inputs: given in the spec (sealed with the revision), else the one held from before, else generated once.
    const held = this.openInputs(ctx, existing);
    // Secret inputs only travel as secretProperties (never in properties, status or events).
    const descriptor = BUILTIN_TYPES.require(spec.type);
    const secretProperties = resolveSecretInputs(descriptor, ctx.secretInputs[spec.name], held, generatePassword);
    context.scrubber.addAll(Object.values(secretProperties));
    const properties = withoutSecretInputs(descriptor, spec.properties);

    const dependencyNames = this.dependencyNames(ctx, spec.name);
    const dependencies: Record<string, DependencyOutputs> = {};
    for (const name of dependencyNames) {
      const row = await this.resources.find(this.key(ctx, name));
      if (row && row.category === 'cloud') {
        dependencies[name] = {
          type: row.type as CloudComponentType,
          externalIds: row.externalIds,
          outputs: row.outputs,
        };
      }
    }

    const row = await this.resources.upsert(key, {
      type: spec.type,
      category: 'cloud',
      profileKind: profile.kind,
      profileName,
      deletionPolicy: spec.deletionPolicy,
      secretName: spec.connectionSecretName,
      ...(Object.keys(secretProperties).length > 0
        ? { sealedInputs: this.keyring.sealToText(secretProperties, inputsAad(environment, application, spec.name)) }
        : {}),
    });
    const request: ResourceRequest = {
      environment,
      application,
      component: spec.name,
      type: spec.type,
      profile,
      properties,
      secretProperties,
      dependencies,
      externalIds: existing?.externalIds ?? {},
      idempotencyKey: resourceIdempotencyKey(environment, application, spec.name),
      signal: context.signal,
    };
    const result = await provider.apply(request, context.log);
    stillOurs(context);
    context.scrubber.addAll(Object.values(result.secretOutputs).filter((v) => typeof v === 'string' && v.length > 0));

    // A new secret version only when something a workload would see changed.
    const data = { ...result.outputs, ...result.secretOutputs };
    const latest = await this.resources.latestSecret(row.id);
    let version = latest?.version ?? 0;
    const same =
      latest &&
      latest.name === spec.connectionSecretName &&
      canonicalJson(this.openSecret(latest)) === canonicalJson(data);
    if (!same) {
      version += 1;
      const sealed = this.keyring.seal(data, secretAad(row.id, version));
      await this.resources.insertSecret({
        resourceId: row.id,
        version,
        name: spec.connectionSecretName,
        keyId: sealed.keyId,
        iv: sealed.iv,
        tag: sealed.tag,
        ciphertext: sealed.ciphertext,
        keys: Object.keys(data)
          .sort()
          .map((name) => ({ name, sensitive: name in result.secretOutputs })),
      });
      context.log.log('info', `connection secret ${spec.connectionSecretName} is now version ${version}`, { version });
    }
    await this.resources.update(key, {
      externalIds: result.externalIds,
      outputs: result.outputs,
      properties,
      retained: false,
      propertiesHash: componentPropertiesHash(spec),
      dependsOn: dependencyNames,
      stackName: result.externalIds.stack ?? null,
      lastError: null,
    });
    return { externalIds: result.externalIds, secretVersion: version };
  }

  /** Every connection secret of the application (non-retained cloud resources), opened. */
  async secretMaterials(ctx: OperationContext): Promise<ConnectionSecretMaterial[]> {
    const rows = await this.resources.list(ctx.operation.environmentName, ctx.operation.applicationName);
    const materials: ConnectionSecretMaterial[] = [];
    for (const row of rows) {
      if (row.category !== 'cloud' || row.retained || row.phase === 'Deleted') continue;
      const latest = await this.resources.latestSecret(row.id);
      if (!latest) continue;
      materials.push({
        name: latest.name,
        component: row.component,
        version: latest.version,
        data: this.openSecret(latest),
        sensitiveKeys: latest.keys.filter((k) => k.sensitive).map((k) => k.name),
      });
    }
    return materials;
  }

  private async deliver(ctx: OperationContext, step: PlannedStep, context: StepContext): Promise<StepResult> {
    const spec = ctx.application?.components.find((c) => c.name === step.component);
    if (!spec || isCloudComponent(spec))
      throw new Error(`${step.id}: workload ${step.component} is not in the application`);
    const materials = await this.secretMaterials(ctx);
    const resolution = requireReadyBindings(
      spec.name,
      resolveBindings(spec as WorkloadComponentSpec, ctx.application!, materials.map(availableSecret)),
    );
    const bound = materials.filter((m) => resolution.secretNames.includes(m.name));
    for (const material of bound)
      context.scrubber.addAll(material.sensitiveKeys.map((k) => material.data[k]).filter((v): v is string => !!v));
    const statuses = await this.runtimes.get(ctx.environment.runtime.kind).deliver(
      {
        ...this.target(ctx),
        runtime: ctx.environment.runtime,
        workloads: [
          {
            component: spec as WorkloadComponentSpec,
            env: resolution.env,
            bindingsChecksum: resolution.bindingsChecksum,
          },
        ],
        secrets: bound,
        signal: context.signal,
        prune: false,
      },
      context.log,
    );
    // A workload that did not roll out (timed out, crash-looping, image missing) is not delivered: the step retries
    // (the runtime re-applies idempotently and waits again) and then fails with the runtime's reason in status.
    stillOurs(context);
    const notReady = statuses.filter((status) => !status.ready);
    if (notReady.length > 0) {
      throw new ProviderError(
        ProviderErrorCode.Timeout,
        notReady.map((status) => `${status.component} did not become ready: ${status.message}`).join('; '),
      );
    }
    await this.resources.upsert(this.key(ctx, spec.name), {
      type: spec.type,
      category: 'workload',
      dependsOn: this.dependencyNames(ctx, spec.name),
      lastError: null,
    });
    const notApplied = statuses.flatMap((status) => status.notApplied ?? []);
    return {
      bindingsChecksum: resolution.bindingsChecksum,
      secrets: bound.map((m) => `${m.name}@${m.version}`),
      // What this runtime does not carry out; the journal lists it in the component's conditions.
      ...(notApplied.length > 0 ? { notApplied, runtime: ctx.environment.runtime.kind } : {}),
    };
  }

  private async destroy(ctx: OperationContext, step: PlannedStep, context: StepContext): Promise<StepResult | void> {
    const { environment, application } = this.target(ctx);
    const row = await this.resources.find(this.key(ctx, step.component!));
    if (!row) {
      context.log.log('info', `${step.component} has no recorded resource: nothing to destroy`);
      return;
    }
    const profile = this.recordedProfile(ctx, row);
    const provider = this.providers.get(profile.kind);
    await provider.destroy(
      {
        environment,
        application,
        component: row.component,
        type: row.type as CloudComponentType,
        profile,
        properties: row.properties,
        secretProperties: this.openInputs(ctx, row),
        dependencies: {},
        externalIds: row.externalIds,
        idempotencyKey: resourceIdempotencyKey(environment, application, row.component),
        signal: context.signal,
      },
      context.log,
    );
    stillOurs(context);
    await this.resources.remove(row);
    return { externalIds: row.externalIds };
  }

  private async retain(ctx: OperationContext, step: PlannedStep): Promise<StepResult> {
    await this.resources.update(this.key(ctx, step.component!), {
      retained: true,
      phase: 'Retained',
      conditions: [
        condition(
          'Retained',
          'True',
          ctx.operation.options.orphan ? 'Orphaned' : 'DeletionPolicyRetain',
          'kept; a later apply of this component adopts it',
        ),
      ],
    });
    return { retained: true };
  }

  private async removeWorkloads(ctx: OperationContext, context: StepContext, components?: string[]): Promise<void> {
    await this.runtimes.get(ctx.environment.runtime.kind).remove(
      {
        ...this.target(ctx),
        runtime: ctx.environment.runtime,
        ...(components ? { components } : {}),
        includeSecrets: false,
        signal: context.signal,
      },
      context.log,
    );
    stillOurs(context);
    const rows = await this.resources.list(ctx.operation.environmentName, ctx.operation.applicationName);
    for (const row of rows) {
      if (row.category === 'workload' && (!components || components.includes(row.component)))
        await this.resources.remove(row);
    }
  }

  private async finalize(ctx: OperationContext): Promise<StepResult> {
    const { environment, application } = this.target(ctx);
    const now = new Date();
    const retained = await this.dataSource.transaction(async (manager) => {
      const kept = await this.resources.removeApplicationRows(manager, environment, application);
      const row = await manager
        .getRepository(ApplicationEntity)
        .findOneBy({ environmentName: environment, name: application });
      if (row) {
        await manager.getRepository(DeletedApplicationEntity).insert(
          insertable({
            id: randomUUID(),
            environmentName: environment,
            name: application,
            lastGeneration: row.generation,
            operationId: ctx.operation.id,
            retained: kept,
            createdAt: row.createdAt,
            deletedAt: now,
          }),
        );
        await manager.getRepository(ApplicationEntity).delete({ id: row.id });
      }
      return kept;
    });
    await this.deliveries.remove(environment, application);
    return { retained };
  }

  private async refresh(ctx: OperationContext, step: PlannedStep, context: StepContext): Promise<StepResult> {
    const { environment, application } = this.target(ctx);
    const row = await this.resources.find(this.key(ctx, step.component!));
    if (!row || row.category !== 'cloud') return { drifted: false };
    const profile = this.recordedProfile(ctx, row);
    const report = await this.providers.get(profile.kind).refresh({
      environment,
      application,
      component: row.component,
      type: row.type as CloudComponentType,
      profile,
      properties: row.properties,
      secretProperties: this.openInputs(ctx, row),
      dependencies: {},
      externalIds: row.externalIds,
      idempotencyKey: resourceIdempotencyKey(environment, application, row.component),
      signal: context.signal,
    });
    if (!report.drifted) {
      await this.resources.update(this.key(ctx, row.component), {
        conditions: [
          condition('Ready', 'True', 'Ready', 'in sync with the provider'),
          condition('Drifted', 'False', 'InSync', 'no drift'),
        ],
      });
      return { drifted: false };
    }
    const connectionKeys = new Set([
      ...BUILTIN_TYPES.connectionKeys(row.type).map((k) => k.name),
      ...Object.keys(row.outputs),
    ]);
    const outputsOnly =
      report.exists && report.differences.length > 0 && report.differences.every((d) => connectionKeys.has(d.field));
    const spec = ctx.application?.components.find((c) => c.name === row.component);
    const what = report.differences.map((d) => d.field).join(', ');
    if (outputsOnly && spec && isCloudComponent(spec)) {
      context.log.log(
        'warn',
        `${row.component}: connection values changed outside Berth (${what}); re-issuing its secret`,
        { fields: report.differences.map((d) => d.field) },
      );
      await this.provision(ctx, spec, context);
      ctx.reissued.push(row.component);
      return { drifted: true, reissued: true, fields: report.differences.map((d) => d.field) };
    }
    ctx.drift[row.component] = report.differences;
    const message = report.exists ? `differs from what was applied: ${what}` : 'the resource no longer exists';
    context.log.log('warn', `${row.component} drifted: ${message}`, { fields: report.differences.map((d) => d.field) });
    await this.resources.update(this.key(ctx, row.component), {
      conditions: [condition('Drifted', 'True', report.exists ? 'Drifted' : 'Missing', message)],
    });
    return { drifted: true, fields: report.differences.map((d) => d.field) };
  }
}
