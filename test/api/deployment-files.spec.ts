import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../apps/broker/src';

// Docker cannot run here; these checks hold the files to what the service actually accepts.
const root = resolve(__dirname, '../..');
const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8'));
const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');

/** Compose's `${VAR:-default}` interpolation, as `docker compose` applies it with nothing set. */
const interpolate = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('docker-compose.yml', () => {
  const berth = compose.services.berth;
  const postgres = compose.services.postgres;
  const env = Object.fromEntries(
    Object.entries(berth.environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v))]),
  );

  it('configures Berth with values the service accepts: PostgreSQL, migrate on boot, all interfaces', () => {
    const config = loadConfig(env);
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      databaseKind: 'postgres',
      migrateOnBoot: true,
      dataDir: '/var/lib/berth',
    });
  });

  it('points DATABASE_URL at the PostgreSQL 15 service with its own user, password and database', () => {
    expect(postgres.image).toMatch(/^postgres:15/);
    const url = new URL(env.DATABASE_URL);
    const pgEnv = Object.fromEntries(
      Object.entries(postgres.environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v))]),
    );
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(pgEnv.POSTGRES_USER);
    expect(url.password).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
    expect(berth.depends_on.postgres.condition).toBe('service_healthy');
  });

  it('has health checks on both services, /readyz for Berth, and a volume for the data dir', () => {
    expect(postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(berth.healthcheck.test.join(' ')).toContain(`:${env.BERTH_PORT}/readyz`);
    expect(berth.volumes).toContain(`berth-data:${env.BERTH_DATA_DIR}`);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['berth-data', 'postgres-data']));
    expect(berth.build.dockerfile).toBe('Dockerfile');
  });
});

describe('Dockerfile', () => {
  it('builds from node:20 with npm ci and a build, starts with npm start on 0.0.0.0', () => {
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/CMD \["npm", "start"\]/);
    expect(dockerfile).toMatch(/BERTH_HOST=0\.0\.0\.0/);
  });

  it('copies only paths that exist and everything the build compiles', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    for (const path of copied) expect(existsSync(resolve(root, path)), path).toBe(true);
    const build = JSON.parse(readFileSync(resolve(root, 'tsconfig.build.json'), 'utf8'));
    for (const included of build.include as string[]) expect(copied).toContain(included);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'scripts']));
  });
});
