import type { EnvironmentSpec } from '@berth/core';
import { MoreThan, type DataSource, type Repository } from 'typeorm';
import { insertable } from '../entities/column-types';
import { EnvironmentEntity } from '../entities/environment.entity';
import { isUniqueViolation } from '../errors/persistence.error';
import { EntityStatements } from '../statements/entity-statements';

export class EnvironmentRepository {
  private readonly rows: Repository<EnvironmentEntity>;
  /** Every request and every operation reads its environment: a cached statement instead of the query builder. */
  private readonly statements: EntityStatements<EnvironmentEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(EnvironmentEntity);
    this.statements = new EntityStatements(dataSource, EnvironmentEntity);
  }

  find(name: string): Promise<EnvironmentEntity | null> {
    return this.statements.findOne({ name });
  }

  /** By name; `page` reads `limit` names after `after` (key paging). */
  list(page?: { limit: number; after?: string }): Promise<EnvironmentEntity[]> {
    if (!page) return this.rows.find({ order: { name: 'ASC' } });
    return this.rows.find({
      where: page.after === undefined ? {} : { name: MoreThan(page.after) },
      order: { name: 'ASC' },
      take: page.limit,
    });
  }

  /** Creates or replaces an environment. */
  async put(spec: EnvironmentSpec, now = new Date()): Promise<{ environment: EnvironmentEntity; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(EnvironmentEntity);
      const existing = await repository.findOneBy({ name: spec.name });
      const row = existing ?? repository.create({ name: spec.name, createdAt: now });
      row.provider = spec.provider;
      row.profiles = spec.profiles;
      row.runtime = spec.runtime;
      row.labels = spec.labels ?? {};
      row.updatedAt = now;
      await repository.save(row);
      return { environment: row, created: !existing };
    });
  }

  /** Creates the environment unless one of that name exists (safe when several replicas boot at once). */
  async ensure(spec: EnvironmentSpec, now = new Date()): Promise<boolean> {
    if (await this.find(spec.name)) return false;
    try {
      await this.rows.insert(insertable({ ...spec, labels: spec.labels ?? {}, createdAt: now, updatedAt: now }));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
