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

  /** Who caused the event: the caller of the request that wrote it, else the actor of its operation at the time. */
  @Column({ type: 'varchar', length: 300, name: 'actor_subject', nullable: true })
  actorSubject!: string | null;

  @Column({ type: 'varchar', length: 63, name: 'actor_token_name', nullable: true })
  actorTokenName!: string | null;

  @Column({ ...JSON_COLUMN, name: 'fields', nullable: true })
  fields!: Record<string, unknown> | null;
}
