import { Inject, Injectable } from '@nestjs/common';
import {
  jsonPointer,
  type ApplicationPhase,
  type JsonObject,
  type ProviderProfile,
  type RawComponent,
  type DeliveryPlan,
  canonicalJson,
  DELIVERY_ANNOTATIONS,
  startWorkflow,
  withDeliveryAnnotations,
  type ValidationProblem,
  type WorkflowPlan,
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
  type StoredWorkflow,
} from '@berth/persistence';
import { ProviderRegistry } from '../adapters/provider.registry';
import { RuntimeRegistry } from '../adapters/runtime.registry';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { restoreSecrets, revisionAad, storedRevisionContent, type ComponentSecrets } from '../secrets/revision-secrets';
import { SecretKeyring } from '../secrets/secret-keyring';
import { EnvironmentsService } from '../environments/environments.service';
import { BrokerError, BrokerErrorCode } from '../problems/broker.error';
import { AccessError, AccessErrorCode } from '../access/access.error';
import { auditChangeIn } from '../access/request-actor';
import { forbiddenKeyProblems } from '../validation/forbidden-keys';
import {
  deliveryDocument,
  deliveryProblem,
  hasDeliveryPolicies,
  leafSteps,
  planDeliveries,
  type PlannedDelivery,
} from './delivery-plan';

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
  /**
   * Whether the caller may write applications in an environment (absent: no access control on this call). A topology
   * delivers only where the caller could have PUT the application itself.
   */
  mayWriteIn?: (environment: string) => boolean;
  /** Whether the caller has any role in an environment (a refusal names only the environments it knows). */
  knows?: (environment: string) => boolean;
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
  /** An Application with topology/override policies: what each target environment's delivery did. */
  deliveries?: DeliveryOutcome[];
}

/** What a PUT did to one delivery of an Application with policies. */
export interface DeliveryOutcome {
  environment: string;
  outcome: ApplyOutcome | 'deleting';
  /** The apply (or, for a delivery the policies no longer select, the delete) queued. */
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

  /** Called when a PUT stored a new workflow run (the runner picks it up at once rather than at its next tick). */
  workflowStarted?: () => void;

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
    const runtime = environment.runtime ? this.runtimes.find(environment.runtime.kind) : undefined;
    const runtimeNamespace = environment.runtime ? runtime?.namespaceOf?.(environment.runtime) : undefined;
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
      ...(typeof runtimeNamespace === 'string' ? { workloadNamespace: runtimeNamespace } : {}),
      // A Secret the application does not create: the environment's runtime says whether it binds one as it is.
      existingSecrets: runtime?.existingSecrets,
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
    if (hasDeliveryPolicies(request.document)) return this.applyDeliveries(request);
    const annotations = (request.document as { metadata?: { annotations?: unknown } } | null)?.metadata?.annotations;
    const own = DELIVERY_ANNOTATIONS.filter(
      (key) => annotations && typeof annotations === 'object' && key in annotations,
    );
    if (own.length) {
      const problems = own.map((key) => ({
        path: jsonPointer('metadata', 'annotations', key),
        message: 'is set by Berth on the deliveries of an Application with resource policies; leave it out',
      }));
      throw new OamError(OamErrorCode.Invalid, describe(problems), problems);
    }
    const { document, warnings } = await this.validate(request);
    if (request.dryRun) return { outcome: 'dry-run', document, warnings };
    const { hadDeliveries, ...stored } = await this.storeRevision(request, document, { origin: true });
    // An Application that had a topology before and has none now is delivered here only: the others go.
    const pruned = hadDeliveries ? await this.pruneDeliveries(request.environment, request.name, new Set()) : [];
    return { ...stored, document, warnings, ...(pruned.length ? { deliveries: pruned } : {}) };
  }

  /**
   * An Application with topology/override policies: one delivery per environment its topologies select, each a
   * record of the same name in that environment holding the overridden components (and provisioned by its own
   * operations); the home record holds the policies and, when the home is itself a target, its own delivery. Every
   * delivery is validated in its environment before anything is stored; a name another Application uses in a target
   * environment is a 409.
   */
  /**
   * Everything an Application with delivery policies is checked against before anything is stored: the document,
   * its policies against the environments, and each target environment's overridden document in that environment.
   */
  async prepareDeliveries(
    request: Pick<ApplyRequest, 'environment' | 'name' | 'document' | 'mayWriteIn' | 'knows'>,
    options: { checkAvailability?: boolean } = {},
  ): Promise<{
    shell: { document: JsonObject; warnings: ValidationProblem[] };
    deliveries: PlannedDelivery[];
    validated: Array<{ environment: string; document: JsonObject; warnings: ValidationProblem[] }>;
    homeDocument: JsonObject;
    warnings: ValidationProblem[];
    workflow?: WorkflowPlan;
  }> {
    const forbidden = forbiddenKeyProblems(request.document);
    if (forbidden.length) throw new OamError(OamErrorCode.Invalid, describe(forbidden), forbidden);
    await this.environments.require(request.environment);
    const environments = await this.environments.list();
    const shell = validateApplication(request.document, {
      profileNames: [...new Set(environments.flatMap((e) => Object.keys(e.profiles ?? {})))],
    });
    if (!shell.ok) throw new OamError(OamErrorCode.Invalid, describe(shell.problems), shell.problems);
    const raw = request.document as JsonObject;
    const written = ((raw.spec as { components?: unknown }).components ?? []) as RawComponent[];
    const { deliveries, problems, workflow } = planDeliveries(
      raw,
      shell.application.policies,
      request.environment,
      environments.map((e) => ({ name: e.name, labels: e.labels ?? {} })),
    );
    if (problems.length) throw new OamError(OamErrorCode.Invalid, describe(problems), problems);
    checkMayWrite(
      request,
      deliveries.map((d) => d.environment),
    );

    const validated: Array<{ environment: string; document: JsonObject; warnings: ValidationProblem[] }> = [];
    const found: ValidationProblem[] = [];
    for (const delivery of deliveries) {
      const environment = environments.find((e) => e.name === delivery.environment)!;
      if (delivery.namespace) {
        const runtimeNamespace =
          environment.runtime.kind === 'kubernetes' ? environment.runtime.settings?.namespace : undefined;
        if (runtimeNamespace !== delivery.namespace.value) {
          found.push({
            path: delivery.namespace.path,
            message:
              `environment ${environment.name} ${typeof runtimeNamespace === 'string' ? `places its objects in namespace ${runtimeNamespace}` : `has a ${environment.runtime.kind} runtime without namespaces`}; ` +
              'Berth delivers into the namespace of each environment: name that namespace or leave namespace out',
          });
          continue;
        }
      }
      try {
        const result = await this.validate(
          { environment: delivery.environment, name: request.name, document: delivery.document },
          options,
        );
        validated.push({ environment: delivery.environment, ...result });
      } catch (error) {
        if (!(error instanceof OamError)) throw error;
        found.push(...(error.problems ?? []).map((problem) => deliveryProblem(problem, delivery, written)));
      }
    }
    found.push(...sharedProfileProblems(deliveries, environments));
    if (found.length) throw new OamError(OamErrorCode.Invalid, describe(found), found);

    const warnings = [
      ...shell.warnings,
      ...validated.flatMap((v) => v.warnings.map((w) => deliveryWarning(w, v.environment))),
    ];
    const home = validated.find((v) => v.environment === request.environment);
    // The home record: the policies, with the home's own (overridden) components, or none when no topology selects it.
    // Its metadata is the home delivery's when it has one (which shared components it makes or takes).
    const homeDocument: JsonObject = {
      ...shell.document,
      metadata: homeMetadata(shell.document, home?.document),
      spec: {
        ...(shell.document.spec as JsonObject),
        components: ((home?.document.spec as JsonObject | undefined)?.components ?? []) as JsonObject[],
      },
    };
    return { shell, deliveries, validated, homeDocument, warnings, ...(workflow ? { workflow } : {}) };
  }

  private async applyDeliveries(request: ApplyRequest): Promise<ApplyResult> {
    const { validated, deliveries, homeDocument, shell, warnings, workflow } = await this.prepareDeliveries(request);
    const previous = await this.applications.listDeliveries(request.environment, request.name);
    checkMayWrite(
      request,
      previous.map((d) => d.environmentName),
    );
    await this.checkDeliveryNames(
      request,
      deliveries.map((d) => d.environment),
    );
    if (request.dryRun) {
      return {
        outcome: 'dry-run',
        document: homeDocument,
        warnings,
        deliveries: validated
          .filter((v) => v.environment !== request.environment)
          .map((v) => ({ environment: v.environment, outcome: 'dry-run' as const })),
      };
    }
    const outcomes: DeliveryOutcome[] = [];
    if (workflow) {
      // The steps write the deliveries when their turn comes (WorkflowRunner); the home keeps the run.
      const { hadDeliveries: _had, ...stored } = await this.storeRevision(request, homeDocument, {
        origin: true,
        writtenDocument: shell.document,
        workflow,
      });
      if (stored.outcome !== 'unchanged') this.workflowStarted?.();
      const keep = new Set(validated.map((v) => v.environment));
      outcomes.push(...(await this.pruneDeliveries(request.environment, request.name, keep)));
      return { ...stored, document: homeDocument, warnings, deliveries: outcomes };
    }
    for (const target of validated) {
      if (target.environment === request.environment) continue;
      // Its own text is its own document (JSON): the written text would carry the other environments' components.
      const own = deliveries.find((d) => d.environment === target.environment)!.document;
      const stored = await this.storeRevision(
        {
          ...request,
          environment: target.environment,
          originalText: JSON.stringify(own, null, 2),
          contentType: 'application/json',
          ifMatch: undefined,
          ifNoneMatch: undefined,
        },
        target.document,
        { deliveredFrom: request.environment },
      );
      outcomes.push({ environment: target.environment, outcome: stored.outcome, operation: stored.operation });
    }
    // The written document's hash enters the home revision's, so a change that only another environment gets still
    // makes a new generation of the Application.
    const { hadDeliveries: _had, ...stored } = await this.storeRevision(request, homeDocument, {
      origin: true,
      writtenDocument: shell.document,
    });
    const keep = new Set(validated.map((v) => v.environment));
    outcomes.push(...(await this.pruneDeliveries(request.environment, request.name, keep)));
    return { ...stored, document: homeDocument, warnings, deliveries: outcomes };
  }

  /** 409 when a target environment has an application of this name that is not a delivery of this one. */
  private async checkDeliveryNames(request: ApplyRequest, targets: string[]): Promise<void> {
    for (const environment of [request.environment, ...targets]) {
      const existing = await this.applications.find(environment, request.name);
      if (!existing) continue;
      const conflict = this.foreignOwner(
        existing,
        environment === request.environment ? undefined : request.environment,
      );
      if (conflict) throw new BrokerError(BrokerErrorCode.Conflict, conflict);
    }
  }

  /** Why `current` may not be written as a record owned by `deliveredFrom` (undefined: PUT directly), if it may not. */
  private foreignOwner(current: ApplicationEntity | undefined, deliveredFrom: string | undefined): string | undefined {
    if (!current || (current.deliveredFrom ?? undefined) === deliveredFrom) return undefined;
    const where = `application ${current.name} in environment ${current.environmentName}`;
    if (current.deliveredFrom) {
      return deliveredFrom === undefined
        ? `${where} is delivered by the application ${current.name} of environment ${current.deliveredFrom} (its topology); change or delete it there`
        : `${where} is already delivered by the application ${current.name} of environment ${current.deliveredFrom}; two Applications cannot own one delivery`;
    }
    return `${where} was PUT there, not delivered from environment ${deliveredFrom}; rename one of them or delete that one first`;
  }

  /** Deletes the deliveries of (home, name) in environments not in `keep`. */
  private async pruneDeliveries(home: string, name: string, keep: ReadonlySet<string>): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const delivery of await this.applications.listDeliveries(home, name)) {
      if (keep.has(delivery.environmentName)) continue;
      const { operation } = await this.lifecycle.requestDeletion(delivery, { orphan: false });
      outcomes.push({ environment: delivery.environmentName, outcome: 'deleting', operation });
    }
    return outcomes;
  }

  /** Stores one record's revision (no-op when unchanged), queueing its apply in the same transaction. */
  private async storeRevision(
    request: ApplyRequest,
    document: JsonObject,
    owner: { origin: true; writtenDocument?: JsonObject; workflow?: WorkflowPlan } | { deliveredFrom: string },
  ): Promise<Pick<ApplyResult, 'outcome' | 'application' | 'revision' | 'operation'> & { hadDeliveries: boolean }> {
    // Stored redacted: a literal secret (an rds password) lives only sealed, beside the revision.
    const original = { text: request.originalText, contentType: request.contentType };
    const stored = storedRevisionContent(this.keyring, request.environment, request.name, document, original);
    const writtenDocument = 'origin' in owner ? owner.writtenDocument : undefined;
    const written = writtenDocument
      ? storedRevisionContent(this.keyring, request.environment, request.name, writtenDocument, original)
      : undefined;
    const hash = written
      ? this.keyring.digest(`${written.contentHash}\n${stored.contentHash}`).slice(0, 64)
      : stored.contentHash;
    const deliveredFrom = 'deliveredFrom' in owner ? owner.deliveredFrom : undefined;

    const workflowPlan = 'origin' in owner ? owner.workflow : undefined;
    const input = {
      ...('origin' in owner ? { workflow: workflowPlan ? this.freshRun(request, workflowPlan, hash) : null } : {}),
      environmentName: request.environment,
      name: request.name,
      document: stored.document,
      contentHash: hash,
      originalText: written?.originalText ?? stored.originalText,
      sealedSecrets: stored.sealedSecrets,
      contentType: request.contentType,
      deliveredFrom: deliveredFrom ?? null,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        let operation: OperationEntity | undefined;
        let hadDeliveries = false;
        const result = await this.applications.applyRevision(
          input,
          (current, currentHash, currentDocument) => {
            hadDeliveries = hasDeliveryPolicies(currentDocument);
            const conflict = this.foreignOwner(current, deliveredFrom);
            if (conflict) throw new BrokerError(BrokerErrorCode.Conflict, conflict);
            this.checkPreconditions(current, request);
            if (current?.deletionRequestedAt) {
              throw new BrokerError(
                BrokerErrorCode.Conflict,
                `application ${request.name} in environment ${request.environment} is being deleted; apply it again once the deletion has finished`,
              );
            }
            return currentHash === hash ? 'unchanged' : 'write';
          },
          {
            // The apply is queued in the same transaction as the revision: no revision without its operation.
            inTransaction: async (manager, application, revision) => {
              operation = await this.lifecycle.queueApply(manager, application, revision);
              // The PUT's audit record commits with its change (201 for generation 1: created).
              if ('origin' in owner) await auditChangeIn(manager, revision.generation === 1 ? 201 : 200);
            },
          },
        );
        if (result.outcome === 'unchanged') {
          return { outcome: 'unchanged', application: result.application, hadDeliveries };
        }
        this.lifecycle.queued();
        return {
          hadDeliveries,
          outcome: result.outcome,
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

  /**
   * A fresh run of `plan` for a new revision (a newer revision restarts the workflow): each deploy target's
   * components kept redacted in the state, their secret inputs sealed beside it.
   */
  private freshRun(request: ApplyRequest, plan: WorkflowPlan, revision: string): StoredWorkflow {
    const sealed: Record<string, string> = {};
    const copy = structuredClone(plan);
    const redact = (step: string, environment: string, components: RawComponent[]): RawComponent[] => {
      const document = deliveryDocument(workflowShell(request.name), [], { components });
      const stored = storedRevisionContent(this.keyring, environment, request.name, document, {
        text: '',
        contentType: 'application/json',
      });
      if (stored.sealedSecrets) sealed[`${step}/${environment}`] = stored.sealedSecrets;
      return (stored.document.spec as { components: RawComponent[] }).components;
    };
    for (const step of leafSteps(copy)) {
      if (step.type === 'apply-component') [step.resolved] = redact(step.name, step.environment, [step.resolved]);
      if (step.type !== 'deploy') continue;
      for (const target of step.targets) {
        target.components = redact(step.name, target.environment, target.components);
      }
    }
    return { state: startWorkflow(copy, revision, new Date()), sealed };
  }

  /**
   * Writes (or updates) the delivery a workflow's deploy step makes to one environment, validated there, and
   * answers the apply operation it queued (undefined: unchanged, nothing queued).
   */
  async writeWorkflowDelivery(
    home: ApplicationEntity,
    target: DeliveryPlan,
    sealed: string | undefined,
  ): Promise<{ outcome: ApplyOutcome; operation?: OperationEntity }> {
    const redacted = deliveryDocument(workflowShell(home.name, await this.homeDocument(home)), [], target);
    return this.storeWorkflowDelivery(
      home,
      target.environment,
      redacted,
      this.openRun(target.environment, home, sealed),
    );
  }

  /**
   * An apply-component step: the component written into that environment's delivery (replacing the one of its name,
   * else added; the delivery's other components stay as they are), validated there; answers the apply it queued.
   */
  async writeWorkflowComponent(
    home: ApplicationEntity,
    request: { environment: string; namespace?: string; component: RawComponent },
    sealed: string | undefined,
  ): Promise<{ outcome: ApplyOutcome; operation?: OperationEntity }> {
    const { environment, component } = request;
    const current = await this.applications.find(environment, home.name);
    let components: RawComponent[] = [];
    let namespace = request.namespace;
    const secrets: ComponentSecrets = {};
    if (current?.deliveredFrom === home.environmentName && current.currentRevisionId) {
      const revision = await this.applications.findRevision(current.currentRevisionId);
      if (revision) {
        components = ((revision.document.spec as { components?: RawComponent[] }).components ?? []).slice();
        namespace ??= (revision.document.metadata as { namespace?: string } | undefined)?.namespace;
        if (revision.sealedSecrets) {
          Object.assign(secrets, this.keyring.openText(revision.sealedSecrets, revisionAad(environment, home.name)));
        }
      }
    }
    delete secrets[component.name];
    Object.assign(secrets, this.openRun(environment, home, sealed));
    const index = components.findIndex((c) => c.name === component.name);
    if (index >= 0) components[index] = component;
    else components.push(component);
    const redacted = deliveryDocument(workflowShell(home.name, await this.homeDocument(home)), [], {
      ...(namespace ? { namespace } : {}),
      components,
    });
    return this.storeWorkflowDelivery(home, environment, redacted, secrets);
  }

  /** The home's current document: a workflow's delivery carries its metadata (labels, annotations) as the PUT's does. */
  private async homeDocument(home: ApplicationEntity): Promise<JsonObject | undefined> {
    const revision = home.currentRevisionId ? await this.applications.findRevision(home.currentRevisionId) : null;
    return revision?.document;
  }

  /** The secret inputs a run sealed for one of its steps' deliveries (empty when it had none). */
  private openRun(environment: string, home: ApplicationEntity, sealed: string | undefined): ComponentSecrets {
    return sealed ? (this.keyring.openText(sealed, revisionAad(environment, home.name)) as ComponentSecrets) : {};
  }

  /** Stores a workflow step's delivery document (redacted, its secrets given apart) as a delivery of `home`. */
  private async storeWorkflowDelivery(
    home: ApplicationEntity,
    environment: string,
    redacted: JsonObject,
    secrets: ComponentSecrets,
  ): Promise<{ outcome: ApplyOutcome; operation?: OperationEntity }> {
    // A home deleted meanwhile (its deliveries are being deleted with it) gets no delivery written back.
    const current = await this.applications.find(home.environmentName, home.name);
    if (!current || current.deletionRequestedAt) {
      throw new Error(`application ${home.name} in environment ${home.environmentName} is being deleted`);
    }
    const document = Object.keys(secrets).length ? restoreSecrets(redacted, secrets) : redacted;
    const { document: normalized } = await this.validate({ environment, name: home.name, document });
    const stored = await this.storeRevision(
      {
        environment,
        name: home.name,
        document,
        originalText: JSON.stringify(redacted, null, 2),
        contentType: 'application/json',
        dryRun: false,
      },
      normalized,
      { deliveredFrom: home.environmentName },
    );
    return { outcome: stored.outcome, ...(stored.operation ? { operation: stored.operation } : {}) };
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
    const [, application] = await Promise.all([
      this.environments.require(environment),
      this.applications.find(environment, name),
    ]);
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
    const [, page, total] = await Promise.all([
      this.environments.require(environment),
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
    access: Pick<ApplyRequest, 'mayWriteIn' | 'knows'> = {},
  ): Promise<{
    application: ApplicationEntity;
    document: JsonObject;
    operation: OperationEntity;
    deliveries: DeliveryOutcome[];
  }> {
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
    const conflict = this.foreignOwner(application, undefined);
    if (conflict) throw new BrokerError(BrokerErrorCode.Conflict, conflict);
    checkMayWrite(
      access,
      (await this.applications.listDeliveries(environment, name)).map((d) => d.environmentName),
    );
    // Its deliveries go with it (each by its own delete operation, in its environment).
    const deliveries = await this.pruneDeliveries(environment, name, new Set());
    const requested = await this.lifecycle.requestDeletion(application, { orphan });
    return { application: requested.application, document, operation: requested.operation, deliveries };
  }

  /** The deliveries an Application at home here made to other environments. */
  deliveriesOf(home: string, name: string): Promise<ApplicationEntity[]> {
    return this.applications.listDeliveries(home, name);
  }
}

/** 403 unless the caller may write applications in every environment a delivery is (or was) in. */
function checkMayWrite(access: Pick<ApplyRequest, 'mayWriteIn' | 'knows'>, environments: readonly string[]): void {
  if (!access.mayWriteIn) return;
  const denied = [...new Set(environments)].filter((environment) => !access.mayWriteIn!(environment));
  if (denied.length === 0) return;
  const named = denied.filter((environment) => access.knows?.(environment) ?? true);
  const unnamed = denied.length - named.length;
  const where = [
    ...(named.length ? [`environment${named.length > 1 ? 's' : ''} ${named.join(', ')}`] : []),
    ...(unnamed ? [`${unnamed} environment${unnamed > 1 ? 's' : ''} you have no role in`] : []),
  ].join(' and ');
  throw new AccessError(
    AccessErrorCode.PermissionDenied,
    `the topology delivers to ${where}: applications:write is needed there too (a topology deploys only where you may deploy yourself)`,
  );
}

/**
 * A shared component is made once, by one provider profile: deliveries that resolve it to different profiles (another
 * kind, or other settings) are refused at the shared-resource policy, naming both environments.
 */
function sharedProfileProblems(
  deliveries: readonly PlannedDelivery[],
  environments: ReadonlyArray<{
    name: string;
    provider: ProviderProfile;
    profiles?: Record<string, ProviderProfile> | null;
  }>,
): ValidationProblem[] {
  const first = new Map<string, { environment: string; profile: ProviderProfile }>();
  const problems: ValidationProblem[] = [];
  for (const delivery of deliveries) {
    if (!delivery.shared) continue;
    const environment = environments.find((e) => e.name === delivery.environment)!;
    for (const name of delivery.shared.components) {
      const component = (delivery.document.spec as { components: RawComponent[] }).components.find(
        (c) => c.name === name,
      );
      const ref = (component?.properties?.providerRef as { name?: unknown } | undefined)?.name;
      const profile = typeof ref === 'string' ? environment.profiles?.[ref] : environment.provider;
      if (!profile) continue; // an unknown providerRef is reported by the environment's own validation
      const seen = first.get(name);
      if (!seen) {
        first.set(name, { environment: environment.name, profile });
        continue;
      }
      if (canonicalJson(seen.profile) === canonicalJson(profile)) continue;
      const kinds =
        seen.profile.kind === profile.kind
          ? `both ${profile.kind}, other settings`
          : `${seen.profile.kind} and ${profile.kind}`;
      problems.push({
        path: delivery.shared.path,
        message:
          `shares component ${name} between environments ${seen.environment} and ${environment.name}, whose provider profiles differ (${kinds}); ` +
          'a shared resource is made once by one profile: give those environments the same profile, or do not share it',
      });
    }
  }
  return problems;
}

/**
 * The home record's metadata: the written document's, with the annotations of the home's own delivery when the
 * home is a target (which shared components it makes or takes), else without the annotation only Berth writes.
 */
function homeMetadata(written: JsonObject, homeDelivery: JsonObject | undefined): JsonObject {
  const metadata = { ...(written.metadata as JsonObject) };
  const own = (homeDelivery?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
  const annotations = withDeliveryAnnotations(
    metadata.annotations as JsonObject | undefined,
    Object.fromEntries(DELIVERY_ANNOTATIONS.filter((key) => key in own).map((key) => [key, own[key]!])),
  );
  if (annotations) metadata.annotations = annotations as JsonObject;
  else delete metadata.annotations;
  return metadata;
}

/**
 * The Application fields a workflow's delivery document carries besides its components: the home's labels and
 * annotations (its namespace is the topology's business: a deploy target says where).
 */
function workflowShell(name: string, home?: JsonObject): JsonObject {
  const { labels, annotations } = (home?.metadata ?? {}) as JsonObject;
  return {
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
  };
}

function deliveryWarning(warning: ValidationProblem, environment: string): ValidationProblem {
  return { path: warning.path, message: `in environment ${environment}: ${warning.message}` };
}

function describe(problems: ValidationProblem[]): string {
  if (problems.length === 1) return `${problems[0].path || '/'}: ${problems[0].message}`;
  return `${problems.length} problems`;
}
