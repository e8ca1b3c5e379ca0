import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source/data-source.factory';
import { EnvironmentEntity } from '../entities/environment.entity';
import { createTemporarySchema, TEST_POSTGRES_URL } from './postgres-schema';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** PostgreSQL without TEST_POSTGRES_URL. */
  skip: boolean;
  /** A new, empty database (a temporary SQLite file, or a fresh PostgreSQL schema) and how to remove it. */
  open: () => Promise<{ dataSource: DataSource; cleanup: () => Promise<void> }>;
}

/** The databases a persistence suite runs on (`describe.each`): embedded SQLite, and PostgreSQL where it is set. */
export const TEST_DATABASES: TestDatabase[] = [
  {
    name: 'sqlite',
    skip: false,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'berth-persistence-'));
      return { dataSource: createDataSource({ dataDir: dir }), cleanup: async () => rmSync(dir, { recursive: true }) };
    },
  },
  {
    name: 'postgres',
    skip: !TEST_POSTGRES_URL,
    open: async () => {
      const { schema, drop } = await createTemporarySchema(TEST_POSTGRES_URL!);
      return { dataSource: createDataSource({ dataDir: '.', databaseUrl: TEST_POSTGRES_URL, schema }), cleanup: drop };
    },
  },
];

/** Stores an environment named `name` on the local provider and runtime (rows of other tables refer to it). */
export async function insertLocalEnvironment(dataSource: DataSource, name = 'dev'): Promise<void> {
  await dataSource.getRepository(EnvironmentEntity).insert({
    name,
    provider: { kind: 'local', settings: {} },
    profiles: {},
    runtime: { kind: 'local', settings: {} },
    createdAt: new Date(),
    updatedAt: new Date(),
  } as never);
}
