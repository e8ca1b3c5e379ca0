import type { ApplicationPhase, Condition, WorkflowState } from '@berth/core';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { EPOCH_MS_COLUMN, ID_COLUMN, JSON_COLUMN, NAME_LENGTH, TIMESTAMP_COLUMN } from './column-types';
import { EnvironmentEntity } from './environment.entity';

/** A workflow run as stored: the engine's state and, per `<step>/<environment>`, the sealed secrets of that delivery. */
export interface StoredWorkflow {
  state: WorkflowState;
  sealed: Record<string, string>;
}

/** One application in one environment. Its spec lives in immutable revisions; this row holds the current state. */
@Entity({ name: 'applications' })
@Index('UQ_applications_environment_name', ['environmentName', 'name'], { unique: true })
@Index('IX_applications_delivered_from_name', ['deliveredFrom', 'name'])
@Index('IX_applications_workflow_due_at', ['workflowDueAt'])
export class ApplicationEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'environment_name' })
  environmentName!: string;

  @ManyToOne(() => EnvironmentEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'environment_name', foreignKeyConstraintName: 'FK_applications_environment' })
  environment?: EnvironmentEntity;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'name' })
  name!: string;

  /** Bumped by every stored revision; the ETag of the application. */
  @Column({ type: 'integer', name: 'generation' })
  generation!: number;

  /** The generation the engine last finished acting on (0 = never). */
  @Column({ type: 'integer', name: 'observed_generation', default: 0 })
  observedGeneration!: number;

  @Column({ ...ID_COLUMN, name: 'current_revision_id', nullable: true })
  currentRevisionId!: string | null;

  @Column({ type: 'varchar', length: 32, name: 'phase' })
  phase!: ApplicationPhase;

  @Column({ ...JSON_COLUMN, name: 'conditions' })
  conditions!: Condition[];

  /**
   * Set on a delivery: the home environment of the Application (same name) whose topology delivered it here. Such a
   * record is changed and deleted only through its origin. Null for an application PUT here.
   */
  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'delivered_from', nullable: true })
  deliveredFrom!: string | null;

  /**
   * The workflow run of an Application with `spec.workflow` (home records only): the engine's state (JSON) and the
   * sealed secret inputs of the deliveries it will write. Null without a workflow.
   */
  @Column({ ...JSON_COLUMN, name: 'workflow', nullable: true })
  workflow!: StoredWorkflow | null;

  /** The claim token of the broker advancing the workflow run (like an operation's lease); null when none does. */
  @Column({ type: 'varchar', length: 100, name: 'workflow_lease_owner', nullable: true })
  workflowLeaseOwner!: string | null;

  /** Epoch milliseconds; heartbeats renew it while a step waits, a broker that died lets it lapse. */
  @Column({ ...EPOCH_MS_COLUMN, name: 'workflow_lease_expires_at', nullable: true })
  workflowLeaseExpiresAt!: number | null;

  /**
   * When the run is next to be advanced (epoch ms): its last save while executing, or the `wakeAt` of a suspended
   * run; null when it waits for nobody's clock (finished, or until `:resume`). Kept in step with `workflow` by every
   * write of it (workflowDueAt), so a tick reads only the runs that are due.
   */
  @Column({ ...EPOCH_MS_COLUMN, name: 'workflow_due_at', nullable: true })
  workflowDueAt!: number | null;

  @Column({ ...TIMESTAMP_COLUMN, name: 'deletion_requested_at', nullable: true })
  deletionRequestedAt!: Date | null;

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;

  @Column({ ...TIMESTAMP_COLUMN, name: 'updated_at' })
  updatedAt!: Date;
}
