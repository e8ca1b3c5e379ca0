import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { epochMsColumn } from './portable-columns';

/**
 * Workflow runs under several brokers (issue 13): the lease of the broker advancing a run (owner token and expiry,
 * like an operation's) and when the run is next due (`workflow_due_at`, epoch ms, null when it waits for nobody's
 * clock: finished, or suspended until `:resume`), indexed so a tick reads only the runs it may advance.
 * Portable: SQLite and PostgreSQL.
 */
export class WorkflowLease1764892800000 implements MigrationInterface {
  name = 'WorkflowLease1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('applications', [
      new TableColumn({ name: 'workflow_lease_owner', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ ...epochMsColumn('workflow_lease_expires_at'), isNullable: true }),
      new TableColumn({ ...epochMsColumn('workflow_due_at'), isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'applications',
      new TableIndex({ name: 'IX_applications_workflow_due_at', columnNames: ['workflow_due_at'] }),
    );
    // Runs stored before this migration: one that may go on is due now; the tick's first advance sets the rest right.
    await queryRunner.query(
      `UPDATE applications SET workflow_due_at = 0 WHERE workflow IS NOT NULL AND deletion_requested_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('applications', 'IX_applications_workflow_due_at');
    await queryRunner.dropColumns('applications', [
      'workflow_due_at',
      'workflow_lease_expires_at',
      'workflow_lease_owner',
    ]);
  }
}
