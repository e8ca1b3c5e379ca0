import { randomUUID } from 'node:crypto';
import { workflowDueAt, type ApplicationPhase, type Condition, type JsonObject } from '@berth/core';
import { LessThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { ApplicationRevisionEntity } from '../entities/application-revision.entity';
import { ApplicationEntity, type StoredWorkflow } from '../entities/application.entity';
import { insertable } from '../entities/column-types';
import { DeletedApplicationEntity } from '../entities/deleted-application.entity';
import { removeApplicationResources } from './managed-resource.repository';
import { EntityStatements, type DependentUpdate } from '../statements/entity-statements';
import { isUniqueViolation, PersistenceError, PersistenceErrorCode } from '../errors/persistence.error';

export interface ListApplicationsQuery {
  phase?: ApplicationPhase;
  limit: number;
  /** Keyset paging: names strictly after this one. */
  after?: string;
  /** Offset paging (ignored when `after` is given). */
  offset?: number;
}

export interface NewRevision {
  environmentName: string;
  name: string;
  document: JsonObject;
  contentHash: string;
  originalText: string;
  contentType: string;
  /** Secret-valued properties, sealed (the document and the text hold them redacted). */
  sealedSecrets?: string | null;
  /** A delivery: the home environment of the Application that delivered it (see ApplicationEntity.deliveredFrom). */
  deliveredFrom?: string | null;
  /** The home of an Application with `spec.workflow`: its fresh run (null: none; undefined: left as it is). */
  workflow?: StoredWorkflow | null;
}

export interface AppendRevisionOptions {
  /** The application as read before deciding to write (undefined to create it); its generation must still hold. */
  current?: ApplicationEntity;
  now?: Date;
  /** Runs inside the same transaction after the write (e.g. to queue an operation). */
  inTransaction?: (
    manager: EntityManager,
    application: ApplicationEntity,
    revision: ApplicationRevisionEntity,
  ) => Promise<void>;
}

/** What an operation records on its application (see ApplicationRepository.recordStatus). */
export interface StatusChange {
  phase?: ApplicationPhase;
  conditions: Condition[];
  /** The phase stays as it is when a generation newer than this one was accepted, or (`deletionRequested`) a delete. */
  keepPhase?: { newerThanGeneration?: number; deletionRequested?: boolean };
  observedGeneration?: number;
  /** False: `updatedAt` stays. */
  touch?: boolean;
}

/** A home being deleted: its workflow run is no longer due, and the broker advancing it loses its lease and stops. */
const STOP_WORKFLOW = { workflowLeaseOwner: null, workflowLeaseExpiresAt: null, workflowDueAt: null };

export class ApplicationRepository {
  private readonly rows: Repository<ApplicationEntity>;
  private readonly revisions: Repository<ApplicationRevisionEntity>;
  /** The reads every request and every operation step makes: cached statements instead of the query builder. */
  private readonly statements: EntityStatements<ApplicationEntity>;
  private readonly revisionStatements: EntityStatements<ApplicationRevisionEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(ApplicationEntity);
    this.revisions = dataSource.getRepository(ApplicationRevisionEntity);
    this.statements = new EntityStatements(dataSource, ApplicationEntity);
    this.revisionStatements = new EntityStatements(dataSource, ApplicationRevisionEntity);
  }

  find(environmentName: string, name: string): Promise<ApplicationEntity | null> {
    return this.statements.findOne({ environmentName, name });
  }

  findRevision(id: string): Promise<ApplicationRevisionEntity | null> {
    return this.revisionStatements.findOne({ id });
  }

  /** Revisions of one application, newest first; `page` reads `limit` of them older than generation `before`. */
  listRevisions(
    applicationId: string,
    page?: { limit: number; before?: number },
  ): Promise<ApplicationRevisionEntity[]> {
    return this.revisions.find({
      where: page?.before === undefined ? { applicationId } : { applicationId, generation: LessThan(page.before) },
      order: { generation: 'DESC' },
      ...(page ? { take: page.limit } : {}),
    });
  }

  /** The deliveries an Application of `name` at home in `home` made to other environments, by environment. */
  listDeliveries(home: string, name: string): Promise<ApplicationEntity[]> {
    return this.statements.find({ deliveredFrom: home, name }, { order: [['environmentName', 'ASC']] });
  }

  /**
   * Saves the workflow run of a home application (the whole state, after every change the engine makes) and when it
   * is next due. With `owner` (the claim of the broker advancing it) the write is fenced by that lease: false when the
   * run is no longer ours (taken over, replaced by a newer revision, resumed or terminated meanwhile, or the home is
   * being deleted). Without (`:resume`, `:retry`, `:terminate`), it also takes the run from whoever advances it: their
   * next save or heartbeat finds the lease gone and they stop.
   */
  async saveWorkflow(id: string, workflow: StoredWorkflow, owner?: string, now = new Date()): Promise<boolean> {
    const changes: Partial<ApplicationEntity> = { workflow, workflowDueAt: workflowDueAt(workflow.state, now) };
    if (owner) return (await this.statements.update({ id, workflowLeaseOwner: owner }, changes)) > 0;
    return (
      (await this.statements.update({ id }, { ...changes, workflowLeaseOwner: null, workflowLeaseExpiresAt: null })) > 0
    );
  }

  /**
   * The home applications whose workflow run is due by `nowMs` (index `IX_applications_workflow_due_at`) and that this
   * broker may advance: nobody holds their lease (or it expired: that broker died), or one of `mine` (the claims this
   * broker holds, so it sees a run it advances being replaced). Not those being deleted.
   */
  dueWorkflows(nowMs: number, mine: readonly string[] = []): Promise<ApplicationEntity[]> {
    const builder = this.rows
      .createQueryBuilder('application')
      .where('application.workflowDueAt <= :now', { now: String(nowMs) })
      .andWhere('application.deletionRequestedAt IS NULL');
    const leases = ['application.workflowLeaseExpiresAt IS NULL', 'application.workflowLeaseExpiresAt < :now'];
    if (mine.length) leases.push('application.workflowLeaseOwner IN (:...mine)');
    return builder
      .andWhere(`(${leases.join(' OR ')})`, { mine })
      .orderBy('application.workflowDueAt', 'ASC')
      .getMany();
  }

  /**
   * Claims the workflow run of home `id` for `owner` (a token unique to this claim) for `leaseMs`, if it is still due
   * and nobody else holds it: one conditional UPDATE, so of two brokers claiming at once one wins. The claimed row, or
   * null.
   */
  async claimWorkflow(
    id: string,
    owner: string,
    leaseMs: number,
    nowMs = Date.now(),
  ): Promise<ApplicationEntity | null> {
    const result = await this.rows
      .createQueryBuilder()
      .update(ApplicationEntity)
      .set({ workflowLeaseOwner: owner, workflowLeaseExpiresAt: () => ':expires' })
      .setParameter('expires', String(nowMs + leaseMs))
      .where(
        `id = :id AND workflow_due_at <= :now AND deletion_requested_at IS NULL
         AND (workflow_lease_expires_at IS NULL OR workflow_lease_expires_at < :now)`,
        { id, now: String(nowMs) },
      )
      .execute();
    if ((result.affected ?? 0) === 0) return null;
    return this.statements.findOne({ id, workflowLeaseOwner: owner });
  }

  /** Extends the lease on a run; false when it is no longer ours. */
  async renewWorkflowLease(id: string, owner: string, leaseMs: number, nowMs = Date.now()): Promise<boolean> {
    return (
      (await this.statements.update({ id, workflowLeaseOwner: owner }, { workflowLeaseExpiresAt: nowMs + leaseMs })) > 0
    );
  }

  /** Ends this broker's claim (its advance returned or stopped): the run is anyone's when it is next due. */
  async releaseWorkflow(id: string, owner: string): Promise<void> {
    await this.statements.update(
      { id, workflowLeaseOwner: owner },
      { workflowLeaseOwner: null, workflowLeaseExpiresAt: null },
    );
  }

  count(environmentName: string, phase?: ApplicationPhase): Promise<number> {
    return this.rows.countBy(phase ? { environmentName, phase } : { environmentName });
  }

  /** One page ordered by name; fetches `limit + 1` rows so the caller knows whether more follow. */
  async list(
    environmentName: string,
    query: ListApplicationsQuery,
  ): Promise<{ items: ApplicationEntity[]; more: boolean }> {
    const builder = this.rows
      .createQueryBuilder('application')
      .where('application.environmentName = :environmentName', { environmentName })
      .orderBy('application.name', 'ASC')
      .take(query.limit + 1);
    if (query.phase) builder.andWhere('application.phase = :phase', { phase: query.phase });
    if (query.after !== undefined) builder.andWhere('application.name > :after', { after: query.after });
    else if (query.offset) builder.skip(query.offset);
    const rows = await builder.getMany();
    return { items: rows.slice(0, query.limit), more: rows.length > query.limit };
  }

  /**
   * Stores a new immutable revision and makes it current, bumping the generation. Optimistic: when `current` is
   * given, the write only succeeds if nobody changed the application since it was read (else `Stale`); when it is
   * not, a concurrent create of the same name fails with `Conflict`.
   */
  async appendRevision(
    input: NewRevision,
    options: AppendRevisionOptions = {},
  ): Promise<{ application: ApplicationEntity; revision: ApplicationRevisionEntity }> {
    return this.translate(input.name, () =>
      this.dataSource.transaction(async (manager) => {
        const written = await this.write(manager, input, options.current, options.now ?? new Date());
        await options.inTransaction?.(manager, written.application, written.revision);
        return written;
      }),
    );
  }

  /**
   * Reads the application with a row lock (PostgreSQL; SQLite serializes writers anyway), lets `decide` look at it
   * and the hash of its current revision — throwing to refuse, answering `unchanged` to skip — and writes the new
   * revision in the same transaction. Concurrent writers of one application queue up instead of failing; only two
   * concurrent *creates* of the same name can still end in `Conflict` (retry: the second then sees the first).
   */
  private get postgres(): boolean {
    return this.dataSource.driver.options.type === 'postgres';
  }

  async applyRevision(
    input: NewRevision,
    decide: (
      current: ApplicationEntity | undefined,
      currentHash: string | undefined,
      currentDocument: JsonObject | undefined,
    ) => 'write' | 'unchanged',
    options: Omit<AppendRevisionOptions, 'current'> = {},
  ): Promise<
    | { outcome: 'unchanged'; application: ApplicationEntity }
    | { outcome: 'created' | 'updated'; application: ApplicationEntity; revision: ApplicationRevisionEntity }
  > {
    return this.translate(input.name, () =>
      this.dataSource.transaction(async (manager) => {
        const where = { environmentName: input.environmentName, name: input.name };
        const current = (await this.statements.findOne(where, { lock: true }, manager)) ?? undefined;
        const currentRevision = current?.currentRevisionId
          ? await this.revisionStatements.findOne(
              { id: current.currentRevisionId },
              { select: ['id', 'contentHash', 'document'] },
              manager,
            )
          : null;
        if (decide(current, currentRevision?.contentHash, currentRevision?.document) === 'unchanged' && current) {
          return { outcome: 'unchanged' as const, application: current };
        }
        const written = await this.write(manager, input, current, options.now ?? new Date());
        await options.inTransaction?.(manager, written.application, written.revision);
        return { outcome: current ? ('updated' as const) : ('created' as const), ...written };
      }),
    );
  }

  private async write(
    manager: EntityManager,
    input: NewRevision,
    current: ApplicationEntity | undefined,
    now: Date,
  ): Promise<{ application: ApplicationEntity; revision: ApplicationRevisionEntity }> {
    // Cached statements, not the query builder: these are the writes of every PUT.
    const generation = (current?.generation ?? 0) + 1;
    const revision: ApplicationRevisionEntity = {
      id: randomUUID(),
      applicationId: current?.id ?? randomUUID(),
      generation,
      contentHash: input.contentHash,
      document: input.document,
      originalText: input.originalText,
      sealedSecrets: input.sealedSecrets ?? null,
      contentType: input.contentType,
      createdAt: now,
    };
    if (!current) {
      const application: ApplicationEntity = {
        id: revision.applicationId,
        environmentName: input.environmentName,
        name: input.name,
        generation,
        observedGeneration: 0,
        currentRevisionId: null,
        phase: 'Pending',
        conditions: [],
        deliveredFrom: input.deliveredFrom ?? null,
        workflow: input.workflow ?? null,
        workflowLeaseOwner: null,
        workflowLeaseExpiresAt: null,
        workflowDueAt: input.workflow ? workflowDueAt(input.workflow.state, now) : null,
        deletionRequestedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      if (this.postgres) {
        // One statement: the two rows reference each other, and PostgreSQL checks both keys at its end.
        application.currentRevisionId = revision.id;
        await this.statements.insertThenInsert(application, this.revisionStatements, [revision], manager);
        return { application, revision };
      }
      await this.statements.insert(application, manager);
      await this.revisionStatements.insert(revision, manager);
      await this.statements.update({ id: application.id }, { currentRevisionId: revision.id }, manager);
      application.currentRevisionId = revision.id;
      return { application, revision };
    }
    // The generation moves and the revision is stored in one statement on PostgreSQL (the insert only if it moved).
    const affected = await this.statements.updateThenInsert(
      { id: current.id, generation: current.generation },
      {
        generation,
        currentRevisionId: revision.id,
        phase: 'Pending',
        updatedAt: now,
        // A fresh run replaces the one some broker may be advancing: its lease goes, so that broker stops.
        ...(input.workflow !== undefined
          ? {
              workflow: input.workflow,
              workflowLeaseOwner: null,
              workflowLeaseExpiresAt: null,
              workflowDueAt: input.workflow ? workflowDueAt(input.workflow.state, now) : null,
            }
          : {}),
      },
      this.revisionStatements,
      [revision],
      manager,
    );
    if (affected !== 1) {
      throw new PersistenceError(PersistenceErrorCode.Stale, `application ${input.name} changed concurrently`);
    }
    const application = {
      ...current,
      generation,
      currentRevisionId: revision.id,
      phase: 'Pending' as const,
      updatedAt: now,
    };
    return { application, revision };
  }

  private async translate<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new PersistenceError(PersistenceErrorCode.Conflict, `application ${name} was written concurrently`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Marks an application for deletion (idempotent: the first request's time is kept). */
  async requestDeletion(application: ApplicationEntity, now = new Date()): Promise<ApplicationEntity> {
    const deletionRequestedAt = application.deletionRequestedAt ?? now;
    await this.rows.update(
      { id: application.id },
      { deletionRequestedAt, phase: 'Deleting', updatedAt: now, ...STOP_WORKFLOW },
    );
    return { ...application, deletionRequestedAt, phase: 'Deleting', updatedAt: now };
  }

  /** Marks an application for deletion inside the caller's transaction (the first request's time is kept). */
  async markDeleting(manager: EntityManager, application: ApplicationEntity, now: Date): Promise<void> {
    await manager.getRepository(ApplicationEntity).update(
      { id: application.id },
      {
        deletionRequestedAt: application.deletionRequestedAt ?? now,
        phase: 'Deleting',
        updatedAt: now,
        ...STOP_WORKFLOW,
      },
    );
  }

  /** Sets the phase of an application (e.g. back to Deleting when its failed delete is retried). */
  async setPhase(id: string, phase: ApplicationPhase, now = new Date()): Promise<void> {
    await this.statements.update({ id }, { phase, updatedAt: now });
  }

  /**
   * Records the outcome of an operation on the application row `applicationId` (unless that row was replaced):
   * the given conditions replace those of the same type; the phase is set unless `keepPhase` says a newer
   * generation or a deletion was accepted meanwhile; `observedGeneration` only grows. On PostgreSQL one statement
   * that merges the conditions in SQL on the row as it is when written (a PUT or a delete that lands meanwhile is
   * seen); elsewhere the row is read, then written.
   */
  async recordStatus(
    environmentName: string,
    name: string,
    applicationId: string | null,
    change: StatusChange,
    manager?: EntityManager,
  ): Promise<void> {
    if (this.dataSource.driver.options.type === 'postgres') {
      const { sql, values } = this.statusStatement(environmentName, name, applicationId, change, 0);
      await this.statements.query(sql, values, manager);
      return;
    }
    const row = await this.statements.findOne({ environmentName, name }, {}, manager);
    if (!row || (applicationId !== null && row.id !== applicationId)) return;
    const keep = (row.conditions ?? []).filter((c) => !change.conditions.some((n) => n.type === c.type));
    const keepPhase =
      (change.keepPhase?.newerThanGeneration !== undefined && row.generation > change.keepPhase.newerThanGeneration) ||
      (change.keepPhase?.deletionRequested === true && row.deletionRequestedAt !== null);
    await this.statements.update(
      { id: row.id },
      {
        ...(change.phase && !keepPhase ? { phase: change.phase } : {}),
        conditions: [...keep, ...change.conditions],
        ...(change.observedGeneration !== undefined
          ? { observedGeneration: Math.max(row.observedGeneration, change.observedGeneration) }
          : {}),
        ...(change.touch === false ? {} : { updatedAt: new Date() }),
      },
      manager,
    );
  }

  /** `recordStatus` made to go with another write (an operation's end: `OperationRepository.finish`). */
  recordingStatus(
    environmentName: string,
    name: string,
    applicationId: string | null,
    change: StatusChange,
  ): DependentUpdate {
    return {
      target: `applications|${JSON.stringify({ environmentName, name })}`,
      statement: (offset) => {
        const statement = this.statusStatement(environmentName, name, applicationId, change, offset);
        return { ...statement, cacheKey: `applications:status:${statement.sql}` };
      },
      run: (manager) => this.recordStatus(environmentName, name, applicationId, change, manager),
    };
  }

  /**
   * recordStatus as one UPDATE on PostgreSQL, its placeholders numbered from `offset`: the stored conditions (JSON
   * text) not of a given type, in their order, then the given ones; the phase kept by the same rules, read from the
   * row being written.
   */
  private statusStatement(
    environmentName: string,
    name: string,
    applicationId: string | null,
    change: StatusChange,
    offset: number,
  ): { sql: string; values: unknown[] } {
    const values: unknown[] = [];
    const p = (value: unknown) => {
      values.push(value);
      return this.statements.parameter(offset + values.length - 1);
    };
    const set = [
      `"conditions" = (SELECT COALESCE(json_agg(merged.c ORDER BY merged.o), '[]')::text FROM (` +
        `SELECT kept.c, kept.o FROM json_array_elements(COALESCE("conditions", '[]')::json) WITH ORDINALITY AS kept(c, o)` +
        ` WHERE NOT (kept.c->>'type' = ANY(${p(change.conditions.map((c) => c.type))}::text[]))` +
        ` UNION ALL SELECT given.c, 2147483647 + given.o FROM json_array_elements(${p(JSON.stringify(change.conditions))}::json)` +
        ` WITH ORDINALITY AS given(c, o)) AS merged)`,
    ];
    if (change.phase) {
      const keep: string[] = [];
      if (change.keepPhase?.newerThanGeneration !== undefined)
        keep.push(`"generation" > ${p(change.keepPhase.newerThanGeneration)}`);
      if (change.keepPhase?.deletionRequested) keep.push(`"deletion_requested_at" IS NOT NULL`);
      set.push(
        keep.length
          ? `"phase" = CASE WHEN ${keep.join(' OR ')} THEN "phase" ELSE ${p(change.phase)} END`
          : `"phase" = ${p(change.phase)}`,
      );
    }
    if (change.observedGeneration !== undefined)
      set.push(`"observed_generation" = GREATEST("observed_generation", ${p(change.observedGeneration)})`);
    if (change.touch !== false) set.push(`"updated_at" = ${p(this.statements.persistent('updatedAt', new Date()))}`);
    const where = [`"environment_name" = ${p(environmentName)}`, `"name" = ${p(name)}`];
    if (applicationId !== null) where.push(`"id" = ${p(applicationId)}`);
    return { sql: `UPDATE "applications" SET ${set.join(', ')} WHERE ${where.join(' AND ')}`, values };
  }

  /**
   * The end of a delete, in one transaction: every managed resource of the application that is not retained goes
   * (with its connection secrets), the application row goes, and an audit record stays. Returns the retained components.
   */
  async finalizeDeletion(
    environmentName: string,
    name: string,
    operationId: string,
    now = new Date(),
  ): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const retained = await removeApplicationResources(manager, environmentName, name);
      const row = await manager.getRepository(ApplicationEntity).findOneBy({ environmentName, name });
      if (row) {
        await manager.getRepository(DeletedApplicationEntity).insert(
          insertable({
            id: randomUUID(),
            environmentName,
            name,
            lastGeneration: row.generation,
            operationId,
            retained,
            createdAt: row.createdAt,
            deletedAt: now,
          }),
        );
        await manager.getRepository(ApplicationEntity).delete({ id: row.id });
      }
      return retained;
    });
  }
}
