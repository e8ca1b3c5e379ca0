import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { nameColumn } from './portable-columns';

/**
 * Deliveries (issue 13): an application record that a topology policy of an Application at home elsewhere delivered
 * into its environment names that home in `delivered_from`. Portable: SQLite and PostgreSQL.
 */
export class Deliveries1764637200000 implements MigrationInterface {
  name = 'Deliveries1764637200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('applications', new TableColumn({ ...nameColumn('delivered_from'), isNullable: true }));
    await queryRunner.createIndex(
      'applications',
      new TableIndex({ name: 'IX_applications_delivered_from_name', columnNames: ['delivered_from', 'name'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('applications', 'IX_applications_delivered_from_name');
    await queryRunner.dropColumn('applications', 'delivered_from');
  }
}
