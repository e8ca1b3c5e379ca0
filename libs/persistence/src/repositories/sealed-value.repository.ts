import { In, IsNull, MoreThan, Not, type DataSource, type EntityManager } from 'typeorm';
import { ApplicationEntity, type StoredWorkflow } from '../entities/application.entity';
import { insertable } from '../entities/column-types';
import { ApplicationRevisionEntity } from '../entities/application-revision.entity';
import { ConnectionSecretEntity } from '../entities/connection-secret.entity';
import { ManagedResourceEntity } from '../entities/managed-resource.entity';

/** The four columns of a sealed connection secret version. */
export interface SealedColumns {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** A revision's sealed secret properties, with the application they belong to. */
export interface SealedRevision {
  id: string;
  environmentName: string;
  applicationName: string;
  sealedSecrets: string;
}

/** A resource's sealed held inputs, with the component it belongs to. */
export interface SealedInputs {
  id: string;
  environmentName: string;
  applicationName: string;
  component: string;
  sealedInputs: string;
}

/** A workflow run's sealed delivery inputs (per `<step>/<environment>`), with the home application's name. */
export interface SealedWorkflow {
  id: string;
  applicationName: string;
  workflow: StoredWorkflow;
}

/**
 * Reads and rewrites in one transaction. Every rewrite is conditioned on the value read, so a concurrent write of the
 * same row is never overwritten: it answers false instead.
 */
export class SealedValueBatch {
  constructor(private readonly manager: EntityManager) {}

  /** Connection secret versions sealed with another key than `keyId`, by id. */
  connectionSecretsNotSealedWith(keyId: string, limit: number): Promise<ConnectionSecretEntity[]> {
    return this.manager.find(ConnectionSecretEntity, {
      where: { keyId: Not(keyId) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  async resealConnectionSecret(row: ConnectionSecretEntity, sealed: SealedColumns): Promise<boolean> {
    const result = await this.manager.update(
      ConnectionSecretEntity,
      { id: row.id, keyId: row.keyId, ciphertext: row.ciphertext },
      { keyId: sealed.keyId, iv: sealed.iv, tag: sealed.tag, ciphertext: sealed.ciphertext },
    );
    return !!result.affected;
  }

  /** Revisions holding sealed secrets, by id, after `afterId`. */
  async revisionsAfter(afterId: string, limit: number): Promise<SealedRevision[]> {
    const rows = await this.manager.find(ApplicationRevisionEntity, {
      where: { id: MoreThan(afterId), sealedSecrets: Not(IsNull()) },
      select: { id: true, applicationId: true, sealedSecrets: true },
      order: { id: 'ASC' },
      take: limit,
    });
    const applications = new Map(
      (
        await this.manager.find(ApplicationEntity, {
          where: { id: In([...new Set(rows.map((r) => r.applicationId))]) },
          select: { id: true, environmentName: true, name: true },
        })
      ).map((a) => [a.id, a]),
    );
    return rows.map((row) => {
      const application = applications.get(row.applicationId);
      if (!application) throw new Error(`revision ${row.id} belongs to no application`);
      return {
        id: row.id,
        environmentName: application.environmentName,
        applicationName: application.name,
        sealedSecrets: row.sealedSecrets!,
      };
    });
  }

  async resealRevision(row: SealedRevision, sealedSecrets: string): Promise<boolean> {
    const result = await this.manager.update(
      ApplicationRevisionEntity,
      { id: row.id, sealedSecrets: row.sealedSecrets },
      { sealedSecrets },
    );
    return !!result.affected;
  }

  /** Resources holding sealed inputs, by id, after `afterId`. */
  async resourcesAfter(afterId: string, limit: number): Promise<SealedInputs[]> {
    const rows = await this.manager.find(ManagedResourceEntity, {
      where: { id: MoreThan(afterId), sealedInputs: Not(IsNull()) },
      select: { id: true, environmentName: true, applicationName: true, component: true, sealedInputs: true },
      order: { id: 'ASC' },
      take: limit,
    });
    return rows.map((row) => ({ ...row, sealedInputs: row.sealedInputs! }));
  }

  /** Applications whose workflow run holds sealed delivery inputs, by id, after `afterId`. */
  async workflowsAfter(
    afterId: string,
    limit: number,
  ): Promise<{ rows: SealedWorkflow[]; lastId: string | undefined; more: boolean }> {
    const rows = await this.manager.find(ApplicationEntity, {
      where: { id: MoreThan(afterId), workflow: Not(IsNull()) },
      select: { id: true, name: true, workflow: true },
      order: { id: 'ASC' },
      take: limit,
    });
    return {
      rows: rows
        .filter((row) => Object.keys(row.workflow?.sealed ?? {}).length > 0)
        .map((row) => ({ id: row.id, applicationName: row.name, workflow: row.workflow! })),
      lastId: rows[rows.length - 1]?.id,
      more: rows.length === limit,
    };
  }

  /**
   * Replaces the run's sealed inputs, keeping its state as stored now (a run that advanced since it was read keeps
   * its progress).
   */
  async resealWorkflow(row: SealedWorkflow, sealed: Record<string, string>): Promise<boolean> {
    const current = await this.manager.findOne(ApplicationEntity, {
      where: { id: row.id },
      select: { id: true, workflow: true },
    });
    if (!current?.workflow) return false;
    const result = await this.manager.update(
      ApplicationEntity,
      { id: row.id },
      insertable<Partial<ApplicationEntity>>({ workflow: { ...current.workflow, sealed } }),
    );
    return !!result.affected;
  }

  async resealResource(row: SealedInputs, sealedInputs: string): Promise<boolean> {
    const result = await this.manager.update(
      ManagedResourceEntity,
      { id: row.id, sealedInputs: row.sealedInputs },
      { sealedInputs },
    );
    return !!result.affected;
  }
}

/** Every sealed value at rest, for re-encryption under a new key and for the boot check of the keys in use. */
export class SealedValueRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction. */
  inBatch<T>(work: (batch: SealedValueBatch) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new SealedValueBatch(manager)));
  }

  countConnectionSecretsSealedWith(keyId: string): Promise<number> {
    return this.dataSource.getRepository(ConnectionSecretEntity).count({ where: { keyId } });
  }

  /** How many connection secret versions each key sealed. */
  async connectionSecretsByKey(): Promise<Array<{ keyId: string; count: number }>> {
    const rows: Array<{ keyId: string; count: string | number }> = await this.dataSource
      .getRepository(ConnectionSecretEntity)
      .createQueryBuilder('secret')
      .select('secret.keyId', 'keyId')
      .addSelect('COUNT(*)', 'count')
      .groupBy('secret.keyId')
      .getRawMany();
    return rows.map((row) => ({ keyId: row.keyId, count: Number(row.count) }));
  }
}
