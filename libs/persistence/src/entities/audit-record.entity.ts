import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TIMESTAMP_COLUMN } from './column-types';

/** One change or secret read (or a refused attempt): who, what, where, when, from where, result. Append-only. */
@Entity({ name: 'audit_records' })
@Index('IX_audit_records_time', ['time'])
@Index('IX_audit_records_environment_time', ['environment', 'time'])
export class AuditRecordEntity {
  @PrimaryGeneratedColumn('increment', { name: 'seq' })
  seq!: number;

  @Column({ ...TIMESTAMP_COLUMN, name: 'time' })
  time!: Date;

  /** `token:<name>`, `user:<sub>`, or `anonymous` for a refused request without credentials. */
  @Column({ type: 'varchar', length: 300, name: 'subject' })
  subject!: string;

  @Column({ type: 'varchar', length: 63, name: 'token_name', nullable: true })
  tokenName!: string | null;

  /** The permission the route needs (`applications:write`, `secrets:read`, …). */
  @Column({ type: 'varchar', length: 40, name: 'verb' })
  verb!: string;

  /** `METHOD path` as requested, without the query string. */
  @Column({ type: 'varchar', length: 500, name: 'resource' })
  resource!: string;

  @Column({ type: 'varchar', length: 63, name: 'environment', nullable: true })
  environment!: string | null;

  @Column({ type: 'varchar', length: 63, name: 'application', nullable: true })
  application!: string | null;

  @Column({ type: 'varchar', length: 63, name: 'component', nullable: true })
  component!: string | null;

  @Column({ type: 'varchar', length: 64, name: 'remote_address', nullable: true })
  remoteAddress!: string | null;

  /** The HTTP status answered. */
  @Column({ type: 'integer', name: 'status' })
  status!: number;
}
