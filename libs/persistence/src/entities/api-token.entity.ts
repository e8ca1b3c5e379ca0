import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_COLUMN, TIMESTAMP_COLUMN } from './column-types';

/** An API token: only the SHA-256 of its secret is kept; the secret itself is shown once, at creation. */
@Entity({ name: 'api_tokens' })
@Index('UQ_api_tokens_name', ['name'], { unique: true })
@Index('UQ_api_tokens_hash', ['hash'], { unique: true })
export class ApiTokenEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ type: 'varchar', length: 63, name: 'name' })
  name!: string;

  /** Who the token was made for (free text: a person, a team, a pipeline). */
  @Column({ type: 'varchar', length: 200, name: 'owner' })
  owner!: string;

  /** Hex SHA-256 of the whole token. */
  @Column({ type: 'varchar', length: 64, name: 'hash' })
  hash!: string;

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;

  @Column({ ...TIMESTAMP_COLUMN, name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column({ ...TIMESTAMP_COLUMN, name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
