import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { nameColumn } from './portable-columns';

/**
 * Shared cloud resources (issue 13, `shared-resource` policy): each delivery that uses a shared component keeps its
 * own managed_resources row naming in `shared_owner` the environment under whose name the resource was made. The
 * rows are the list of users: the resource is destroyed when the last of them goes. Portable: SQLite and PostgreSQL.
 */
export class SharedResources1764979200000 implements MigrationInterface {
  name = 'SharedResources1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'managed_resources',
      new TableColumn({ ...nameColumn('shared_owner'), isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('managed_resources', 'shared_owner');
  }
}
