import { randomUUID } from 'node:crypto';
import type { LogLevel, OperationKind, OperationState } from '@berth/core';
import { Equal, In, LessThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { insertable } from '../entities/column-types';
import { OperationEventEntity } from '../entities/operation-event.entity';
import { OperationEntity, type OperationOptions, type StepRecord } from '../entities/operation.entity';
import { isUniqueViolation } from '../errors/persistence.error';
import { EntityStatements, type DependentUpdate } from '../statements/entity-statements';

export interface NewOperation {
  kind: OperationKind;
  applicationId: string;
  environmentName: string;
  applicationName: string;
  generation: number;
  revisionId: string | null;
  options?: OperationOptions;
  /** Who asked for it (absent: Berth itself, e.g. a scheduled refresh). */
  actor?: OperationActor;
}

/** Who caused an operation or an event. */
export interface OperationActor {
  subject: string;
  tokenName: string | null;
}

export interface NewEvent {
  level: LogLevel;
  message: string;
  step?: string | null;
  component?: string | null;
  fields?: Record<string, unknown> | null;
  /** Default: the actor of the operation. */
  actor?: OperationActor | null;
  /** When it happened (default: when it is written). */
  time?: Date;
}

const ACTIVE: OperationState[] = ['Queued', 'Running'];

/**
 * The operation queue. Claims are atomic (SQLite: one UPDATE … WHERE id = (SELECT …); PostgreSQL: SELECT … FOR UPDATE
 * SKIP LOCKED in a transaction), and a partial unique index keeps at most one Running operation per application.
 * Every write a worker makes is conditioned on its lease token: a worker that lost its lease changes nothing.
 */
export class OperationRepository {
  private readonly rows: Repository<OperationEntity>;
  private readonly events: Repository<OperationEventEntity>;
  /** The per-operation reads and writes a worker makes at every step, as cached statements. */
  private readonly statements: EntityStatements<OperationEntity>;
  private readonly eventStatements: EntityStatements<OperationEventEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(OperationEntity);
    this.events = dataSource.getRepository(OperationEventEntity);
    this.statements = new EntityStatements(dataSource, OperationEntity);
    this.eventStatements = new EntityStatements(dataSource, OperationEventEntity);
  }

  private get postgres(): boolean {
    return this.dataSource.driver.options.type === 'postgres';
  }

  /**
   * Queues an operation (inside the caller's transaction, e.g. the PUT's). A newer apply or a delete supersedes the
   * application's queued applies and refreshes: they would only be undone by it.
   */
  async enqueue(manager: EntityManager, input: NewOperation, now = new Date()): Promise<OperationEntity> {
    const rows = manager.getRepository(OperationEntity);
    // An apply or a delete makes queued applies and refreshes pointless; a refresh or a rotation replaces nothing.
    // The first apply of an application (generation 1) has nothing to supersede: one round trip less per create.
    if ((input.kind === 'apply' && input.generation > 1) || input.kind === 'delete') {
      await rows.update(
        {
          environmentName: input.environmentName,
          applicationName: input.applicationName,
          state: 'Queued',
          kind: In(['apply', 'refresh']),
        },
        { state: 'Superseded', finishedAt: now, updatedAt: now, error: `superseded by a newer ${input.kind}` },
      );
    }
    const row = rows.create({
      id: randomUUID(),
      kind: input.kind,
      applicationId: input.applicationId,
      environmentName: input.environmentName,
      applicationName: input.applicationName,
      generation: input.generation,
      revisionId: input.revisionId,
      options: input.options ?? {},
      state: 'Queued',
      steps: null,
      attempts: 0,
      leaseOwner: null,
      leaseExpiresAt: null,
      error: null,
      actorSubject: input.actor?.subject ?? null,
      actorTokenName: input.actor?.tokenName ?? null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    });
    // The operation and its first event: one round trip on PostgreSQL.
    const queued: NewEvent = {
      level: 'info',
      message: `${input.kind} queued (generation ${input.generation})`,
      actor: input.actor ?? null,
    };
    await this.statements.insertThenInsert(
      row,
      this.eventStatements,
      await this.eventRows(manager, row.id, [queued], now),
      manager,
    );
    this.rememberActor(row);
    return row;
  }

  /**
   * Queues a refresh unless the application has an operation queued or running by now (a paced sweep picks
   * applications some time before it queues them). Null when skipped. On PostgreSQL two round trips and no
   * transaction (the operation and its event go in one statement; a transaction at READ COMMITTED would not keep
   * another writer out between the check and the insert either); on SQLite, in-process, one transaction.
   */
  async enqueueRefreshIfIdle(
    app: { id: string; environmentName: string; name: string; generation: number },
    now = new Date(),
  ): Promise<OperationEntity | null> {
    const enqueue = async (manager: EntityManager) => {
      const active = `SELECT 1 FROM operations WHERE environment_name = ${this.statements.parameter(0)}
        AND application_name = ${this.statements.parameter(1)} AND state IN ('Queued', 'Running') LIMIT 1`;
      const { records } = await this.statements.query(active, [app.environmentName, app.name], manager);
      if (records.length > 0) return null;
      return this.enqueue(
        manager,
        {
          kind: 'refresh',
          applicationId: app.id,
          environmentName: app.environmentName,
          applicationName: app.name,
          generation: Number(app.generation),
          revisionId: null,
        },
        now,
      );
    };
    return this.postgres ? enqueue(this.dataSource.manager) : this.dataSource.transaction(enqueue);
  }

  /** Refresh operations queued or running, in every process (the refresh ceiling counts these). */
  refreshesInFlight(): Promise<number> {
    return this.rows.countBy({ kind: 'refresh', state: In(ACTIVE) });
  }

  find(id: string): Promise<OperationEntity | null> {
    return this.statements.findOne({ id });
  }

  /** Newest first (by creation, then id); `before` is the (createdAt, id) of the last one of the previous page. */
  listForApplication(
    environmentName: string,
    applicationName: string,
    limit = 50,
    before?: { createdAt: Date; id: string },
  ): Promise<OperationEntity[]> {
    if (!before)
      return this.statements.find(
        { environmentName, applicationName },
        {
          order: [
            ['createdAt', 'DESC'],
            ['id', 'DESC'],
          ],
          limit,
        },
      );
    return this.rows.find({
      where: [
        { environmentName, applicationName, createdAt: LessThan(before.createdAt) },
        { environmentName, applicationName, createdAt: Equal(before.createdAt), id: LessThan(before.id) },
      ],
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  async latestForApplication(environmentName: string, applicationName: string): Promise<OperationEntity | null> {
    return (await this.listForApplication(environmentName, applicationName, 1))[0] ?? null;
  }

  async hasActive(environmentName: string, applicationName: string): Promise<boolean> {
    return (await this.rows.countBy({ environmentName, applicationName, state: In(ACTIVE) })) > 0;
  }

  /**
   * Claims the next operation for `owner` (a token unique to this claim): a Running one whose lease expired first
   * (its worker died), else the oldest Queued one of an application that has nothing Running. `exclude`: the ids the
   * calling worker is running itself; their lease may lapse when its heartbeat is late (a busy event loop), but the
   * worker is alive and still acting on them, so taking them over would run one operation twice at once.
   */
  async claim(
    owner: string,
    leaseMs: number,
    now = new Date(),
    exclude: readonly string[] = [],
  ): Promise<OperationEntity | null> {
    const nowMs = now.getTime();
    const at = (index: number) => this.statements.parameter(index);
    // 0 owner, 1 lease end, 2 now (updated), 3 now (started), 4 now (epoch ms, lease expiry), then the exclusions
    // twice (once per candidate query: SQLite's placeholders are positional).
    const excluded = (from: number) =>
      exclude.length ? ` AND o.id NOT IN (${exclude.map((_, i) => at(from + i)).join(', ')})` : '';
    const lock = this.postgres ? ' FOR UPDATE OF o SKIP LOCKED' : '';
    // A Running operation whose lease expired (its worker died) first, else the oldest Queued one of an application
    // with nothing Running. Two index walks on (state, created_at) that stop at the first candidate: one query with
    // an OR of both and a CASE in its ORDER BY sorted every Queued operation at every claim (13 ms with 10,000
    // queued, on the event loop with SQLite).
    const candidate = `COALESCE(
      (SELECT o.id FROM operations o WHERE o.state = 'Running' AND o.lease_expires_at < ${at(4)}${excluded(5)}
        ORDER BY o.created_at, o.id LIMIT 1${lock}),
      (SELECT o.id FROM operations o
        WHERE o.state = 'Queued' AND NOT EXISTS (
                SELECT 1 FROM operations r
                WHERE r.environment_name = o.environment_name AND r.application_name = o.application_name
                  AND r.state = 'Running')${excluded(5 + exclude.length)}
        ORDER BY o.created_at, o.id LIMIT 1${lock}))`;
    // One statement: the candidate is locked (PostgreSQL: skipping rows another claim holds), taken and read back. The
    // epoch milliseconds go as text (the integer columns convert them back), so the SQL text is the same every time
    // and stays one prepared statement.
    const sql = `UPDATE operations SET state = 'Running', lease_owner = ${at(0)}, lease_expires_at = ${at(1)},
        attempts = attempts + 1, updated_at = ${at(2)}, started_at = COALESCE(started_at, ${at(3)})
      WHERE id = ${candidate}
      RETURNING ${this.statements.columnList()}`;
    const values = [
      owner,
      String(nowMs + leaseMs),
      this.statements.persistent('updatedAt', now),
      this.statements.persistent('startedAt', now),
      String(nowMs),
      ...exclude,
      ...exclude,
    ];
    let records: Array<Record<string, unknown>>;
    try {
      ({ records } = await this.statements.query(sql, values));
    } catch (error) {
      // Another worker claimed an operation of the same application at the same moment: try again later.
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    if (records.length === 0) return null;
    const row = this.statements.hydrate(records[0]);
    this.rememberActor(row);
    return row;
  }

  /** Extends the lease; false when it is no longer ours (expired and taken over, or the operation ended). */
  async renewLease(id: string, owner: string, leaseMs: number, now = Date.now()): Promise<boolean> {
    return (
      (await this.statements.update({ id, leaseOwner: owner, state: 'Running' }, { leaseExpiresAt: now + leaseMs })) > 0
    );
  }

  /** Lets another worker take the operation over at once (graceful shutdown). */
  async release(id: string, owner: string): Promise<void> {
    await this.rows.update({ id, leaseOwner: owner, state: 'Running' }, { leaseExpiresAt: 0 });
  }

  /**
   * Stores the step states, and with them (only if the lease still holds) `events`: one round trip on PostgreSQL.
   * False when the lease is no longer ours.
   */
  /**
   * Stores the step states with `events` and, with them, the `also` updates (a component's phase): one statement on
   * PostgreSQL, one transaction elsewhere; nothing when the lease is lost.
   */
  async saveSteps(
    id: string,
    owner: string,
    steps: StepRecord[],
    now = new Date(),
    events: readonly NewEvent[] = [],
    also: readonly DependentUpdate[] = [],
  ): Promise<boolean> {
    return this.updateWith(id, owner, { steps, updatedAt: now }, events, now, also);
  }

  /** The lease-fenced update of the operation, its events and the dependent updates, all or nothing. */
  private async updateWith(
    id: string,
    owner: string,
    changes: Partial<OperationEntity>,
    events: readonly NewEvent[],
    now: Date,
    also: readonly DependentUpdate[],
  ): Promise<boolean> {
    const write = async (manager: EntityManager) =>
      (await this.statements.updateThenInsert(
        { id, leaseOwner: owner, state: 'Running' },
        changes,
        this.eventStatements,
        await this.eventRows(manager, id, events, now),
        manager,
        also,
      )) > 0;
    return this.postgres || also.length === 0 ? write(this.dataSource.manager) : this.dataSource.transaction(write);
  }

  /**
   * Ends the operation, and records `events` with it (only if the lease still holds), with the final step states when
   * given: one round trip on PostgreSQL.
   */
  async finish(
    id: string,
    owner: string,
    state: 'Succeeded' | 'Failed',
    error: string | null,
    now = new Date(),
    events: readonly NewEvent[] = [],
    steps?: StepRecord[],
    also: readonly DependentUpdate[] = [],
  ): Promise<boolean> {
    return this.updateWith(
      id,
      owner,
      {
        state,
        error,
        finishedAt: now,
        updatedAt: now,
        leaseOwner: null,
        leaseExpiresAt: null,
        ...(steps ? { steps } : {}),
      },
      events,
      now,
      also,
    );
  }

  /**
   * Puts a Failed operation back in the queue; its completed steps are not run again. `actor` (who asked for the
   * retry) becomes the operation's actor: what it does from now on, it does for them.
   */
  async requeue(operation: OperationEntity, now = new Date(), actor?: OperationActor): Promise<boolean> {
    const steps = operation.steps?.map((step) =>
      step.state === 'Failed' || step.state === 'Skipped' || step.state === 'Running'
        ? { ...step, state: 'Pending' as const, error: null, finishedAt: null }
        : step,
    );
    const result = await this.rows.update(
      { id: operation.id, state: 'Failed' },
      insertable({
        state: 'Queued',
        steps: steps ?? null,
        error: null,
        finishedAt: null,
        updatedAt: now,
        ...(actor ? { actorSubject: actor.subject, actorTokenName: actor.tokenName } : {}),
      }),
    );
    if (actor) this.rememberActor({ id: operation.id, actorSubject: actor.subject, actorTokenName: actor.tokenName });
    return (result.affected ?? 0) > 0;
  }

  /** The actors of recently queued or claimed operations, so that their events need no lookup. */
  private readonly actors = new Map<string, OperationActor | null>();

  private rememberActor(row: Pick<OperationEntity, 'id' | 'actorSubject' | 'actorTokenName'>): void {
    if (this.actors.size >= 1000) this.actors.delete(this.actors.keys().next().value!);
    this.actors.set(row.id, row.actorSubject ? { subject: row.actorSubject, tokenName: row.actorTokenName } : null);
  }

  private async actorOf(manager: EntityManager, operationId: string): Promise<OperationActor | null> {
    const known = this.actors.get(operationId);
    if (known !== undefined) return known;
    const row = await manager.getRepository(OperationEntity).findOne({
      where: { id: operationId },
      select: { id: true, actorSubject: true, actorTokenName: true },
    });
    if (!row) return null;
    this.rememberActor(row);
    return this.actors.get(operationId) ?? null;
  }

  async appendEvent(operationId: string, event: NewEvent, now = new Date()): Promise<void> {
    await this.appendEventWith(this.dataSource.manager, operationId, event, now);
  }

  /** Appends the events in order, in one statement. */
  async appendEvents(operationId: string, events: readonly NewEvent[], now = new Date()): Promise<void> {
    await this.eventStatements.insertMany(await this.eventRows(this.dataSource.manager, operationId, events, now));
  }

  private async appendEventWith(
    manager: EntityManager,
    operationId: string,
    event: NewEvent,
    now: Date,
  ): Promise<void> {
    await this.eventStatements.insertMany(await this.eventRows(manager, operationId, [event], now), manager);
  }

  /** The rows of `events` (in order: `seq` follows the order of a multi-row insert's values). */
  private async eventRows(
    manager: EntityManager,
    operationId: string,
    events: readonly NewEvent[],
    now: Date,
  ): Promise<Array<Partial<OperationEventEntity>>> {
    if (events.length === 0) return [];
    const operationActor = events.some((event) => event.actor === undefined)
      ? await this.actorOf(manager, operationId)
      : null;
    return events.map((event) => {
      const actor = event.actor !== undefined ? event.actor : operationActor;
      return {
        operationId,
        time: event.time ?? now,
        actorSubject: actor?.subject ?? null,
        actorTokenName: actor?.tokenName ?? null,
        level: event.level,
        step: event.step ?? null,
        component: event.component ?? null,
        message: event.message,
        fields: event.fields && Object.keys(event.fields).length > 0 ? event.fields : null,
      };
    });
  }

  /** Events with seq > after, oldest first. */
  eventsAfter(operationId: string, after = 0, limit = 1000): Promise<OperationEventEntity[]> {
    return this.events
      .createQueryBuilder('e')
      .where('e.operationId = :operationId AND e.seq > :after', { operationId, after })
      .orderBy('e.seq', 'ASC')
      .take(limit)
      .getMany();
  }

  queueDepth(): Promise<number> {
    return this.rows.countBy({ state: 'Queued' });
  }

  async countsByKindAndState(): Promise<Array<{ kind: string; state: string; count: number }>> {
    const rows: Array<{ kind: string; state: string; count: string | number }> = await this.rows
      .createQueryBuilder('o')
      .select('o.kind', 'kind')
      .addSelect('o.state', 'state')
      .addSelect('COUNT(*)', 'count')
      .groupBy('o.kind')
      .addGroupBy('o.state')
      .getRawMany();
    return rows.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.count) }));
  }

  /** Ready applications with nothing queued or running and no operation that ended after `before` (refresh schedule). */
  async idleSince(
    before: Date,
  ): Promise<Array<{ environmentName: string; name: string; id: string; generation: number }>> {
    return this.dataSource.query(
      `SELECT a.environment_name AS "environmentName", a.name AS "name", a.id AS "id", a.generation AS "generation"
       FROM applications a
       WHERE a.phase = 'Ready' AND a.deletion_requested_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.environment_name = a.environment_name
                           AND o.application_name = a.name
                           AND (o.state IN ('Queued', 'Running') OR o.finished_at > ${this.postgres ? '$1' : '?'}))`,
      [this.postgres ? before : before.toISOString().replace('T', ' ').replace('Z', '')],
    );
  }
}
