import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { ApiTokenEntity } from '../entities/api-token.entity';
import { RoleBindingEntity } from '../entities/role-binding.entity';
import { EntityStatements } from '../statements/entity-statements';

export class ApiTokenRepository {
  private readonly rows: Repository<ApiTokenEntity>;
  /** Every request looks its token up: a cached statement instead of the query builder. */
  private readonly statements: EntityStatements<ApiTokenEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(ApiTokenEntity);
    this.statements = new EntityStatements(dataSource, ApiTokenEntity);
  }

  /**
   * Stores the token and binds `subject` to each role, in one transaction; false (nothing stored) when a token of
   * that name exists, revoked or not (names are never reused).
   */
  async create(
    row: ApiTokenEntity,
    subject: string,
    roles: ReadonlyArray<{ role: string; scope: string }>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (await manager.exists(ApiTokenEntity, { where: { name: row.name } })) return false;
      await manager.insert(ApiTokenEntity, row);
      for (const { role, scope } of roles)
        await manager.insert(RoleBindingEntity, { id: randomUUID(), subject, role, scope, createdAt: row.createdAt });
      return true;
    });
  }

  /** Oldest first. */
  list(): Promise<ApiTokenEntity[]> {
    return this.rows.find({ order: { createdAt: 'ASC', name: 'ASC' } });
  }

  findByName(name: string): Promise<ApiTokenEntity | null> {
    return this.rows.findOne({ where: { name } });
  }

  findByHash(hash: string): Promise<ApiTokenEntity | null> {
    return this.statements.findOne({ hash });
  }

  /** Marks the token revoked unless it already is. */
  async revoke(id: string, at: Date): Promise<void> {
    await this.rows.update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }

  /** Whether any token exists. */
  any(): Promise<boolean> {
    return this.rows.exists({});
  }
}
