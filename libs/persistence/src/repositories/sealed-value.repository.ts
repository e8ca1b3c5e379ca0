import { In, IsNull, MoreThan, Not, type DataSource, type EntityManager } from 'typeorm';
import { ApplicationEntity } from '../entities/application.entity';
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
