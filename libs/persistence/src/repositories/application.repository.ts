import { randomUUID } from 'node:crypto';
import type { ApplicationPhase, JsonObject } from '@berth/core';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { ApplicationRevisionEntity } from '../entities/application-revision.entity';
import { ApplicationEntity } from '../entities/application.entity';
import { insertable } from '../entities/column-types';
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
}

export interface AppendRevisionOptions {
  /** The application as read before deciding to write (undefined to create it); its generation must still hold. */
  current?: ApplicationEntity;
  now?: Date;
  /** Runs inside the same transaction after the write (e.g. to queue an operation). */
  inTransaction?: (manager: EntityManager, application: ApplicationEntity, revision: ApplicationRevisionEntity) => Promise<void>;
}

export class ApplicationRepository {
  private readonly rows: Repository<ApplicationEntity>;
  private readonly revisions: Repository<ApplicationRevisionEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(ApplicationEntity);
    this.revisions = dataSource.getRepository(ApplicationRevisionEntity);
  }

  find(environmentName: string, name: string): Promise<ApplicationEntity | null> {
    return this.rows.findOneBy({ environmentName, name });
  }

  findRevision(id: string): Promise<ApplicationRevisionEntity | null> {
    return this.revisions.findOneBy({ id });
  }

  /** Only the content hash of a revision (cheap: the no-op check on every PUT). */
  async findRevisionHash(id: string): Promise<string | undefined> {
    const row = await this.revisions.findOne({ where: { id }, select: { id: true, contentHash: true } });
    return row?.contentHash;
  }

  /** Revisions of one application, newest first. */
  listRevisions(applicationId: string): Promise<ApplicationRevisionEntity[]> {
    return this.revisions.find({ where: { applicationId }, order: { generation: 'DESC' } });
  }

  count(environmentName: string, phase?: ApplicationPhase): Promise<number> {
    return this.rows.countBy(phase ? { environmentName, phase } : { environmentName });
  }

  /** One page ordered by name; fetches `limit + 1` rows so the caller knows whether more follow. */
  async list(environmentName: string, query: ListApplicationsQuery): Promise<{ items: ApplicationEntity[]; more: boolean }> {
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
    const now = options.now ?? new Date();
    try {
      return await this.dataSource.transaction(async (manager) => {
        const applications = manager.getRepository(ApplicationEntity);
        const revisions = manager.getRepository(ApplicationRevisionEntity);
        const current = options.current;
        const generation = (current?.generation ?? 0) + 1;
        const revision = revisions.create({
          id: randomUUID(),
          applicationId: current?.id ?? randomUUID(),
          generation,
          contentHash: input.contentHash,
          document: input.document,
          originalText: input.originalText,
          contentType: input.contentType,
          createdAt: now,
        });
        let application: ApplicationEntity;
        if (!current) {
          application = applications.create({
            id: revision.applicationId,
            environmentName: input.environmentName,
            name: input.name,
            generation,
            observedGeneration: 0,
            currentRevisionId: null,
            phase: 'Pending',
            conditions: [],
            deletionRequestedAt: null,
            createdAt: now,
            updatedAt: now,
          });
          await applications.insert(insertable(application));
          await revisions.insert(insertable(revision));
          await applications.update({ id: application.id }, { currentRevisionId: revision.id });
          application.currentRevisionId = revision.id;
        } else {
          const result = await applications
            .createQueryBuilder()
            .update(ApplicationEntity)
            .set({ generation, currentRevisionId: revision.id, phase: 'Pending', updatedAt: now })
            .where('id = :id AND generation = :generation', { id: current.id, generation: current.generation })
            .execute();
          if (result.affected !== 1) {
            throw new PersistenceError(PersistenceErrorCode.Stale, `application ${input.name} changed concurrently`);
          }
          await revisions.insert(insertable(revision));
          application = { ...current, generation, currentRevisionId: revision.id, phase: 'Pending', updatedAt: now };
        }
        await options.inTransaction?.(manager, application, revision);
        return { application, revision };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new PersistenceError(PersistenceErrorCode.Conflict, `application ${input.name} was written concurrently`, {
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
      { deletionRequestedAt, phase: 'Deleting', updatedAt: now },
    );
    return { ...application, deletionRequestedAt, phase: 'Deleting', updatedAt: now };
  }
}
