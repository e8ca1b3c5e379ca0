import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { jsonColumn } from './portable-columns';

/**
 * Environments get Kubernetes-style `labels` (issue 13: a topology's `clusterLabelSelector` selects environments by
 * them). Nullable so that rows stored before read as "no labels" without a data migration. Portable: SQLite and
 * PostgreSQL.
 */
export class EnvironmentLabels1764633600000 implements MigrationInterface {
  name = 'EnvironmentLabels1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('environments', new TableColumn({ ...jsonColumn('labels'), isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('environments', 'labels');
  }
}
