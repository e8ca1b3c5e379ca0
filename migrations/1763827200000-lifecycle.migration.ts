import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { epochMsColumn, idColumn, jsonColumn, nameColumn, timestampColumn } from './portable-columns';

/**
 * The lifecycle's state: operations (queue, leases, steps), their append-only events, managed resources, sealed
 * connection secret versions, what the local runtime delivered, the audit record of deleted applications, and the
 * sealed secret properties of a revision. Portable: runs unchanged on SQLite and PostgreSQL.
 */
export class Lifecycle1763827200000 implements MigrationInterface {
  name = 'Lifecycle1763827200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'application_revisions',
      new TableColumn({ name: 'sealed_secrets', type: 'text', isNullable: true }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'operations',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          idColumn('application_id'),
          nameColumn('environment_name'),
          nameColumn('application_name'),
          { name: 'generation', type: 'integer' },
          { ...idColumn('revision_id'), isNullable: true },
          jsonColumn('options'),
          { name: 'state', type: 'varchar', length: '16' },
          { ...jsonColumn('steps'), isNullable: true },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'lease_owner', type: 'varchar', length: '100', isNullable: true },
          { ...epochMsColumn('lease_expires_at'), isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          timestampColumn(queryRunner, 'created_at'),
          { ...timestampColumn(queryRunner, 'started_at'), isNullable: true },
          { ...timestampColumn(queryRunner, 'finished_at'), isNullable: true },
          timestampColumn(queryRunner, 'updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'IX_operations_state_created', columnNames: ['state', 'created_at'] }),
          new TableIndex({
            name: 'IX_operations_application',
            columnNames: ['environment_name', 'application_name', 'created_at'],
          }),
          new TableIndex({
            name: 'UQ_operations_running_application',
            columnNames: ['environment_name', 'application_name'],
            isUnique: true,
            where: `state = 'Running'`,
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'operation_events',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          idColumn('operation_id'),
          timestampColumn(queryRunner, 'time'),
          { name: 'level', type: 'varchar', length: '8' },
          { name: 'step', type: 'varchar', length: '200', isNullable: true },
          { name: 'component', type: 'varchar', length: '63', isNullable: true },
          { name: 'message', type: 'text' },
          { ...jsonColumn('fields'), isNullable: true },
        ],
        indices: [new TableIndex({ name: 'IX_operation_events_operation_seq', columnNames: ['operation_id', 'seq'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'managed_resources',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          nameColumn('environment_name'),
          nameColumn('application_name'),
          nameColumn('component'),
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'category', type: 'varchar', length: '16' },
          { name: 'profile_kind', type: 'varchar', length: '63', isNullable: true },
          { name: 'profile_name', type: 'varchar', length: '63', isNullable: true },
          jsonColumn('external_ids'),
          jsonColumn('outputs'),
          jsonColumn('properties'),
          { name: 'sealed_inputs', type: 'text', isNullable: true },
          { name: 'phase', type: 'varchar', length: '16' },
          { name: 'deletion_policy', type: 'varchar', length: '16' },
          { name: 'retained', type: 'boolean' },
          { name: 'properties_hash', type: 'varchar', length: '64', isNullable: true },
          jsonColumn('depends_on'),
          { name: 'stack_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'secret_name', type: 'varchar', length: '253', isNullable: true },
          jsonColumn('conditions'),
          { name: 'last_error', type: 'text', isNullable: true },
          timestampColumn(queryRunner, 'created_at'),
          timestampColumn(queryRunner, 'updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_managed_resources_component',
            columnNames: ['environment_name', 'application_name', 'component'],
            isUnique: true,
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'connection_secrets',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          idColumn('resource_id'),
          { name: 'version', type: 'integer' },
          { name: 'name', type: 'varchar', length: '253' },
          { name: 'key_id', type: 'varchar', length: '32' },
          { name: 'iv', type: 'varchar', length: '32' },
          { name: 'tag', type: 'varchar', length: '32' },
          { name: 'ciphertext', type: 'text' },
          jsonColumn('keys'),
          timestampColumn(queryRunner, 'created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_connection_secrets_resource_version',
            columnNames: ['resource_id', 'version'],
            isUnique: true,
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'workload_deliveries',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          nameColumn('environment_name'),
          nameColumn('application_name'),
          nameColumn('component'),
          { name: 'type', type: 'varchar', length: '32' },
          jsonColumn('variables'),
          { name: 'checksum', type: 'varchar', length: '64' },
          timestampColumn(queryRunner, 'delivered_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_workload_deliveries_component',
            columnNames: ['environment_name', 'application_name', 'component'],
            isUnique: true,
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'deleted_applications',
        columns: [
          { ...idColumn('id'), isPrimary: true },
          nameColumn('environment_name'),
          nameColumn('name'),
          { name: 'last_generation', type: 'integer' },
          idColumn('operation_id'),
          jsonColumn('retained'),
          timestampColumn(queryRunner, 'created_at'),
          timestampColumn(queryRunner, 'deleted_at'),
        ],
        indices: [new TableIndex({ name: 'IX_deleted_applications_name', columnNames: ['environment_name', 'name'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('deleted_applications');
    await queryRunner.dropTable('workload_deliveries');
    await queryRunner.dropTable('connection_secrets');
    await queryRunner.dropTable('managed_resources');
    await queryRunner.dropTable('operation_events');
    await queryRunner.dropTable('operations');
    await queryRunner.dropColumn('application_revisions', 'sealed_secrets');
  }
}
