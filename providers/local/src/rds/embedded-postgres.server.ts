import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const INITIALIZED = '.berth-initialized';

/**
 * One embedded PostgreSQL: PGlite (PostgreSQL compiled to WASM, data on disk) served over the PostgreSQL wire protocol
 * on a loopback port by @electric-sql/pglite-socket.
 *
 * What it is, as checked against PGlite 0.5 / pglite-socket 0.2:
 * - The role and the database are real (CREATE ROLE / CREATE DATABASE ... OWNER run at creation), and the instance is
 *   opened as that role in that database, so clients see `current_user` = the role and `current_database()` = the
 *   database, and what they create belongs to the role.
 * - The wire server ignores the startup message's user, database and password: any password is accepted, and every
 *   client lands in that role and database. The session user stays the bootstrap superuser, so a client can
 *   `SET ROLE postgres`: this is a development database, not a security boundary.
 * - Several clients may connect at once (maxConnections below); their statements are queued through the single PGlite
 *   backend, one at a time, and a transaction keeps the backend until it ends. Session state (SET, temporary tables,
 *   named prepared statements, LISTEN) is shared by all connections, and a long transaction blocks everyone else.
 */
export class EmbeddedPostgres {
  private db: PGlite | undefined;
  private server: PGLiteSocketServer | undefined;
  port = 0;

  constructor(
    readonly directory: string,
    private readonly host: string,
    private readonly maxConnections = 32,
  ) {}

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Creates the cluster, the login role and its database once (initdb takes a few seconds). */
  async initialize(database: string, role: string, password: string): Promise<void> {
    if (await exists(join(this.directory, INITIALIZED))) return;
    // A directory without the marker is a creation that crashed half-way: start over.
    await rm(this.directory, { recursive: true, force: true });
    await mkdir(this.directory, { recursive: true });
    const db = await PGlite.create({ dataDir: this.directory });
    try {
      await db.exec(`CREATE ROLE ${ident(role)} LOGIN PASSWORD ${literal(password)}`);
      await db.exec(`CREATE DATABASE ${ident(database)} OWNER ${ident(role)}`);
      await db.exec(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(database)} FROM PUBLIC`);
    } finally {
      await db.close();
    }
    await writeFile(join(this.directory, INITIALIZED), new Date().toISOString());
  }

  /** Opens the data directory as the role in its database and serves it; `preferredPort` when free, else any port. */
  async start(database: string, role: string, preferredPort: number): Promise<number> {
    if (this.server) return this.port;
    const db = await PGlite.create({ dataDir: this.directory, username: role, database });
    try {
      let server = new PGLiteSocketServer({
        db,
        host: this.host,
        port: preferredPort,
        maxConnections: this.maxConnections,
      });
      try {
        await server.start();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || preferredPort === 0) throw error;
        server = new PGLiteSocketServer({ db, host: this.host, port: 0, maxConnections: this.maxConnections });
        await server.start();
      }
      this.port = Number(server.getServerConn().split(':').pop());
      this.db = db;
      this.server = server;
      return this.port;
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const { server, db } = this;
    this.server = undefined;
    this.db = undefined;
    if (server) await server.stop().catch(() => undefined);
    if (db && !db.closed) await db.close().catch(() => undefined);
  }

  /** Stops the server and deletes the data. */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
