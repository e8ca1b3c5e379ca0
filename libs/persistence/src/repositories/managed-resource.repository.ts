import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { ConnectionSecretEntity } from '../entities/connection-secret.entity';
import { ManagedResourceEntity } from '../entities/managed-resource.entity';
import { EntityStatements, type DependentUpdate } from '../statements/entity-statements';

export type ResourceKey = Pick<ManagedResourceEntity, 'environmentName' | 'applicationName' | 'component'>;
export type ResourceChanges = Partial<
  Omit<ManagedResourceEntity, 'id' | 'environmentName' | 'applicationName' | 'component' | 'createdAt'>
>;

/**
 * What the lifecycle reads and writes of managed resources and their connection secrets: the repository itself, or a
 * view over it that serves one operation's reads of its own application from memory (see OperationResources).
 */
export type ResourceStore = Pick<
  ManagedResourceRepository,
  | 'list'
  | 'find'
  | 'findInEnvironments'
  | 'upsert'
  | 'set'
  | 'update'
  | 'remove'
  | 'latestSecret'
  | 'findSecret'
  | 'insertSecret'
>;

/** Managed resources (cloud components and delivered workloads) and their sealed connection secret versions. */
export class ManagedResourceRepository {
  private readonly rows: Repository<ManagedResourceEntity>;
  private readonly secrets: Repository<ConnectionSecretEntity>;
  /** Every step of every operation reads and writes these: cached statements instead of the query builder. */
  private readonly statements: EntityStatements<ManagedResourceEntity>;
  private readonly secretStatements: EntityStatements<ConnectionSecretEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(ManagedResourceEntity);
    this.secrets = dataSource.getRepository(ConnectionSecretEntity);
    this.statements = new EntityStatements(dataSource, ManagedResourceEntity);
    this.secretStatements = new EntityStatements(dataSource, ConnectionSecretEntity);
  }

  list(environmentName: string, applicationName: string): Promise<ManagedResourceEntity[]> {
    return this.statements.find({ environmentName, applicationName }, { order: [['component', 'ASC']] });
  }

  find(key: ResourceKey): Promise<ManagedResourceEntity | null> {
    return this.statements.findOne({
      environmentName: key.environmentName,
      applicationName: key.applicationName,
      component: key.component,
    });
  }

  /** One component's rows of an application, in whichever of `environmentNames` have one: one query for all. */
  findInEnvironments(
    environmentNames: readonly string[],
    applicationName: string,
    component: string,
  ): Promise<ManagedResourceEntity[]> {
    if (environmentNames.length === 0) return Promise.resolve([]);
    return this.rows.findBy({ environmentName: In([...environmentNames]), applicationName, component });
  }

  /** Inserts the row or updates the given fields of the existing one; returns the row as stored. */
  async upsert(
    key: ResourceKey,
    changes: ResourceChanges & Pick<ManagedResourceEntity, 'type' | 'category'>,
    now = new Date(),
  ): Promise<ManagedResourceEntity> {
    const existing = await this.find(key);
    if (existing) {
      await this.statements.update({ id: existing.id }, { ...changes, updatedAt: now });
      return { ...existing, ...changes, updatedAt: now };
    }
    const row = this.newRow(key, changes, now);
    await this.statements.insert(row);
    return row;
  }

  /** Inserts a row built by `newRow` (fails on a row of the same component); one statement. */
  async insert(row: ManagedResourceEntity): Promise<void> {
    await this.statements.insert(row);
  }

  /**
   * `upsert` without reading the row first (nor returning it): one statement, for a caller that only sets fields
   * (a step's start sets the component's phase).
   */
  async set(
    key: ResourceKey,
    changes: ResourceChanges & Pick<ManagedResourceEntity, 'type' | 'category'>,
    now = new Date(),
  ): Promise<void> {
    const fields = Object.keys(changes).filter((k) => changes[k as keyof typeof changes] !== undefined) as Array<
      keyof ManagedResourceEntity
    >;
    await this.statements.insertOrUpdate(
      this.newRow(key, changes, now),
      ['environmentName', 'applicationName', 'component'],
      [...fields, 'updatedAt'],
    );
  }

  /** The row `upsert` or `set` would insert for a component that has none: the defaults, then `changes`. */
  newRow(
    key: ResourceKey,
    changes: ResourceChanges & Pick<ManagedResourceEntity, 'type' | 'category'>,
    now: Date,
  ): ManagedResourceEntity {
    return {
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
      sharedOwner: null,
      conditions: [],
      lastError: null,
      ...changes,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Updates an existing row (no-op when there is none). */
  async update(key: ResourceKey, changes: ResourceChanges, now = new Date()): Promise<void> {
    await this.statements.update(
      { environmentName: key.environmentName, applicationName: key.applicationName, component: key.component },
      { ...changes, updatedAt: now },
    );
  }

  /** `update` made to go with another write (an operation's step state: `OperationRepository.saveSteps`). */
  async updating(key: ResourceKey, changes: ResourceChanges, now = new Date()): Promise<DependentUpdate> {
    return this.statements.updating(
      { environmentName: key.environmentName, applicationName: key.applicationName, component: key.component },
      { ...changes, updatedAt: now },
    );
  }

  /** Removes the row and every version of its connection secret. */
  async remove(row: Pick<ManagedResourceEntity, 'id'>): Promise<void> {
    await this.secrets.delete({ resourceId: row.id });
    await this.rows.delete({ id: row.id });
  }

  async latestSecret(resourceId: string): Promise<ConnectionSecretEntity | null> {
    return this.secretStatements.findOne({ resourceId }, { order: [['version', 'DESC']] });
  }

  findSecret(resourceId: string, version: number): Promise<ConnectionSecretEntity | null> {
    return this.secretStatements.findOne({ resourceId, version });
  }

  async insertSecret(
    row: Omit<ConnectionSecretEntity, 'id' | 'createdAt'>,
    now = new Date(),
  ): Promise<ConnectionSecretEntity> {
    const stored: ConnectionSecretEntity = { id: randomUUID(), ...row, createdAt: now };
    await this.secretStatements.insert(stored);
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
