import type { JsonObject } from '@berth/core';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID_COLUMN, JSON_COLUMN, TIMESTAMP_COLUMN } from './column-types';
import { ApplicationEntity } from './application.entity';

/** An immutable snapshot of what was applied: the normalized document and the text it came from. */
@Entity({ name: 'application_revisions' })
@Index('UQ_application_revisions_application_generation', ['applicationId', 'generation'], { unique: true })
export class ApplicationRevisionEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ ...ID_COLUMN, name: 'application_id' })
  applicationId!: string;

  @ManyToOne(() => ApplicationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'FK_application_revisions_application' })
  application?: ApplicationEntity;

  @Column({ type: 'integer', name: 'generation' })
  generation!: number;

  /** sha256 hex of the normalized document's canonical JSON: identical content is a no-op. */
  @Column({ type: 'varchar', length: 64, name: 'content_hash' })
  contentHash!: string;

  /** The normalized OAM document (canonical types and property names, defaults applied). */
  @Column({ ...JSON_COLUMN, name: 'document' })
  document!: JsonObject;

  /**
   * Secret-valued properties of the revision (e.g. a literal rds password), AES-256-GCM sealed JSON
   * `{<component>: {<property>: value}}`; the document and the original text hold them redacted.
   */
  @Column({ type: 'text', name: 'sealed_secrets', nullable: true })
  sealedSecrets!: string | null;

  /** The submitted text, secret values redacted. */
  @Column({ type: 'text', name: 'original_text' })
  originalText!: string;

  @Column({ type: 'varchar', length: 100, name: 'content_type' })
  contentType!: string;

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;
}
