import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

const TABLES = ['operations', 'operation_events'] as const;

/**
 * Operations and their events carry who caused them (subject, token name); null for what Berth does by itself and
 * for rows written before this migration. Portable: SQLite and PostgreSQL.
 */
export class Actors1764720000000 implements MigrationInterface {
  name = 'Actors1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES)
      await queryRunner.addColumns(table, [
        new TableColumn({ name: 'actor_subject', type: 'varchar', length: '300', isNullable: true }),
        new TableColumn({ name: 'actor_token_name', type: 'varchar', length: '63', isNullable: true }),
      ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) {
      await queryRunner.dropColumn(table, 'actor_token_name');
      await queryRunner.dropColumn(table, 'actor_subject');
    }
  }
}
