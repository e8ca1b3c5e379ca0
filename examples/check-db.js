#!/usr/bin/env node
// Connects to the quick start's PostgreSQL with the variables Berth binds into the workload, then writes and reads a
// row. Run it through Berth so the variables are injected:
//
//   berth run quickstart web -- node examples/check-db.js
//
// DB_HOST, DB_PORT, DB_USER, DB_PASSWORD and DATABASE_NAME come from the `db` component's connection secret (the
// service-binding trait maps them). Without them, pg falls back to the usual PG* variables.
const { Client } = require('pg');

async function main() {
  const client = new Client({
    host: process.env.DB_HOST,
    port: process.env.DB_PORT ? Number(process.env.DB_PORT) : undefined,
    user: process.env.DB_USER,
    password: process.env.DB_PASSWORD,
    database: process.env.DATABASE_NAME,
    connectionTimeoutMillis: 10000,
  });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS berth_check (id serial PRIMARY KEY, note text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
    );
    const inserted = await client.query('INSERT INTO berth_check (note) VALUES ($1) RETURNING id, note, created_at', [
      `hello from ${process.env.HOSTNAME || 'check-db'}`,
    ]);
    const { rows } = await client.query('SELECT count(*)::int AS total FROM berth_check');
    const row = inserted.rows[0];
    console.log(`connected to ${client.database} on ${client.host}:${client.port} as ${client.user}`);
    console.log(
      `inserted row ${row.id}: ${row.note} at ${row.created_at.toISOString()} (${rows[0].total} rows in berth_check)`,
    );
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(`check-db: ${error.message}`);
  process.exit(1);
});
