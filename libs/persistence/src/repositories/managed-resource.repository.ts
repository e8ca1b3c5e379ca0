import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { insertable } from '../entities/column-types';
import { ConnectionSecretEntity } from '../entities/connection-secret.entity';
import { ManagedResourceEntity } from '../entities/managed-resource.entity';

export type ResourceKey = Pick<ManagedResourceEntity, 'environmentName' | 'applicationName' | 'component'>;
export type ResourceChanges = Partial<
  Omit<ManagedResourceEntity, 'id' | 'environmentName' | 'applicationName' | 'component' | 'createdAt'>
>;

/** Managed resources (cloud components and delivered workloads) and their sealed connection secret versions. */
export class ManagedResourceRepository {
  private readonly rows: Repository<ManagedResourceEntity>;
  private readonly secrets: Repository<ConnectionSecretEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(ManagedResourceEntity);
    this.secrets = dataSource.getRepository(ConnectionSecretEntity);
  }

  list(environmentName: string, applicationName: string): Promise<ManagedResourceEntity[]> {
    return this.rows.find({ where: { environmentName, applicationName }, order: { component: 'ASC' } });
  }

  find(key: ResourceKey): Promise<ManagedResourceEntity | null> {
    return this.rows.findOneBy({ ...key });
  }

  /** Inserts the row or updates the given fields of the existing one; returns the row as stored. */
  async upsert(
    key: ResourceKey,
    changes: ResourceChanges & Pick<ManagedResourceEntity, 'type' | 'category'>,
    now = new Date(),
  ): Promise<ManagedResourceEntity> {
    const existing = await this.find(key);
    if (existing) {
      await this.rows.update(
        { id: existing.id },
        insertable<ManagedResourceEntity>({ ...changes, updatedAt: now } as ManagedResourceEntity),
      );
      return { ...existing, ...changes, updatedAt: now };
    }
    const row: ManagedResourceEntity = {
      id: randomUUID(),
      ...key,
      profileKind: null,
      profileName: null,
      externalIds: {},
      outputs: {},
      properties: {},
      sealedInputs: null,
      phase: 'Pending',
      deletionPolicy: 'Delete',
      retained: false,
      propertiesHash: null,
      dependsOn: [],
      stackName: null,
      secretName: null,
      conditions: [],
      lastError: null,
      ...changes,
      createdAt: now,
      updatedAt: now,
    };
    await this.rows.insert(insertable(row));
    return row;
  }

  /** Updates an existing row (no-op when there is none). */
  async update(key: ResourceKey, changes: ResourceChanges, now = new Date()): Promise<void> {
    await this.rows.update(
      { ...key },
      insertable<ManagedResourceEntity>({ ...changes, updatedAt: now } as ManagedResourceEntity),
    );
  }

  /** Removes the row and every version of its connection secret. */
  async remove(row: Pick<ManagedResourceEntity, 'id'>): Promise<void> {
    await this.secrets.delete({ resourceId: row.id });
    await this.rows.delete({ id: row.id });
  }

  async latestSecret(resourceId: string): Promise<ConnectionSecretEntity | null> {
    return this.secrets.findOne({ where: { resourceId }, order: { version: 'DESC' } });
  }

  findSecret(resourceId: string, version: number): Promise<ConnectionSecretEntity | null> {
    return this.secrets.findOneBy({ resourceId, version });
  }

  async insertSecret(
    row: Omit<ConnectionSecretEntity, 'id' | 'createdAt'>,
    now = new Date(),
  ): Promise<ConnectionSecretEntity> {
    const stored: ConnectionSecretEntity = { id: randomUUID(), ...row, createdAt: now };
    await this.secrets.insert(insertable(stored));
    return stored;
  }
}

/** Inside a transaction: removes every resource row of an application that is not retained; returns the retained ones. */
export async function removeApplicationResources(
  manager: EntityManager,
  environmentName: string,
  applicationName: string,
): Promise<string[]> {
  const rows = await manager.getRepository(ManagedResourceEntity).findBy({ environmentName, applicationName });
  const retained: string[] = [];
  for (const row of rows) {
    if (row.retained) {
      retained.push(row.component);
      continue;
    }
    await manager.getRepository(ConnectionSecretEntity).delete({ resourceId: row.id });
    await manager.getRepository(ManagedResourceEntity).delete({ id: row.id });
  }
  return retained;
}
