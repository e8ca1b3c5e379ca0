import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_COLUMN, JSON_COLUMN, NAME_LENGTH, TIMESTAMP_COLUMN } from './column-types';

/** The audit record a deleted application leaves behind. */
@Entity({ name: 'deleted_applications' })
@Index('IX_deleted_applications_name', ['environmentName', 'name'])
export class DeletedApplicationEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'environment_name' })
  environmentName!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'name' })
  name!: string;

  @Column({ type: 'integer', name: 'last_generation' })
  lastGeneration!: number;

  @Column({ ...ID_COLUMN, name: 'operation_id' })
  operationId!: string;

  /** Components kept as retained resources. */
  @Column({ ...JSON_COLUMN, name: 'retained' })
  retained!: string[];

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;

  @Column({ ...TIMESTAMP_COLUMN, name: 'deleted_at' })
  deletedAt!: Date;
}
