import { randomUUID } from 'node:crypto';
import { In, type DataSource, type Repository } from 'typeorm';
import { RoleBindingEntity } from '../entities/role-binding.entity';
import { EntityStatements } from '../statements/entity-statements';

export interface RoleBindingFields {
  subject: string;
  role: string;
  scope: string;
}

export class RoleBindingRepository {
  private readonly rows: Repository<RoleBindingEntity>;
  /** Every request reads its token's bindings: a cached statement instead of the query builder. */
  private readonly statements: EntityStatements<RoleBindingEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(RoleBindingEntity);
    this.statements = new EntityStatements(dataSource, RoleBindingEntity);
  }

  /** The bindings of any of these subjects. */
  forSubjects(subjects: string[]): Promise<RoleBindingEntity[]> {
    if (subjects.length === 1) return this.statements.find({ subject: subjects[0] });
    return this.rows.find({ where: { subject: In(subjects) } });
  }

  /** Every binding (of one subject, when given), oldest first. */
  list(subject?: string): Promise<RoleBindingEntity[]> {
    return this.rows.find({ where: subject ? { subject } : {}, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<RoleBindingEntity | null> {
    return this.rows.findOne({ where: { id } });
  }

  /** Creates the binding; an identical one is returned as it is. */
  async ensure(fields: RoleBindingFields, now = new Date()): Promise<{ binding: RoleBindingEntity; created: boolean }> {
    const existing = await this.rows.findOne({ where: { ...fields } });
    if (existing) return { binding: existing, created: false };
    const binding = this.rows.create({ id: randomUUID(), ...fields, createdAt: now });
    await this.rows.insert(binding);
    return { binding, created: true };
  }

  async delete(id: string): Promise<void> {
    await this.rows.delete({ id });
  }

  async deleteForSubject(subject: string): Promise<void> {
    await this.rows.delete({ subject });
  }
}
