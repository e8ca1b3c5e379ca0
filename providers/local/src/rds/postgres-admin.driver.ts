import { Client, escapeIdentifier as ident, escapeLiteral as literal } from 'pg';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import { abortable } from '../support/abortable';
import { invalid, toProviderError } from '../support/local-provider.error';
import { scramVerifier } from './scram-verifier';

/** What each `privilege` grants the account on its database (PostgreSQL's reading of Alibaba RDS's account types). */
interface PostgresGrants {
  /** The account owns the database (and, from PostgreSQL 15, its `public` schema through pg_database_owner). */
  owner: boolean;
  database: string[];
  schema: string[];
  /** On tables (and views) of `public` that the account does not own; also as default privileges for new ones. */
  tables: string[];
  sequences: string[];
}

export const POSTGRES_PRIVILEGES: Readonly<Record<string, PostgresGrants>> = {
  DBOwner: { owner: true, database: ['ALL'], schema: ['ALL'], tables: [], sequences: [] },
  ReadWrite: {
    owner: false,
    database: ['CONNECT', 'TEMPORARY', 'CREATE'],
    schema: ['USAGE', 'CREATE'],
    tables: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
    sequences: ['USAGE', 'SELECT', 'UPDATE'],
  },
  DDLOnly: {
    owner: false,
    database: ['CONNECT', 'TEMPORARY', 'CREATE'],
    schema: ['USAGE', 'CREATE'],
    tables: [],
    sequences: [],
  },
  DMLOnly: {
    owner: false,
    database: ['CONNECT', 'TEMPORARY'],
    schema: ['USAGE'],
    tables: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    sequences: ['USAGE', 'SELECT', 'UPDATE'],
  },
  ReadOnly: { owner: false, database: ['CONNECT'], schema: ['USAGE'], tables: ['SELECT'], sequences: ['SELECT'] },
};

/**
 * One login role and one database per component on a PostgreSQL server reached with an admin URL: an existing server
 * (BERTH_LOCAL_POSTGRES_URL) or the embedded cluster. The account gets what its `privilege` says
 * (POSTGRES_PRIVILEGES): with DBOwner it owns the database, otherwise the admin owns it and the account holds grants.
 * Roles and databases this provider created carry a `berth:<id>` comment; a name that exists without that mark belongs
 * to someone else and is never altered or dropped. Passwords travel as SCRAM verifiers, never in plain text.
 */
export class PostgresAdminDriver {
  constructor(private readonly adminUrl: string) {}

  get address(): { host: string; port: string } {
    const url = new URL(this.adminUrl);
    return { host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: url.port || '5432' };
  }

  async ensure(
    args: { id: string; database: string; owner: string; login: string; password: string; privilege: string },
    signal: AbortSignal,
  ): Promise<void> {
    const grants = POSTGRES_PRIVILEGES[args.privilege];
    if (!grants)
      throw invalid(`privilege: ${args.privilege} is not one of ${Object.keys(POSTGRES_PRIVILEGES).join(', ')}`);
    const context = `rds: cannot provision database ${args.database}`;
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
        // Without DBOwner the admin (the connecting role) owns the database.
        const owner = grants.owner ? ident(args.owner) : 'CURRENT_USER';
        if (db.rows.length === 0) {
          await client.query(
            `CREATE DATABASE ${ident(args.database)}${grants.owner ? ` OWNER ${ident(args.owner)}` : ''}`,
          );
          await client.query(`COMMENT ON DATABASE ${ident(args.database)} IS ${literal(mark)}`);
        } else if (db.rows[0].mark !== mark) {
          throw invalid(
            `databaseName: database ${args.database} already exists on the PostgreSQL server and was not created for this component`,
          );
        } else {
          await client.query(`ALTER DATABASE ${ident(args.database)} OWNER TO ${owner}`);
        }
        // Only the account (and superusers) may connect; then exactly the rights of its privilege.
        await client.query(`REVOKE ALL ON DATABASE ${ident(args.database)} FROM PUBLIC`);
        if (!grants.owner)
          await client.query(`REVOKE ALL ON DATABASE ${ident(args.database)} FROM ${ident(args.owner)}`);
        await client.query(
          `GRANT ${grants.database.join(', ')} ON DATABASE ${ident(args.database)} TO ${ident(args.owner)}`,
        );
      },
      context,
    );
    await this.withClient(signal, (client) => this.grantInDatabase(client, args.owner, grants), context, args.database);
  }

  /** Schema, table and sequence rights inside the database, reset to exactly what `grants` says. */
  private async grantInDatabase(client: Client, account: string, grants: PostgresGrants): Promise<void> {
    const role = ident(account);
    await client.query('BEGIN');
    try {
      // Before PostgreSQL 15 every role may create in `public`.
      await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      await client.query(`REVOKE ALL ON SCHEMA public FROM ${role}`);
      // Rights on what others own; never on the account's own objects (that would strip an owner of its tables).
      await client.query(
        `DO $$ DECLARE r record; BEGIN
           FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                      AND pg_get_userbyid(c.relowner) <> ${literal(account)}
           LOOP EXECUTE format('REVOKE ALL ON %s FROM %I', r.rel, ${literal(account)}); END LOOP;
         END $$`,
      );
      await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${role}`);
      await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${role}`);
      await client.query(`GRANT ${grants.schema.join(', ')} ON SCHEMA public TO ${role}`);
      if (grants.tables.length > 0) {
        const tables = grants.tables.join(', ');
        await client.query(`GRANT ${tables} ON ALL TABLES IN SCHEMA public TO ${role}`);
        await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${tables} ON TABLES TO ${role}`);
      }
      if (grants.sequences.length > 0) {
        const sequences = grants.sequences.join(', ');
        await client.query(`GRANT ${sequences} ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
        await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${sequences} ON SEQUENCES TO ${role}`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
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
        `CREATE ROLE ${ident(role)} ${password === undefined ? 'NOLOGIN' : `LOGIN PASSWORD ${await passwordLiteral(password)}`}`,
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
      await client.query(`ALTER ROLE ${ident(role)} WITH LOGIN PASSWORD ${await passwordLiteral(password)}`);
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

  private async withClient<T>(
    signal: AbortSignal,
    work: (client: Client) => Promise<T>,
    context: string,
    database?: string,
  ): Promise<T> {
    let connectionString = this.adminUrl;
    if (database) {
      const url = new URL(this.adminUrl);
      url.pathname = `/${encodeURIComponent(database)}`;
      connectionString = url.toString();
    }
    const client = new Client({ connectionString, connectionTimeoutMillis: 10_000 });
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

/** The password as PostgreSQL should store it: its SCRAM verifier where one can be computed here. */
async function passwordLiteral(password: string): Promise<string> {
  return literal((await scramVerifier(password)) ?? password);
}
