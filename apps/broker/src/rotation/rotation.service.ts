import { Inject, Injectable } from '@nestjs/common';
import { BUILTIN_TYPES } from '@berth/types';
import { readReadOnly } from '@berth/core';
import {
  ApplicationRepository,
  ManagedResourceRepository,
  OperationRepository,
  type OperationEntity,
} from '@berth/persistence';
import { DataSource } from 'typeorm';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { SecretStore } from '../secrets/secret-store';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { requestActor } from '../access/request-actor';

/** Queues credential rotations (`POST …/components/{c}:rotate`) after checking they can run now. */
@Injectable()
export class RotationService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(ApplicationRepository) private readonly applications: ApplicationRepository,
    @Inject(ManagedResourceRepository) private readonly resources: ManagedResourceRepository,
    @Inject(OperationRepository) private readonly operations: OperationRepository,
    @Inject(SecretStore) private readonly secretStore: SecretStore,
  ) {}

  async rotate(environment: string, name: string, component: string): Promise<OperationEntity> {
    const application = await this.lifecycle.requireApplication(environment, name);
    const revision = application.currentRevisionId
      ? await this.applications.findRevision(application.currentRevisionId)
      : null;
    const components = ((revision?.document.spec as { components?: unknown } | undefined)?.components ?? []) as Array<{
      name?: unknown;
      type?: unknown;
    }>;
    const spec = Array.isArray(components) ? components.find((c) => c?.name === component) : undefined;
    if (!spec)
      throw BrokerError.notFound(`component ${JSON.stringify(component.slice(0, 100))} of application ${name}`);
    const rawType = String(spec.type);
    const resolved = BUILTIN_TYPES.resolve(rawType);
    const rotation = resolved?.descriptor.rotation;
    if (!resolved || !rotation) {
      const rotatable = BUILTIN_TYPES.rotatable();
      const listed = `${rotatable.slice(0, -1).join(', ')} and ${rotatable[rotatable.length - 1]}`;
      throw new BrokerError(
        BrokerErrorCode.Invalid,
        `component ${component} is a ${rawType}: only ${listed} have credentials to rotate`,
        [
          {
            path: '/path/component',
            message: `type ${rawType} has no credentials to rotate (${rotatable.join(', ')})`,
          },
        ],
      );
    }
    const secrets = this.secretStore.revisionSecrets(environment, name, revision);
    const type = resolved.descriptor.name;
    const held = rotation.holds?.input;
    if (held !== undefined && secrets[component]?.[held] !== undefined) {
      throw new BrokerError(
        BrokerErrorCode.Invalid,
        `component ${component} has its ${held} in the application: change it there (a rotation would be undone by the next apply)`,
        [{ path: '/path/component', message: `the ${held} is given in the application` }],
      );
    }
    if (application.deletionRequestedAt) {
      throw new BrokerError(BrokerErrorCode.Conflict, `application ${name} is being deleted`);
    }
    if (await this.operations.hasActive(environment, name)) {
      const latest = await this.operations.latestForApplication(environment, name);
      throw new BrokerError(
        BrokerErrorCode.Conflict,
        `another operation of application ${name} is ${latest?.state ?? 'active'}${latest ? ` (${latest.kind} ${latest.id})` : ''}: rotate when it has ended`,
      );
    }
    const row = await this.resources.find({ environmentName: environment, applicationName: name, component });
    if (!row || row.phase !== 'Ready' || row.retained || row.type !== type) {
      throw new BrokerError(
        BrokerErrorCode.Conflict,
        `component ${component} is ${row ? (row.retained ? 'retained' : row.phase) : 'not provisioned yet'}: only a Ready ${type} can be rotated`,
      );
    }
    // Credentials bound in several deliveries (shared-resource) or owned by whoever made the resource (read-only)
    // are not rotated from one of them.
    const annotations = (revision?.document.metadata as { annotations?: Record<string, string> } | undefined)
      ?.annotations;
    const policy = row.sharedOwner ? 'shared-resource' : readReadOnly(annotations).has(component) ? 'read-only' : null;
    if (policy) {
      throw new BrokerError(
        BrokerErrorCode.Invalid,
        `component ${component} is under a ${policy} policy: Berth does not rotate its credentials`,
        [{ path: '/path/component', message: `a ${policy} component's credentials are not rotated` }],
      );
    }
    const operation = await this.dataSource.transaction((manager) =>
      this.operations.enqueue(manager, {
        kind: 'rotate',
        applicationId: application.id,
        environmentName: environment,
        applicationName: name,
        generation: application.generation,
        revisionId: application.currentRevisionId,
        options: { component },
        actor: requestActor(),
      }),
    );
    this.lifecycle.queued();
    return operation;
  }
}
