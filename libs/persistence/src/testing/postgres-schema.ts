import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** PostgreSQL for suites that need one: the URL from TEST_POSTGRES_URL, or undefined (the suite skips). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL || undefined;

export function warnSkippedWithoutPostgres(suite: string): void {
  if (!TEST_POSTGRES_URL) console.warn(`${suite}: PostgreSQL variant skipped — TEST_POSTGRES_URL is not set`);
}

/** A fresh, empty schema for one test run; `drop()` removes it and everything in it. */
export async function createTemporarySchema(
  url: string,
  prefix = 'berth_test',
): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return {
    schema,
    drop: async () => {
      const dropper = new Client({ connectionString: url });
      await dropper.connect();
      try {
        await dropper.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** The URL with `search_path` set to the schema, as a DATABASE_URL for a spawned service. */
export function urlWithSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}
