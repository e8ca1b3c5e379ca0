import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ID_COLUMN, JSON_COLUMN, TIMESTAMP_COLUMN } from './column-types';

/** One line of an operation's story. Append-only; `seq` orders every event of every operation. */
@Entity({ name: 'operation_events' })
@Index('IX_operation_events_operation_seq', ['operationId', 'seq'])
export class OperationEventEntity {
  @PrimaryGeneratedColumn('increment', { name: 'seq' })
  seq!: number;

  @Column({ ...ID_COLUMN, name: 'operation_id' })
  operationId!: string;

  @Column({ ...TIMESTAMP_COLUMN, name: 'time' })
  time!: Date;

  @Column({ type: 'varchar', length: 8, name: 'level' })
  level!: string;

  @Column({ type: 'varchar', length: 200, name: 'step', nullable: true })
  step!: string | null;

  @Column({ type: 'varchar', length: 63, name: 'component', nullable: true })
  component!: string | null;

  @Column({ type: 'text', name: 'message' })
  message!: string;

  @Column({ ...JSON_COLUMN, name: 'fields', nullable: true })
  fields!: Record<string, unknown> | null;
}
