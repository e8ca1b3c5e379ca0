import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_COLUMN, JSON_COLUMN, TIMESTAMP_COLUMN } from './column-types';

export interface SecretKeyInfo {
  name: string;
  sensitive: boolean;
}

/** One version of a cloud component's connection secret: AES-256-GCM ciphertext of every key, key names in clear. */
@Entity({ name: 'connection_secrets' })
@Index('UQ_connection_secrets_resource_version', ['resourceId', 'version'], { unique: true })
export class ConnectionSecretEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ ...ID_COLUMN, name: 'resource_id' })
  resourceId!: string;

  @Column({ type: 'integer', name: 'version' })
  version!: number;

  /** Name in the runtime (`writeConnectionSecretToRef.name`). */
  @Column({ type: 'varchar', length: 253, name: 'name' })
  name!: string;

  @Column({ type: 'varchar', length: 32, name: 'key_id' })
  keyId!: string;

  @Column({ type: 'varchar', length: 32, name: 'iv' })
  iv!: string;

  @Column({ type: 'varchar', length: 32, name: 'tag' })
  tag!: string;

  @Column({ type: 'text', name: 'ciphertext' })
  ciphertext!: string;

  @Column({ ...JSON_COLUMN, name: 'keys' })
  keys!: SecretKeyInfo[];

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;
}
