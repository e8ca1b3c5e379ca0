import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Applications by environment and phase, in name order (issue 15): a list filtered by phase (`?phase=Ready`) and its
 * total walk this index instead of every application of the environment. Portable: SQLite and PostgreSQL.
 */
export class ApplicationPhaseIndex1765065600000 implements MigrationInterface {
  name = 'ApplicationPhaseIndex1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'applications',
      new TableIndex({
        name: 'IX_applications_environment_phase_name',
        columnNames: ['environment_name', 'phase', 'name'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('applications', 'IX_applications_environment_phase_name');
  }
}
