import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, timestampColumn } from './portable-columns';

/** Who may do what: API tokens (hashes only), role bindings, and the audit trail. Portable: SQLite and PostgreSQL. */
export class Access1764547200000 implements MigrationInterface {
  name = 'Access1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '63' },
          { name: 'owner', type: 'varchar', length: '200' },
          { name: 'hash', type: 'varchar', length: '64' },
          timestampColumn(queryRunner, 'created_at'),
          { ...timestampColumn(queryRunner, 'expires_at'), isNullable: true },
          { ...timestampColumn(queryRunner, 'revoked_at'), isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'UQ_api_tokens_name', columnNames: ['name'], isUnique: true }),
          new TableIndex({ name: 'UQ_api_tokens_hash', columnNames: ['hash'], isUnique: true }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'role_bindings',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          { name: 'subject', type: 'varchar', length: '300' },
          { name: 'role', type: 'varchar', length: '32' },
          { name: 'scope', type: 'varchar', length: '80' },
          timestampColumn(queryRunner, 'created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_role_bindings_subject_role_scope',
            columnNames: ['subject', 'role', 'scope'],
            isUnique: true,
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_records',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          timestampColumn(queryRunner, 'time'),
          { name: 'subject', type: 'varchar', length: '300' },
          { name: 'token_name', type: 'varchar', length: '63', isNullable: true },
          { name: 'verb', type: 'varchar', length: '40' },
          { name: 'resource', type: 'varchar', length: '500' },
          { name: 'environment', type: 'varchar', length: '63', isNullable: true },
          { name: 'application', type: 'varchar', length: '63', isNullable: true },
          { name: 'component', type: 'varchar', length: '63', isNullable: true },
          { name: 'remote_address', type: 'varchar', length: '64', isNullable: true },
          { name: 'status', type: 'integer' },
        ],
        indices: [
          new TableIndex({ name: 'IX_audit_records_time', columnNames: ['time'] }),
          new TableIndex({ name: 'IX_audit_records_environment_time', columnNames: ['environment', 'time'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_records');
    await queryRunner.dropTable('role_bindings');
    await queryRunner.dropTable('api_tokens');
  }
}
