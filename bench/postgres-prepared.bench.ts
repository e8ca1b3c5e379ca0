/**
 * What a named prepared statement saves PostgreSQL per round trip, on the statement Berth runs most (a managed
 * resource by environment, application and component, among 10,000 rows):
 *   TEST_POSTGRES_URL=postgres://… npx tsx bench/postgres-prepared.bench.ts [rounds]
 * Runs the same SQL text alternately through the pg client by name (parsed and planned once per connection) and by
 * text (parsed and planned on every execution), and as Berth sends it (EntityStatements: by name, with TypeORM's
 * query runner, logging and value conversion), one connection, one statement at a time, and prints per statement the
 * wall time and this process's CPU.
 */
import { randomUUID } from 'node:crypto';
import { createDataSource, EntityStatements, ManagedResourceEntity, prepareSchema } from '../libs/persistence/src';
import { createTemporarySchema } from '../test/support/postgres-schema';

const ROUNDS = Number(process.argv[2] ?? 5);
const PER_ROUND = 2000;
const url = process.env.TEST_POSTGRES_URL;
if (!url) throw new Error('set TEST_POSTGRES_URL (postgres://…)');

async function main(): Promise<void> {
  const { schema, drop } = await createTemporarySchema(url!, 'berth_prepared');
  const dataSource = createDataSource({ dataDir: '.', databaseUrl: url, schema });
  await dataSource.initialize();
  try {
    await prepareSchema(dataSource, 'run');
    await dataSource.query(`INSERT INTO environments (name, provider, profiles, runtime, labels, created_at, updated_at)
      VALUES ('scale', '{"kind":"local","settings":{}}', '{}', '{"kind":"local","settings":{}}', '{}', now(), now())`);
    const resources = new EntityStatements(dataSource, ManagedResourceEntity);
    const now = new Date();
    for (let i = 0; i < 10_000; i += 500)
      await resources.insertMany(
        Array.from({ length: 500 }, (_, k) => ({
          id: randomUUID(),
          environmentName: 'scale',
          applicationName: `app-${i + k}`,
          component: 'net',
          type: 'vpc',
          category: 'cloud',
          externalIds: { vpcId: `vpc-${i + k}` },
          outputs: { VPC_ID: `vpc-${i + k}` },
          properties: {},
          phase: 'Ready',
          deletionPolicy: 'Delete',
          retained: false,
          dependsOn: [],
          conditions: [],
          createdAt: now,
          updatedAt: now,
        })),
      );
    const where = (i: number) => ({ environmentName: 'scale', applicationName: `app-${i % 10_000}`, component: 'net' });
    // The text EntityStatements built for this read, to send the same text unnamed.
    let text = '';
    dataSource.logger.logQuery = (query: string) => void (text ||= query);
    await resources.findOne(where(0));
    dataSource.logger.logQuery = () => undefined;
    const byText = `${text}`;

    const results = { berth: [] as number[][], named: [] as number[][], text: [] as number[][] };
    await dataSource.transaction(async (manager) => {
      for (let round = 0; round < ROUNDS; round++)
        for (const mode of ['berth', 'named', 'text'] as const) {
          const client = (await manager.queryRunner!.connect()) as { query: (c: unknown) => Promise<unknown> };
          const cpu = process.cpuUsage();
          const started = process.hrtime.bigint();
          for (let i = 0; i < PER_ROUND; i++) {
            const values = [where(i).environmentName, where(i).applicationName, 'net'];
            if (mode === 'berth') await resources.findOne(where(i), {}, manager);
            else await client.query({ text: byText, values, ...(mode === 'named' ? { name: 'bench_named' } : {}) });
          }
          const wall = Number(process.hrtime.bigint() - started) / 1e3 / PER_ROUND;
          const used = process.cpuUsage(cpu);
          results[mode].push([wall, (used.user + used.system) / PER_ROUND]);
        }
    });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const label = { berth: 'as Berth sends it (EntityStatements)', named: 'pg, by name', text: 'pg, by text' };
    for (const mode of ['berth', 'named', 'text'] as const)
      console.log(
        `${label[mode]}: wall ${median(results[mode].map((r) => r[0])).toFixed(0)} µs, ` +
          `client CPU ${median(results[mode].map((r) => r[1])).toFixed(0)} µs per statement (median of ${ROUNDS} rounds of ${PER_ROUND})`,
      );
  } finally {
    await dataSource.destroy();
    await drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
