import type { ProviderProfile, RuntimeSpec } from '@berth/core';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { JSON_COLUMN, NAME_LENGTH, TIMESTAMP_COLUMN } from './column-types';

/** Where applications are deployed: a default provider profile, named profiles, and a runtime. */
@Entity({ name: 'environments' })
export class EnvironmentEntity {
  @PrimaryColumn({ type: 'varchar', length: NAME_LENGTH })
  name!: string;

  @Column({ ...JSON_COLUMN, name: 'provider' })
  provider!: ProviderProfile;

  @Column({ ...JSON_COLUMN, name: 'profiles' })
  profiles!: Record<string, ProviderProfile>;

  @Column({ ...JSON_COLUMN, name: 'runtime' })
  runtime!: RuntimeSpec;

  /** Kubernetes-style labels (null on rows stored before labels existed: read as none). */
  @Column({ ...JSON_COLUMN, name: 'labels', nullable: true })
  labels!: Record<string, string> | null;

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;

  @Column({ ...TIMESTAMP_COLUMN, name: 'updated_at' })
  updatedAt!: Date;
}
