import { Inject, Injectable } from '@nestjs/common';
import {
  jsonPointer,
  type ApplicationPhase,
  type JsonObject,
  type ProviderProfile,
  type ValidationProblem,
} from '@berth/core';
import { BUILTIN_TYPES } from '@berth/types';
import { OamError, OamErrorCode, validateApplication } from '@berth/oam';
import {
  type ApplicationEntity,
  ApplicationRepository,
  type ApplicationRevisionEntity,
  PersistenceError,
  PersistenceErrorCode,
  type OperationEntity,
} from '@berth/persistence';
import { ProviderRegistry } from '../adapters/provider.registry';
import { RuntimeRegistry } from '../adapters/runtime.registry';
import { LOCAL_EXISTING_SECRET_REFUSAL, LOCAL_RUNTIME_KIND } from '../adapters/local-workload.runtime';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { storedRevisionContent } from '../secrets/revision-secrets';
import { SecretKeyring } from '../secrets/secret-keyring';
import { EnvironmentsService } from '../environments/environments.service';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { forbiddenKeyProblems } from '../validation/forbidden-keys';

export interface ApplyRequest {
  environment: string;
  name: string;
  /** The parsed body. */
  document: unknown;
  originalText: string;
  contentType: string;
  /** Raw `If-Match` / `If-None-Match` headers. */
  ifMatch?: string;
  ifNoneMatch?: string;
  dryRun: boolean;
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged' | 'dry-run';

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** The normalized document (not redacted: callers redact before showing it). */
  document: JsonObject;
  /** What was accepted but ignored or given a different default than KubeVela's (`{path, message}`). */
  warnings: ValidationProblem[];
  /** Absent on a dry run. */
  application?: ApplicationEntity;
  revision?: ApplicationRevisionEntity;
  /** The apply queued for the new revision (created / updated). */
  operation?: OperationEntity;
}

export interface ListRequest {
  phase?: ApplicationPhase;
  limit: number;
  offset: number;
  after?: string;
}

/** `"3"`, `W/"3"`, `3`, `*`, comma-separated lists → the generations listed (or '*'). */
export function parseEntityTags(header: string): '*' | number[] {
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .filter((tag) => /^\d{1,9}$/.test(tag))
    .map(Number);
}

export function entityTag(generation: number): string {
  return `"${generation}"`;
}

const MAX_WRITE_ATTEMPTS = 3;

@Injectable()
export class ApplicationsService {
  constructor(
    @Inject(ApplicationRepository) private readonly applications: ApplicationRepository,
    @Inject(EnvironmentsService) private readonly environments: EnvironmentsService,
    @Inject(ProviderRegistry) private readonly providers: ProviderRegistry,
    @Inject(RuntimeRegistry) private readonly runtimes: RuntimeRegistry,
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(SecretKeyring) private readonly keyring: SecretKeyring,
  ) {}

  /** Validates and normalizes a submitted Application; throws OamError(Invalid) with every problem. */
  async validate(
    request: Pick<ApplyRequest, 'environment' | 'name' | 'document'>,
    options: { checkAvailability?: boolean } = {},
  ): Promise<{ document: JsonObject; warnings: ValidationProblem[] }> {
    const environment = await this.environments.require(request.environment);
    // A cloud component whose profile's adapter cannot work here (e.g. alicloud without the pulumi CLI) is refused now,
    // with what is missing, rather than queued as an operation that could never succeed. A plan skips this check: it
    // reports availability per component instead.
    const unavailable =
      options.checkAvailability === false
        ? new Map<ProviderProfile, string>()
        : await this.unavailableProfiles(environment);
    const forbidden = forbiddenKeyProblems(request.document);
    if (forbidden.length) throw new OamError(OamErrorCode.Invalid, describe(forbidden), forbidden);

    const problems: ValidationProblem[] = [];
    const metadata = (request.document as { metadata?: unknown } | null)?.metadata;
    const declaredName = metadata && typeof metadata === 'object' ? (metadata as { name?: unknown }).name : undefined;
    if (typeof declaredName === 'string' && declaredName !== request.name) {
      problems.push({
        path: jsonPointer('metadata', 'name'),
        message: `must equal the application name in the URL (${JSON.stringify(request.name.slice(0, 100))})`,
      });
    }
    // The kubernetes runtime applies into the environment's namespace: a document naming another one is refused
    // rather than applied somewhere it did not ask for.
    const declaredNamespace =
      metadata && typeof metadata === 'object' ? (metadata as { namespace?: unknown }).namespace : undefined;
    const runtimeNamespace = environment.runtime
      ? this.runtimes.find(environment.runtime.kind)?.namespaceOf?.(environment.runtime)
      : undefined;
    if (
      typeof declaredNamespace === 'string' &&
      typeof runtimeNamespace === 'string' &&
      declaredNamespace !== runtimeNamespace
    ) {
      problems.push({
        path: jsonPointer('metadata', 'namespace'),
        message: `environment ${request.environment} places its objects in namespace ${runtimeNamespace}; give that namespace or leave metadata.namespace out`,
      });
    }
    const profileOf = (properties: JsonObject) => {
      const ref = (properties.providerRef as { name?: unknown } | undefined)?.name;
      const profile =
        typeof ref === 'string' ? environment.profiles?.[ref] : ref === undefined ? environment.provider : undefined;
      return { ref, profile };
    };
    const result = validateApplication(request.document, {
      profileNames: Object.keys(environment.profiles ?? {}),
      // A Secret the application does not create: the kubernetes runtime binds it as it is (a secretKeyRef), the
      // local runtime has no Secrets to read it from.
      ...(typeof runtimeNamespace === 'string' ? { workloadNamespace: runtimeNamespace } : {}),
      existingSecrets:
        environment.runtime?.kind === 'kubernetes'
          ? 'bind'
          : environment.runtime?.kind === LOCAL_RUNTIME_KIND
            ? { refused: LOCAL_EXISTING_SECRET_REFUSAL }
            : undefined,
      // A type the adapter of the component's profile has no handler for is refused by name, as the user wrote it.
      typeSupport: (component) => {
        const { ref, profile } = profileOf(component.properties);
        const provider = profile && this.providers.find(profile.kind);
        if (!profile || !provider?.types || provider.types.includes(component.type)) return undefined;
        const which = typeof ref === 'string' ? ` (profile "${ref}")` : '';
        return `the ${profile.kind} provider${which} cannot provision ${component.writtenType}; it provisions ${provider.types.join(', ')}`;
      },
      // Each cloud component is checked by the adapter of the profile it resolves to (its providerRef, else the
      // environment's), e.g. the local provider refuses an rds mysql without BERTH_LOCAL_MYSQL_URL.
      componentChecks: [
        (component) => {
          const ref = (component.properties.providerRef as { name?: unknown } | undefined)?.name;
          const profile =
            typeof ref === 'string'
              ? environment.profiles?.[ref]
              : ref === undefined
                ? environment.provider
                : undefined;
          if (!profile) return []; // an unknown providerRef is reported by the reference checks
          const reason = unavailable.get(profile);
          if (reason !== undefined && BUILTIN_TYPES.isCloud(component.type)) {
            return [
              typeof ref === 'string'
                ? {
                    path: '/providerRef/name',
                    message: `provider profile "${ref}" (kind ${profile.kind}) cannot work in this service: ${reason}`,
                  }
                : {
                    path: '',
                    message: `the environment's provider profile (kind ${profile.kind}) cannot work in this service: ${reason}`,
                  },
            ];
          }
          const provider = this.providers.find(profile.kind);
          if (!provider?.validateComponent || !BUILTIN_TYPES.isCloud(component.type)) return [];
          return provider.validateComponent(component.type, component.properties, profile);
        },
      ],
    });
    if (!result.ok) problems.push(...result.problems);
    if (problems.length || !result.ok) throw new OamError(OamErrorCode.Invalid, describe(problems), problems);
    return { document: result.document, warnings: result.warnings };
  }

  /** The environment's profiles (default and named) whose adapter answers unavailable, with the reason. */
  private async unavailableProfiles(environment: {
    provider: ProviderProfile;
    profiles?: Record<string, ProviderProfile> | null;
  }): Promise<Map<ProviderProfile, string>> {
    const result = new Map<ProviderProfile, string>();
    const profiles = [environment.provider, ...Object.values(environment.profiles ?? {})];
    await Promise.all(
      profiles.map(async (profile) => {
        const provider = this.providers.find(profile.kind);
        if (!provider) return;
        try {
          const availability = await provider.availability(profile);
          if (!availability.available) result.set(profile, availability.reason ?? `${profile.kind} is unavailable`);
        } catch (error) {
          result.set(profile, error instanceof Error ? error.message : String(error));
        }
      }),
    );
    return result;
  }

  /** Stores a new revision unless the content is identical (no-op) or this is a dry run. */
  async apply(request: ApplyRequest): Promise<ApplyResult> {
    const { document, warnings } = await this.validate(request);
    if (request.dryRun) return { outcome: 'dry-run', document, warnings };
    // Stored redacted: a literal secret (an rds password) lives only sealed, beside the revision.
    const stored = storedRevisionContent(this.keyring, request.environment, request.name, document, {
      text: request.originalText,
      contentType: request.contentType,
    });
    const hash = stored.contentHash;

    const input = {
      environmentName: request.environment,
      name: request.name,
      document: stored.document,
      contentHash: hash,
      originalText: stored.originalText,
      sealedSecrets: stored.sealedSecrets,
      contentType: request.contentType,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        let operation: OperationEntity | undefined;
        const result = await this.applications.applyRevision(
          input,
          (current, currentHash) => {
            this.checkPreconditions(current, request);
            if (current?.deletionRequestedAt) {
              throw new BrokerError(
                BrokerErrorCode.Conflict,
                `application ${request.name} is being deleted; apply it again once the deletion has finished`,
              );
            }
            return currentHash === hash ? 'unchanged' : 'write';
          },
          {
            // The apply is queued in the same transaction as the revision: no revision without its operation.
            inTransaction: async (manager, application, revision) => {
              operation = await this.lifecycle.queueApply(manager, application, revision);
            },
          },
        );
        if (result.outcome === 'unchanged')
          return { outcome: 'unchanged', document, warnings, application: result.application };
        this.lifecycle.queued();
        return {
          outcome: result.outcome,
          document,
          warnings,
          application: result.application,
          revision: result.revision,
          operation,
        };
      } catch (error) {
        // Two creates of one name at once: the loser tries again and then sees (and is checked against) the winner.
        const lostRace =
          error instanceof PersistenceError &&
          (error.code === PersistenceErrorCode.Stale || error.code === PersistenceErrorCode.Conflict);
        if (!lostRace || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private checkPreconditions(current: ApplicationEntity | undefined, request: ApplyRequest): void {
    if (request.ifMatch !== undefined) {
      const tags = parseEntityTags(request.ifMatch);
      const holds = current !== undefined && (tags === '*' || tags.includes(current.generation));
      if (!holds) {
        throw new BrokerError(
          BrokerErrorCode.PreconditionFailed,
          current
            ? `If-Match ${JSON.stringify(request.ifMatch.slice(0, 100))} does not match the current generation ${entityTag(current.generation)}`
            : `If-Match given but application ${request.name} does not exist`,
        );
      }
    }
    if (request.ifNoneMatch !== undefined && current) {
      const tags = parseEntityTags(request.ifNoneMatch);
      if (tags === '*' || tags.includes(current.generation)) {
        throw new BrokerError(BrokerErrorCode.PreconditionFailed, `application ${request.name} already exists`);
      }
    }
  }

  /** The application, or a 404 problem. */
  async require(environment: string, name: string): Promise<ApplicationEntity> {
    await this.environments.require(environment);
    const application = await this.applications.find(environment, name);
    if (!application)
      throw BrokerError.notFound(`application ${JSON.stringify(name.slice(0, 100))} in environment ${environment}`);
    return application;
  }

  async get(environment: string, name: string): Promise<{ application: ApplicationEntity; document: JsonObject }> {
    const application = await this.require(environment, name);
    const revision = application.currentRevisionId
      ? await this.applications.findRevision(application.currentRevisionId)
      : null;
    return { application, document: revision?.document ?? { metadata: { name } } };
  }

  async list(
    environment: string,
    request: ListRequest,
  ): Promise<{ items: ApplicationEntity[]; total: number; more: boolean }> {
    await this.environments.require(environment);
    const [page, total] = await Promise.all([
      this.applications.list(environment, request),
      this.applications.count(environment, request.phase),
    ]);
    return { ...page, total };
  }

  async revisions(
    environment: string,
    name: string,
    page?: { limit: number; before?: number },
  ): Promise<{ application: ApplicationEntity; revisions: ApplicationRevisionEntity[] }> {
    const application = await this.require(environment, name);
    return { application, revisions: await this.applications.listRevisions(application.id, page) };
  }

  /** Marks the application for deletion and queues its teardown (`orphan`: keep every cloud resource). */
  async requestDeletion(
    environment: string,
    name: string,
    ifMatch?: string,
    orphan = false,
  ): Promise<{ application: ApplicationEntity; document: JsonObject; operation: OperationEntity }> {
    const { application, document } = await this.get(environment, name);
    if (ifMatch !== undefined) {
      const tags = parseEntityTags(ifMatch);
      if (tags !== '*' && !tags.includes(application.generation)) {
        throw new BrokerError(
          BrokerErrorCode.PreconditionFailed,
          `If-Match ${JSON.stringify(ifMatch.slice(0, 100))} does not match the current generation ${entityTag(application.generation)}`,
        );
      }
    }
    const requested = await this.lifecycle.requestDeletion(application, { orphan });
    return { application: requested.application, document, operation: requested.operation };
  }
}

function describe(problems: ValidationProblem[]): string {
  if (problems.length === 1) return `${problems[0].path || '/'}: ${problems[0].message}`;
  return `${problems.length} problems`;
}
