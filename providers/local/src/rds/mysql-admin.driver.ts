import { createConnection, type Connection } from 'mysql2/promise';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import { abortable } from '../support/abortable';
import { invalid, toProviderError } from '../support/local-provider.error';

/**
 * Database-level grants per account privilege, after Alibaba Cloud RDS for MySQL's account privileges (the values
 * KubeVela's alibaba-rds `privilege` takes). Global privileges Alibaba adds (PROCESS, REPLICATION CLIENT/SLAVE) are
 * left out: on a shared development server they would reach beyond the component's database.
 */
export const MYSQL_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  ReadWrite: [
    'SELECT',
    'INSERT',
    'UPDATE',
    'DELETE',
    'CREATE',
    'DROP',
    'REFERENCES',
    'INDEX',
    'ALTER',
    'CREATE TEMPORARY TABLES',
    'LOCK TABLES',
    'EXECUTE',
    'CREATE VIEW',
    'SHOW VIEW',
    'CREATE ROUTINE',
    'ALTER ROUTINE',
    'EVENT',
    'TRIGGER',
  ],
  ReadOnly: ['SELECT', 'LOCK TABLES', 'SHOW VIEW', 'EXECUTE'],
  DDLOnly: [
    'CREATE',
    'DROP',
    'INDEX',
    'ALTER',
    'CREATE TEMPORARY TABLES',
    'LOCK TABLES',
    'CREATE VIEW',
    'SHOW VIEW',
    'CREATE ROUTINE',
    'ALTER ROUTINE',
    'REFERENCES',
    'EVENT',
    'TRIGGER',
  ],
  DMLOnly: [
    'SELECT',
    'INSERT',
    'UPDATE',
    'DELETE',
    'CREATE TEMPORARY TABLES',
    'LOCK TABLES',
    'EXECUTE',
    'SHOW VIEW',
    'EVENT',
    'TRIGGER',
  ],
  DBOwner: ['ALL PRIVILEGES'],
};

/** A character set Berth creates databases in (the schema allows only these two; never SQL from elsewhere). */
function charsetName(characterSet: string): string {
  const name = characterSet.toLowerCase();
  if (name !== 'utf8' && name !== 'utf8mb4') throw invalid(`characterSet: ${characterSet} is not utf8 or utf8mb4`);
  return name;
}

/**
 * Databases on an existing MySQL/MariaDB server reached with an admin URL (BERTH_LOCAL_MYSQL_URL): a database and a
 * user `'<account>'@'%'` with the grants of `privilege` on it. The allow-list (securityIps) is recorded, not turned
 * into host patterns: every local client connects from loopback, whatever network the component names.
 */
export class MysqlAdminDriver {
  constructor(private readonly adminUrl: string) {}

  get address(): { host: string; port: string } {
    const url = new URL(this.adminUrl);
    return { host: url.hostname || '127.0.0.1', port: url.port || '3306' };
  }

  /** Every database (in its character set) and every user with the grants of `privilege` on each of them. */
  async ensure(
    args: {
      databases: Array<{ name: string; characterSet?: string }>;
      users: Array<{ name: string; password?: string }>;
      privilege: string;
    },
    signal: AbortSignal,
  ): Promise<void> {
    const grants = MYSQL_PRIVILEGES[args.privilege];
    if (!grants)
      throw invalid(`privilege: ${args.privilege} is not one of ${Object.keys(MYSQL_PRIVILEGES).join(', ')}`);
    await this.withConnection(
      signal,
      async (conn) => {
        for (const database of args.databases) {
          const charset = database.characterSet ? ` CHARACTER SET ${charsetName(database.characterSet)}` : '';
          await conn.query(`CREATE DATABASE IF NOT EXISTS ${conn.escapeId(database.name)}${charset}`);
        }
        for (const user of args.users) {
          if (user.password !== undefined) {
            await conn.query(`CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?`, [user.name, user.password]);
            await conn.query(`ALTER USER ?@'%' IDENTIFIED BY ?`, [user.name, user.password]);
          }
          // Reset the grants on each database to exactly what `privilege` asks for.
          for (const { name } of args.databases) {
            await conn
              .query(`REVOKE ALL PRIVILEGES ON ${conn.escapeId(name)}.* FROM ?@'%'`, [user.name])
              .catch((error: { code?: string }) => {
                if (error.code !== 'ER_NONEXISTING_GRANT') throw error;
              });
            await conn.query(`GRANT ${grants.join(', ')} ON ${conn.escapeId(name)}.* TO ?@'%'`, [user.name]);
          }
        }
      },
      `rds: cannot provision MySQL database ${args.databases.map((d) => d.name).join(', ')}`,
    );
  }

  async dropUser(name: string, signal: AbortSignal): Promise<void> {
    await this.withConnection(
      signal,
      async (conn) => {
        await this.killSessions(conn, 'USER = ?', [name]);
        await conn.query(`DROP USER IF EXISTS ?@'%'`, [name]);
      },
      `rds: cannot drop MySQL user ${name}`,
    );
  }

  /** Drops the databases and then the users (none when only databases a component no longer lists go). */
  async drop(args: { databases: string[]; users: string[] }, signal: AbortSignal): Promise<void> {
    await this.withConnection(
      signal,
      async (conn) => {
        for (const database of args.databases) await this.killSessions(conn, 'DB = ?', [database]);
        for (const user of args.users) await this.killSessions(conn, 'USER = ?', [user]);
        for (const database of args.databases) await conn.query(`DROP DATABASE IF EXISTS ${conn.escapeId(database)}`);
        for (const user of args.users) await conn.query(`DROP USER IF EXISTS ?@'%'`, [user]);
      },
      `rds: cannot drop MySQL database ${args.databases.join(', ')}`,
    );
  }

  async exists(database: string, signal: AbortSignal): Promise<boolean> {
    return this.withConnection(
      signal,
      async (conn) => {
        const [rows] = await conn.query(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`, [
          database,
        ]);
        return (rows as unknown[]).length > 0;
      },
      `rds: cannot look up MySQL database ${database}`,
    );
  }

  private async killSessions(conn: Connection, where: string, params: string[]): Promise<void> {
    const [rows] = await conn.query(
      `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ${where} AND ID <> CONNECTION_ID()`,
      params,
    );
    for (const row of rows as Array<{ id: number }>) {
      await conn.query(`KILL ?`, [row.id]).catch(() => undefined);
    }
  }

  private async withConnection<T>(
    signal: AbortSignal,
    work: (conn: Connection) => Promise<T>,
    context: string,
  ): Promise<T> {
    let conn: Connection | undefined;
    const onAbort = () => conn?.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      conn = await abortable(createConnection({ uri: this.adminUrl, connectTimeout: 10_000 }), signal, context);
      return await abortable(work(conn), signal, context);
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      // mysql2 attaches the formatted statement, which can hold a password: never let it travel with the error.
      if (error && typeof error === 'object') delete (error as { sql?: string }).sql;
      if (signal.aborted) throw new ProviderError(ProviderErrorCode.Timeout, `${context}: aborted`, { cause: error });
      throw toProviderError(error, context);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await conn?.end().catch(() => undefined);
    }
  }
}
