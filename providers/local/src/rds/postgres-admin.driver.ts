import { Client } from 'pg';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import { abortable } from '../support/abortable';
import { invalid, toProviderError } from '../support/local-provider.error';
import { ident, literal } from './embedded-postgres.server';

/**
 * Databases on an existing PostgreSQL server reached with an admin URL (BERTH_LOCAL_POSTGRES_URL): one login role and
 * one database it owns per component. Roles and databases this provider created carry a `berth:<id>` comment; a name
 * that exists without that mark belongs to someone else and is never altered or dropped.
 */
export class PostgresAdminDriver {
  constructor(private readonly adminUrl: string) {}

  get address(): { host: string; port: string } {
    const url = new URL(this.adminUrl);
    return { host: url.hostname || '127.0.0.1', port: url.port || '5432' };
  }

  async ensure(
    args: { id: string; database: string; owner: string; login: string; password: string },
    signal: AbortSignal,
  ): Promise<void> {
    await this.withClient(
      signal,
      async (client) => {
        const mark = `berth:${args.id}`;
        await this.ensureRole(client, args.owner, mark, args.login === args.owner ? args.password : undefined);
        if (args.login !== args.owner) await this.ensureLogin(client, args.login, args.owner, mark, args.password);
        const db = await client.query<{ mark: string | null }>(
          `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`,
          [args.database],
        );
        if (db.rows.length === 0) {
          await client.query(`CREATE DATABASE ${ident(args.database)} OWNER ${ident(args.owner)}`);
          await client.query(`COMMENT ON DATABASE ${ident(args.database)} IS ${literal(mark)}`);
        } else if (db.rows[0].mark !== mark) {
          throw invalid(
            `databaseName: database ${args.database} already exists on the PostgreSQL server and was not created for this component`,
          );
        } else {
          await client.query(`ALTER DATABASE ${ident(args.database)} OWNER TO ${ident(args.owner)}`);
        }
        // Only the owner (and superusers) may connect.
        await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(args.database)} FROM PUBLIC`);
      },
      `rds: cannot provision database ${args.database}`,
    );
  }

  /** A second login for the owner role: sessions run as the owner (`SET role`), so objects stay owned by it. */
  async addLogin(
    args: { id: string; owner: string; login: string; password: string },
    signal: AbortSignal,
  ): Promise<void> {
    await this.withClient(
      signal,
      (client) => this.ensureLogin(client, args.login, args.owner, `berth:${args.id}`, args.password),
      `rds: cannot add login ${args.login}`,
    );
  }

  /** Ends a login: the owner role itself keeps its objects but loses LOGIN; any other login role is dropped. */
  async removeLogin(args: { id: string; owner: string; login: string }, signal: AbortSignal): Promise<void> {
    await this.withClient(
      signal,
      async (client) => {
        if (!(await this.isOurs(client, args.login, `berth:${args.id}`))) return;
        if (args.login === args.owner) await client.query(`ALTER ROLE ${ident(args.login)} NOLOGIN`);
        await client.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()`,
          [args.login],
        );
        if (args.login !== args.owner) await client.query(`DROP ROLE IF EXISTS ${ident(args.login)}`);
      },
      `rds: cannot remove login ${args.login}`,
    );
  }

  async drop(args: { id: string; database: string; roles: string[] }, signal: AbortSignal): Promise<void> {
    await this.withClient(
      signal,
      async (client) => {
        const mark = `berth:${args.id}`;
        const db = await client.query<{ mark: string | null }>(
          `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`,
          [args.database],
        );
        await client.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE (datname = $1 OR usename = ANY($2::text[])) AND pid <> pg_backend_pid()`,
          [args.database, args.roles],
        );
        if (db.rows.length > 0 && db.rows[0].mark === mark)
          await client.query(`DROP DATABASE IF EXISTS ${ident(args.database)}`);
        // Logins first (they are members of the owner), the owner last.
        for (const role of [...args.roles].reverse()) {
          if (await this.isOurs(client, role, mark)) await client.query(`DROP ROLE IF EXISTS ${ident(role)}`);
        }
      },
      `rds: cannot drop database ${args.database}`,
    );
  }

  async exists(database: string, signal: AbortSignal): Promise<boolean> {
    return this.withClient(
      signal,
      async (client) => {
        const r = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database]);
        return r.rows.length > 0;
      },
      `rds: cannot look up database ${database}`,
    );
  }

  private async ensureRole(client: Client, role: string, mark: string, password: string | undefined): Promise<void> {
    const found = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
    if (found.rows.length === 0) {
      await client.query(
        `CREATE ROLE ${ident(role)} ${password === undefined ? 'NOLOGIN' : `LOGIN PASSWORD ${literal(password)}`}`,
      );
      await client.query(`COMMENT ON ROLE ${ident(role)} IS ${literal(mark)}`);
      return;
    }
    if (!(await this.isOurs(client, role, mark))) {
      throw invalid(
        `accountName: role ${role} already exists on the PostgreSQL server and was not created for this component`,
      );
    }
    // The role exists (a retry, or a re-apply): make its password the one the broker holds.
    if (password !== undefined)
      await client.query(`ALTER ROLE ${ident(role)} WITH LOGIN PASSWORD ${literal(password)}`);
  }

  private async ensureLogin(
    client: Client,
    login: string,
    owner: string,
    mark: string,
    password: string,
  ): Promise<void> {
    await this.ensureRole(client, login, mark, password);
    await client.query(`GRANT ${ident(owner)} TO ${ident(login)}`);
    await client.query(`ALTER ROLE ${ident(login)} SET role = ${literal(owner)}`);
  }

  private async isOurs(client: Client, role: string, mark: string): Promise<boolean> {
    const r = await client.query<{ mark: string | null }>(
      `SELECT shobj_description(oid, 'pg_authid') AS mark FROM pg_roles WHERE rolname = $1`,
      [role],
    );
    return r.rows.length > 0 && r.rows[0].mark === mark;
  }

  private async withClient<T>(signal: AbortSignal, work: (client: Client) => Promise<T>, context: string): Promise<T> {
    const client = new Client({ connectionString: this.adminUrl, connectionTimeoutMillis: 10_000 });
    const onAbort = () => void client.end().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await abortable(client.connect(), signal, context);
      return await abortable(work(client), signal, context);
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (signal.aborted) throw new ProviderError(ProviderErrorCode.Timeout, `${context}: aborted`, { cause: error });
      throw toProviderError(error, context);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await client.end().catch(() => undefined);
    }
  }
}
