import type { OperationKind, OperationState } from '@berth/core';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EPOCH_MS_COLUMN, ID_COLUMN, JSON_COLUMN, NAME_LENGTH, TIMESTAMP_COLUMN } from './column-types';

export const STEP_STATES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped'] as const;
export type StepState = (typeof STEP_STATES)[number];

/** One planned step with its progress, stored in the operation's `steps` column (plain JSON). */
export interface StepRecord {
  id: string;
  action: string;
  component?: string;
  type?: string;
  dependsOn: string[];
  description: string;
  state: StepState;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** Non-secret facts the step handed back (ids). */
  result?: Record<string, unknown>;
}

export interface OperationOptions {
  /** Delete: keep every cloud resource, recorded as retained. */
  orphan?: boolean;
  /** Apply: provision every cloud component even when unchanged. */
  force?: boolean;
  /** Rotate: the cloud component whose credentials are rotated. */
  component?: string;
}

/**
 * One durable unit of work on one application. Queued by the API, claimed by a worker with a lease that heartbeats
 * renew; a crashed worker's lease expires and another worker resumes from the last completed step. At most one
 * operation per application is Running (a partial unique index holds it).
 */
@Entity({ name: 'operations' })
@Index('IX_operations_state_created', ['state', 'createdAt'])
@Index('IX_operations_application', ['environmentName', 'applicationName', 'createdAt'])
@Index('UQ_operations_running_application', ['environmentName', 'applicationName'], {
  unique: true,
  where: `state = 'Running'`,
})
export class OperationEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ type: 'varchar', length: 16, name: 'kind' })
  kind!: OperationKind;

  /** The application row at queue time (not a foreign key: operations outlive a deleted application). */
  @Column({ ...ID_COLUMN, name: 'application_id' })
  applicationId!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'environment_name' })
  environmentName!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'application_name' })
  applicationName!: string;

  @Column({ type: 'integer', name: 'generation' })
  generation!: number;

  @Column({ ...ID_COLUMN, name: 'revision_id', nullable: true })
  revisionId!: string | null;

  @Column({ ...JSON_COLUMN, name: 'options' })
  options!: OperationOptions;

  @Column({ type: 'varchar', length: 16, name: 'state' })
  state!: OperationState;

  /** Null until a worker planned it; then the planned steps with their state. */
  @Column({ ...JSON_COLUMN, name: 'steps', nullable: true })
  steps!: StepRecord[] | null;

  /** How many times a worker claimed it. */
  @Column({ type: 'integer', name: 'attempts', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 100, name: 'lease_owner', nullable: true })
  leaseOwner!: string | null;

  /** Epoch milliseconds (portable comparisons on both databases). */
  @Column({ ...EPOCH_MS_COLUMN, name: 'lease_expires_at', nullable: true })
  leaseExpiresAt!: number | null;

  @Column({ type: 'text', name: 'error', nullable: true })
  error!: string | null;

  /** Who set the operation going (`token:<name>`, `user:<sub>`; the last retry's caller); null: Berth itself. */
  @Column({ type: 'varchar', length: 300, name: 'actor_subject', nullable: true })
  actorSubject!: string | null;

  /** The API token that identity called with, if any. */
  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'actor_token_name', nullable: true })
  actorTokenName!: string | null;

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;

  @Column({ ...TIMESTAMP_COLUMN, name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column({ ...TIMESTAMP_COLUMN, name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column({ ...TIMESTAMP_COLUMN, name: 'updated_at' })
  updatedAt!: Date;
}
