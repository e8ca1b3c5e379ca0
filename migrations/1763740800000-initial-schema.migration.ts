import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, jsonColumn, nameColumn, timestampColumn } from './portable-columns';

/** Environments, applications and their immutable revisions. Portable: runs unchanged on SQLite and PostgreSQL. */
export class InitialSchema1763740800000 implements MigrationInterface {
  name = 'InitialSchema1763740800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'environments',
        columns: [
          { ...nameColumn('name'), isPrimary: true },
          jsonColumn('provider'),
          jsonColumn('profiles'),
          jsonColumn('runtime'),
          timestampColumn(queryRunner, 'created_at'),
          timestampColumn(queryRunner, 'updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'applications',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          nameColumn('environment_name'),
          nameColumn('name'),
          { name: 'generation', type: 'integer' },
          { name: 'observed_generation', type: 'integer', default: 0 },
          { ...idColumn('current_revision_id'), isNullable: true },
          { name: 'phase', type: 'varchar', length: '32' },
          jsonColumn('conditions'),
          { ...timestampColumn(queryRunner, 'deletion_requested_at'), isNullable: true },
          timestampColumn(queryRunner, 'created_at'),
          timestampColumn(queryRunner, 'updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_applications_environment_name',
            columnNames: ['environment_name', 'name'],
            isUnique: true,
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_applications_environment',
            columnNames: ['environment_name'],
            referencedTableName: 'environments',
            referencedColumnNames: ['name'],
            onDelete: 'RESTRICT',
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'application_revisions',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          idColumn('application_id'),
          { name: 'generation', type: 'integer' },
          { name: 'content_hash', type: 'varchar', length: '64' },
          jsonColumn('document'),
          { name: 'original_text', type: 'text' },
          { name: 'content_type', type: 'varchar', length: '100' },
          timestampColumn(queryRunner, 'created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_application_revisions_application_generation',
            columnNames: ['application_id', 'generation'],
            isUnique: true,
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_application_revisions_application',
            columnNames: ['application_id'],
            referencedTableName: 'applications',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('application_revisions');
    await queryRunner.dropTable('applications');
    await queryRunner.dropTable('environments');
  }
}
