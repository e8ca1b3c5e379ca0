import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID_COLUMN, TIMESTAMP_COLUMN } from './column-types';

/** Grants `role` to `subject` (`token:<name>`, `user:<oidc sub>`, `group:<oidc group>`) on `scope`. */
@Entity({ name: 'role_bindings' })
@Index('UQ_role_bindings_subject_role_scope', ['subject', 'role', 'scope'], { unique: true })
export class RoleBindingEntity {
  @PrimaryColumn({ ...ID_COLUMN, name: 'id' })
  id!: string;

  @Column({ type: 'varchar', length: 300, name: 'subject' })
  subject!: string;

  @Column({ type: 'varchar', length: 32, name: 'role' })
  role!: string;

  /** `service` or `environment:<name>`. */
  @Column({ type: 'varchar', length: 80, name: 'scope' })
  scope!: string;

  @Column({ ...TIMESTAMP_COLUMN, name: 'created_at' })
  createdAt!: Date;
}
