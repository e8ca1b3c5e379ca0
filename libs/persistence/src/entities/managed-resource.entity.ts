import type { ComponentPhase, ComponentType, Condition, DeletionPolicy, RecordedResource } from '@berth/core';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_COLUMN, JSON_COLUMN, NAME_LENGTH, TIMESTAMP_COLUMN } from './column-types';

/**
 * What one component of an application became: a cloud resource (ids, non-secret outputs) or a delivered workload.
 * Keyed by application NAME, not by a foreign key: a retained resource outlives its application and a later
 * application of the same name adopts it.
 */
@Entity({ name: 'managed_resources' })
@Index('UQ_managed_resources_component', ['environmentName', 'applicationName', 'component'], { unique: true })
export class ManagedResourceEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'environment_name' })
  environmentName!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'application_name' })
  applicationName!: string;

  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'component' })
  component!: string;

  @Column({ type: 'varchar', length: 32, name: 'type' })
  type!: ComponentType;

  /** `cloud` or `workload`. */
  @Column({ type: 'varchar', length: 16, name: 'category' })
  category!: 'cloud' | 'workload';

  /** Profile kind that serves it (`local`, `alicloud`, …); null for workloads. */
  @Column({ type: 'varchar', length: 63, name: 'profile_kind', nullable: true })
  profileKind!: string | null;

  /** Named profile (providerRef), null for the environment's default. */
  @Column({ type: 'varchar', length: 63, name: 'profile_name', nullable: true })
  profileName!: string | null;

  @Column({ ...JSON_COLUMN, name: 'external_ids' })
  externalIds!: Record<string, string>;

  /** Non-secret outputs only. */
  @Column({ ...JSON_COLUMN, name: 'outputs' })
  outputs!: Record<string, string>;

  /** The non-secret properties last applied (destroy and refresh requests carry them). */
  @Column({ ...JSON_COLUMN, name: 'properties' })
  properties!: Record<string, unknown>;

  /** Inputs the broker holds for the resource (the rds password), AES-256-GCM sealed JSON; never in clear. */
  @Column({ type: 'text', name: 'sealed_inputs', nullable: true })
  sealedInputs!: string | null;

  @Column({ type: 'varchar', length: 16, name: 'phase' })
  phase!: ComponentPhase;

  @Column({ type: 'varchar', length: 16, name: 'deletion_policy' })
  deletionPolicy!: DeletionPolicy;

  @Column({ type: 'boolean', name: 'retained' })
  retained!: boolean;

  @Column({ type: 'varchar', length: 64, name: 'properties_hash', nullable: true })
  propertiesHash!: string | null;

  /** Components it referenced at its last apply: orders the teardown. */
  @Column({ ...JSON_COLUMN, name: 'depends_on' })
  dependsOn!: string[];

  @Column({ type: 'varchar', length: 200, name: 'stack_name', nullable: true })
  stackName!: string | null;

  /** Name of its connection secret in the runtime (cloud components). */
  @Column({ type: 'varchar', length: 253, name: 'secret_name', nullable: true })
  secretName!: string | null;

  /**
   * A shared component (`shared-resource` policy): the environment under whose name the provider resource was made.
   * Every delivery using it has such a row; the resource is destroyed with the last one. Null: not shared.
   */
  @Column({ type: 'varchar', length: NAME_LENGTH, name: 'shared_owner', nullable: true })
  sharedOwner!: string | null;

  @Column({ ...JSON_COLUMN, name: 'conditions' })
  conditions!: Condition[];

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;

  @Column({ ...TIMESTAMP_COLUMN, name: 'updated_at' })
  updatedAt!: Date;
}

/** What the planner needs to know of a recorded resource. */
export function recordedResource(row: ManagedResourceEntity): RecordedResource {
  return {
    component: row.component,
    type: row.type,
    deletionPolicy: row.deletionPolicy,
    phase: row.phase,
    ...(row.propertiesHash ? { propertiesHash: row.propertiesHash } : {}),
    retained: row.retained,
    dependsOn: row.dependsOn,
  };
}
