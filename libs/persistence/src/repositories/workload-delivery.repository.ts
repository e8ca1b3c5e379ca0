import { randomUUID } from 'node:crypto';
import { In, type DataSource, type Repository } from 'typeorm';
import { WorkloadDeliveryEntity, type DeliveredVariable } from '../entities/workload-delivery.entity';
import { EntityStatements } from '../statements/entity-statements';

export interface Delivery {
  environmentName: string;
  applicationName: string;
  component: string;
  type: string;
  variables: DeliveredVariable[];
  checksum: string;
}

/** What the `local` runtime delivered to each workload (variable sources and versions, never values). */
export class WorkloadDeliveryRepository {
  private readonly rows: Repository<WorkloadDeliveryEntity>;
  /** Every delivery reads and writes its row: cached statements instead of the query builder. */
  private readonly statements: EntityStatements<WorkloadDeliveryEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(WorkloadDeliveryEntity);
    this.statements = new EntityStatements(dataSource, WorkloadDeliveryEntity);
  }

  find(environmentName: string, applicationName: string, component: string): Promise<WorkloadDeliveryEntity | null> {
    return this.statements.findOne({ environmentName, applicationName, component });
  }

  list(environmentName: string, applicationName: string): Promise<WorkloadDeliveryEntity[]> {
    return this.rows.find({ where: { environmentName, applicationName }, order: { component: 'ASC' } });
  }

  async record(delivery: Delivery, now = new Date()): Promise<void> {
    const existing = await this.find(delivery.environmentName, delivery.applicationName, delivery.component);
    if (existing) {
      await this.statements.update(
        { id: existing.id },
        { type: delivery.type, variables: delivery.variables, checksum: delivery.checksum, deliveredAt: now },
      );
      return;
    }
    await this.statements.insert({ id: randomUUID(), ...delivery, deliveredAt: now });
  }

  async remove(environmentName: string, applicationName: string, components?: string[]): Promise<void> {
    if (components) {
      if (components.length === 0) return;
      await this.rows.delete({ environmentName, applicationName, component: In(components) });
    } else await this.rows.delete({ environmentName, applicationName });
  }
}
