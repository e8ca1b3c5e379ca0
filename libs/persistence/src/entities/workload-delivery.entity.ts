import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_COLUMN, JSON_COLUMN, NAME_LENGTH, TIMESTAMP_COLUMN } from './column-types';

/** One bound variable as delivered: where its value comes from, never the value. */
/** A variable bound from a connection secret: its value is read from that secret version when asked for. */
export interface BoundDeliveredVariable {
  source?: 'binding';
  name: string;
  /** Runtime name of the connection secret. */
  secret: string;
  /** The cloud component that published it, and the version delivered. */
  component: string;
  version: number;
  key: string;
  sensitive: boolean;
}

/** A literal from the workload's own `env` (not a secret: it is part of the application document). */
export interface DeclaredDeliveredVariable {
  source: 'declared';
  name: string;
  value: string;
}

/** What one variable of a delivered workload is; rows written before `source` existed are bindings. */
export type DeliveredVariable = BoundDeliveredVariable | DeclaredDeliveredVariable;

/** What the `local` runtime delivered to one workload. */
@Entity({ name: 'workload_deliveries' })
@Index('UQ_workload_deliveries_component', ['environmentName', 'applicationName', 'component'], { unique: true })
export class WorkloadDeliveryEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'environment_name' })
  environmentName!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'application_name' })
  applicationName!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'component' })
  component!: string;

  @Column({ type: 'varchar', length: 32, name: 'type' })
  type!: string;

  @Column({ ...JSON_COLUMN, name: 'variables' })
  variables!: DeliveredVariable[];

  @Column({ type: 'varchar', length: 64, name: 'checksum' })
  checksum!: string;

  @Column({ ...TIMESTAMP_COLUMN, name: 'delivered_at' })
  deliveredAt!: Date;
}
