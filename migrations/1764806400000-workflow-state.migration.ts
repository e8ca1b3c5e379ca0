import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { jsonColumn } from './portable-columns';

/**
 * The workflow run of an Application with `spec.workflow` (issue 13): the engine's whole JSON state, kept on the home
 * application's row so a restarted broker carries on at the step it was in. Portable: SQLite and PostgreSQL.
 */
export class WorkflowState1764806400000 implements MigrationInterface {
  name = 'WorkflowState1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('applications', new TableColumn({ ...jsonColumn('workflow'), isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('applications', 'workflow');
  }
}
