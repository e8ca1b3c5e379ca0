import type { ApplyResult, DriftReport, OperationLog, ResourcePlan, ResourceRequest, RevokeHandle } from '@berth/core';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import { rdsDatabases, type RdsDatabase } from '@berth/types';
import { SILENT_LOG } from '@berth/core';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateStore } from '../state/state.store';
import type { LocalState, ResourceRecord } from '../state/local-state';
import { invalid, throwIfAborted, toProviderError } from '../support/local-provider.error';
import { randomSecret, resourceId, sqlName } from '../support/naming';
import { allowList, opensToEveryone } from '../support/security-ips';
import type { SecretDeriver } from '../support/secret-deriver';
import { MYSQL_PRIVILEGES, MysqlAdminDriver } from './mysql-admin.driver';
import { PostgresAdminDriver } from './postgres-admin.driver';
import { CLUSTER_ADMIN, PostgresCluster } from './postgres-cluster';

export type RdsMode = 'embedded' | 'postgres-admin' | 'mysql-admin';

export interface RdsData {
  engine: 'postgresql' | 'mysql';
  mode: RdsMode;
  /** The first database: fixed at creation, the one the connection keys name. */
  database: string;
  /** Every database of the instance, the first one first (absent in records from before `databases`: only it). */
  databases?: RdsDatabase[];
  /** The account that owns the database (PostgreSQL) / holds the grants (MySQL). */
  account: string;
  /** Logins issued, oldest first; the last one is the current DB_USER. Rotation adds one, revoke removes one. */
  logins: string[];
  privilege: string;
  host: string;
  port: string;
  /** Allow-list: recorded, see README for what is enforced. */
  securityIps: string[];
  publicConnection: boolean;
  rotations: number;
}

const RESERVED_ACCOUNTS = new Set([
  'root',
  CLUSTER_ADMIN,
  'mysql',
  'admin',
  'mariadb.sys',
  'mysql.sys',
  'mysql.session',
  'mysql.infoschema',
  'pg_signal_backend',
]);

/**
 * `rds`: PostgreSQL (a role and a database on an admin server, or on the embedded cluster: one real PostgreSQL per
 * data dir, started with the first component) and MySQL (on an admin server only). On either PostgreSQL the same
 * driver does the work; the embedded cluster only supplies the admin URL.
 */
export class RdsResource {
  private readonly cluster: PostgresCluster;
  private embeddedDriver: PostgresAdminDriver | undefined;
  private readonly postgres: PostgresAdminDriver | undefined;
  private readonly mysql: MysqlAdminDriver | undefined;

  constructor(
    private readonly store: StateStore<LocalState>,
    private readonly dataDir: string,
    private readonly host: string,
    secrets: SecretDeriver,
    options: { postgresAdminUrl?: string; mysqlAdminUrl?: string },
  ) {
    this.postgres = options.postgresAdminUrl ? new PostgresAdminDriver(options.postgresAdminUrl) : undefined;
    this.mysql = options.mysqlAdminUrl ? new MysqlAdminDriver(options.mysqlAdminUrl) : undefined;
    this.cluster = new PostgresCluster({
      root: join(dataDir, 'local', 'postgres'),
      berthDataDir: dataDir,
      host,
      adminPassword: () => secrets.derive('embedded-postgres:admin'),
      rememberedPort: async () => (await this.store.read()).services?.postgres?.port,
      rememberPort: (port) =>
        this.store.update((draft) => {
          draft.services = { ...draft.services, postgres: { port } };
        }),
    });
  }

  /** Problems that make a component impossible here (paths relative to its properties). */
  validate(properties: Record<string, unknown>): Array<{ path: string; message: string }> {
    const problems: Array<{ path: string; message: string }> = [];
    const engine = properties.engine ?? 'postgresql';
    if (engine !== 'postgresql' && engine !== 'mysql')
      problems.push({ path: '/engine', message: 'engine must be postgresql or mysql' });
    if (engine === 'mysql' && !this.mysql) {
      problems.push({
        path: '/engine',
        message:
          'the local environment has no MySQL server: set BERTH_LOCAL_MYSQL_URL to an admin URL (mysql://root@127.0.0.1:3306/) or use engine postgresql',
      });
    }
    if (
      properties.privilege !== undefined &&
      !(typeof properties.privilege === 'string' && properties.privilege in MYSQL_PRIVILEGES)
    ) {
      problems.push({
        path: '/privilege',
        message: `privilege must be one of ${Object.keys(MYSQL_PRIVILEGES).join(', ')}`,
      });
    }
    if (typeof properties.accountName === 'string' && RESERVED_ACCOUNTS.has(properties.accountName.toLowerCase())) {
      problems.push({
        path: '/accountName',
        message: `accountName ${properties.accountName} is reserved for the server's administrators`,
      });
    }
    if (opensToEveryone(properties.securityIps)) {
      problems.push({
        path: '/securityIps',
        message: 'securityIps must not open the database to every address (0.0.0.0/0)',
      });
    }
    return problems;
  }

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    const problems = this.validate(request.properties);
    if (problems.length > 0) throw invalid(problems.map((p) => `${p.path.slice(1)}: ${p.message}`).join('; '));
    const id = resourceId('rds', request.idempotencyKey);
    const password = request.secretProperties.password;
    if (!password) throw invalid('rds: the request carries no password (secretProperties.password)');
    const existing = (await this.store.read()).resources[id] as ResourceRecord<RdsData> | undefined;
    const data = this.plan(request, id, existing?.data);
    const login = data.logins[data.logins.length - 1];
    const names = databaseNames(data);
    // Databases an earlier revision listed and this one does not: dropped, as the cloud provider would.
    const dropped = existing ? databaseNames(existing.data).filter((name) => !names.includes(name)) : [];

    switch (data.mode) {
      case 'embedded':
      case 'postgres-admin': {
        const driver = data.mode === 'embedded' ? await this.embedded(log) : this.postgres!;
        throwIfAborted(request.signal, `rds ${id}`);
        if (data.mode === 'embedded') data.port = driver.address.port;
        // The owner role (and its login) once per database: ensuring them again is a no-op.
        for (const database of names)
          await driver.ensure(
            { id, database, owner: data.account, login, password, privilege: data.privilege },
            request.signal,
          );
        for (const database of dropped) await driver.drop({ id, database, roles: [] }, request.signal);
        break;
      }
      case 'mysql-admin':
        await this.mysql!.ensure(
          {
            databases: data.databases ?? [{ name: data.database }],
            privilege: data.privilege,
            users: data.logins.map((name) => ({ name, password: name === login ? password : undefined })),
          },
          request.signal,
        );
        if (dropped.length > 0) await this.mysql!.drop({ databases: dropped, users: [] }, request.signal);
        break;
    }

    const record = await this.save(request, id, data, existing?.createdAt);
    log.log(
      'info',
      `rds ${id}: ${data.engine} database${names.length > 1 ? 's' : ''} ${names.join(', ')} for ${login} at ${data.host}:${data.port} (${data.mode}); allow-list ${data.securityIps.join(',')}`,
    );
    return {
      externalIds: { dbId: id, database: data.database, account: data.account },
      outputs: record.outputs,
      secretOutputs: secretOutputs(data, login, password),
    };
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    const id = resourceId('rds', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RdsData> | undefined;
    // Without a record (lost state, or already destroyed) fall back to the names a fresh apply would derive.
    const data = record?.data ?? this.plan(request, id, undefined);
    const roles = [data.account, ...data.logins.filter((l) => l !== data.account)];
    // The other databases first, then the first one with the roles.
    const others = databaseNames(data).filter((name) => name !== data.database);
    switch (data.mode) {
      case 'embedded':
        // The cluster may not be running yet (a delete right after a restart): it is started to drop. Without a
        // record and without a cluster there is nothing to drop.
        if (record || (await this.cluster.initialized())) {
          const driver = await this.embedded(log);
          for (const database of others) await driver.drop({ id, database, roles: [] }, request.signal);
          await driver.drop({ id, database: data.database, roles }, request.signal);
        }
        // A database from before the embedded cluster (one PGlite directory per component) goes with it.
        await rm(join(this.dataDir, 'local', 'rds', id), { recursive: true, force: true });
        break;
      case 'postgres-admin':
        if (!this.postgres)
          throw new ProviderError(
            ProviderErrorCode.Unavailable,
            `rds ${id} lives on a PostgreSQL server but BERTH_LOCAL_POSTGRES_URL is not set`,
          );
        for (const database of others) await this.postgres.drop({ id, database, roles: [] }, request.signal);
        await this.postgres.drop({ id, database: data.database, roles }, request.signal);
        break;
      case 'mysql-admin':
        if (!this.mysql)
          throw new ProviderError(
            ProviderErrorCode.Unavailable,
            `rds ${id} lives on a MySQL server but BERTH_LOCAL_MYSQL_URL is not set`,
          );
        await this.mysql.drop(
          { databases: databaseNames(data), users: [...new Set([data.account, ...data.logins])] },
          request.signal,
        );
        break;
    }
    await this.store.update((draft) => {
      delete draft.resources[id];
    });
    log.log(
      'info',
      record
        ? `rds ${id}: database(s) ${databaseNames(data).join(', ')} and its account(s) removed`
        : `rds ${id} was already gone`,
    );
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    const id = resourceId('rds', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RdsData> | undefined;
    if (!record) return { drifted: true, exists: false, differences: [{ field: 'DB_ID', expected: id }] };
    const data = record.data;
    if (data.mode === 'embedded') {
      // Refresh reads: it does not start the cluster (start() brings it back with the service).
      const running = this.cluster.current;
      if (!running)
        return {
          drifted: true,
          exists: true,
          differences: [{ field: 'DB_PORT', expected: record.outputs.DB_PORT, actual: undefined }],
        };
      const actual = String(running.port);
      if (actual !== record.outputs.DB_PORT)
        return {
          drifted: true,
          exists: true,
          differences: [{ field: 'DB_PORT', expected: record.outputs.DB_PORT, actual }],
        };
    }
    const exists =
      data.mode === 'embedded'
        ? await (await this.embedded(SILENT_LOG)).exists(data.database, request.signal)
        : data.mode === 'postgres-admin'
          ? await this.postgres?.exists(data.database, request.signal)
          : await this.mysql?.exists(data.database, request.signal);
    if (exists === undefined)
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        `rds ${id}: the admin URL of its server is no longer configured`,
      );
    return exists
      ? { drifted: false, exists: true, differences: [] }
      : { drifted: true, exists: false, differences: [{ field: 'DATABASE_NAME', expected: data.database }] };
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    const id = resourceId('rds', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RdsData> | undefined;
    const data = this.plan(request, id, record?.data);
    const detail = `${data.engine} database${databaseNames(data).length > 1 ? 's' : ''} ${databaseNames(data).join(', ')} (${data.mode}), allow-list ${data.securityIps.join(',')}`;
    if (!record) return { exact: true, changes: [{ action: 'create', resource: id, detail }] };
    const same =
      databaseNames(record.data).join() === databaseNames(data).join() &&
      record.data.privilege === data.privilege &&
      record.data.securityIps.join() === data.securityIps.join() &&
      record.data.publicConnection === data.publicConnection;
    return { exact: true, changes: [{ action: same ? 'same' : 'update', resource: id, detail }] };
  }

  /**
   * New credentials while the old ones keep working until revoke:
   * - PostgreSQL (an admin server or the embedded cluster): a second login role that is a member of the owner and runs
   *   as it (`SET role`); revoke drops the old login (or, for the owner itself, removes its LOGIN).
   * - MySQL: a second user with the same grants; revoke drops the old user.
   */
  async rotate(request: ResourceRequest, log: OperationLog): Promise<ApplyResult & { revoke: RevokeHandle }> {
    const id = resourceId('rds', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RdsData> | undefined;
    if (!record) throw invalid(`rds ${id} does not exist; apply it before rotating its password`);
    const data: RdsData = { ...record.data, logins: [...record.data.logins] };
    const previous = data.logins[data.logins.length - 1];
    const password = randomSecret(24);
    data.rotations += 1;
    const login = rotatedLogin(data.account, data.rotations, data.engine === 'mysql' ? 32 : 63);
    data.logins.push(login);
    if (data.mode === 'mysql-admin') {
      await this.mysql!.ensure(
        {
          databases: data.databases ?? [{ name: data.database }],
          privilege: data.privilege,
          users: [{ name: login, password }],
        },
        request.signal,
      );
    } else {
      const driver = data.mode === 'embedded' ? await this.embedded(log) : this.postgres!;
      await driver.addLogin({ id, owner: data.account, login, password }, request.signal);
    }
    const saved = await this.save(request, id, data, record.createdAt);
    const current = data.logins[data.logins.length - 1];
    log.log('info', `rds ${id}: new credentials for ${current}; ${previous} stays valid until revoked`);
    return {
      externalIds: { dbId: id, database: data.database, account: data.account },
      outputs: saved.outputs,
      secretOutputs: secretOutputs(data, current, password),
      revoke: { login: previous },
    };
  }

  async revoke(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void> {
    const id = resourceId('rds', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RdsData> | undefined;
    if (!record) {
      log.log('info', `rds ${id}: nothing to revoke`);
      return;
    }
    const login = handle.login;
    const current = record.data.logins[record.data.logins.length - 1];
    if (!login || login === current) throw invalid('refusing to revoke the current login of the database');
    if (record.data.mode === 'mysql-admin') await this.mysql!.dropUser(login, request.signal);
    else {
      const driver = record.data.mode === 'embedded' ? await this.embedded(log) : this.postgres!;
      await driver.removeLogin({ id, owner: record.data.account, login }, request.signal);
    }
    await this.store.update((draft) => {
      const r = draft.resources[id] as ResourceRecord<RdsData> | undefined;
      if (r) r.data.logins = r.data.logins.filter((l) => l !== login);
    });
    log.log('info', `rds ${id}: login ${login} revoked`);
  }

  /**
   * At the service's start: with embedded databases recorded, the cluster comes back (adopted when a crashed service
   * left it running; its remembered port when free); without, a server left behind is stopped. A database whose port
   * changed keeps its issued outputs: refresh() reports DB_PORT drift and the next apply re-issues the secret.
   */
  async restore(records: Array<ResourceRecord<RdsData>>, log: OperationLog): Promise<void> {
    const embedded = records.filter((r) => r.data.mode === 'embedded');
    if (embedded.length === 0) return this.cluster.stopLeftover(log);
    const { port } = await this.cluster.ensureRunning(log);
    const moved = embedded.filter((r) => r.data.port !== String(port)).map((r) => r.id);
    if (moved.length === 0) return;
    await this.store.update((draft) => {
      for (const id of moved) {
        const r = draft.resources[id] as ResourceRecord<RdsData> | undefined;
        if (r) r.data.port = String(port);
      }
    });
  }

  /** Whether the embedded cluster is up (started or adopted by this instance). */
  isRunning(): boolean {
    return this.cluster.current !== undefined;
  }

  async closeAll(): Promise<void> {
    this.embeddedDriver = undefined;
    await this.cluster.stop();
  }

  /** The driver for the embedded cluster, started on first use. */
  private async embedded(log: OperationLog): Promise<PostgresAdminDriver> {
    try {
      const address = await this.cluster.ensureRunning(log);
      if (this.embeddedDriver?.address.port !== String(address.port))
        this.embeddedDriver = new PostgresAdminDriver(address.adminUrl);
      return this.embeddedDriver;
    } catch (error) {
      throw toProviderError(error, 'rds: cannot start the embedded PostgreSQL');
    }
  }

  /** Desired state: names fixed at creation, the rest from the properties. */
  private plan(request: ResourceRequest, _id: string, existing: RdsData | undefined): RdsData {
    const p = request.properties;
    const engine = (p.engine ?? 'postgresql') as RdsData['engine'];
    if (existing && existing.engine !== engine)
      throw invalid(
        `engine: the database is ${existing.engine}; changing the engine needs the component deleted and re-created`,
      );
    const mode: RdsMode =
      existing?.mode ?? (engine === 'mysql' ? 'mysql-admin' : this.postgres ? 'postgres-admin' : 'embedded');
    const maxName = engine === 'mysql' ? 32 : 63;
    // The one-database form keeps the database made at creation (as before `databases`); a list is taken as written.
    const listed =
      existing && !Array.isArray(p.databases)
        ? [{ name: existing.database }]
        : rdsDatabases(p, sqlName([request.application, request.component], request.idempotencyKey, 63));
    if (existing && Array.isArray(p.databases) && listed[0]!.name !== existing.database)
      throw invalid(
        `databases: the instance's first database is ${existing.database} (its connection keys name it); keep it first`,
      );
    const database = existing?.database ?? listed[0]!.name;
    const databases = [
      { ...(listed.find((d) => d.name === database) ?? { name: database }) },
      ...listed.filter((d) => d.name !== database),
    ];
    const account =
      existing?.account ??
      (typeof p.accountName === 'string' && p.accountName
        ? p.accountName
        : sqlName([request.component], request.idempotencyKey, maxName));
    const address =
      mode === 'postgres-admin'
        ? this.postgres!.address
        : mode === 'mysql-admin'
          ? this.mysql!.address
          : { host: this.host, port: existing?.port ?? '0' };
    return {
      engine,
      mode,
      database,
      databases,
      account,
      logins: existing?.logins.length ? existing.logins : [account],
      privilege: typeof p.privilege === 'string' ? p.privilege : 'ReadWrite',
      host: address.host,
      port: mode === 'embedded' ? (existing?.port ?? '0') : address.port,
      securityIps: allowList(request),
      publicConnection: p.publicConnection === true,
      rotations: existing?.rotations ?? 0,
    };
  }

  private async save(
    request: ResourceRequest,
    id: string,
    data: RdsData,
    createdAt: string | undefined,
  ): Promise<ResourceRecord<RdsData>> {
    return this.store.update((draft) => {
      const now = new Date().toISOString();
      const next: ResourceRecord<RdsData> = {
        id,
        type: 'rds',
        idempotencyKey: request.idempotencyKey,
        environment: request.environment,
        application: request.application,
        component: request.component,
        outputs: rdsOutputs(id, data),
        data,
        createdAt: createdAt ?? now,
        updatedAt: now,
      };
      draft.resources[id] = next as unknown as ResourceRecord;
      return next;
    });
  }
}

function rdsOutputs(id: string, data: RdsData): Record<string, string> {
  const outputs: Record<string, string> = {
    DB_HOST: data.host,
    DB_PORT: data.port,
    DB_USER: data.logins[data.logins.length - 1],
    DATABASE_NAME: data.database,
    DB_NAME: data.database,
    DB_ID: id,
  };
  // Everything here listens on this machine: the "public" host is the same loopback address.
  if (data.publicConnection) outputs.DB_PUBLIC_HOST = data.host;
  return outputs;
}

function secretOutputs(data: RdsData, login: string, password: string): Record<string, string> {
  const scheme = data.engine === 'mysql' ? 'mysql' : 'postgres';
  const host = data.host.includes(':') ? `[${data.host}]` : data.host;
  const url = `${scheme}://${encodeURIComponent(login)}:${encodeURIComponent(password)}@${host}:${data.port}/${encodeURIComponent(data.database)}`;
  return { DB_PASSWORD: password, DB_URL: url };
}

/** The names of every database of the instance, the first one first. */
function databaseNames(data: RdsData): string[] {
  return data.databases?.map((d) => d.name) ?? [data.database];
}

function rotatedLogin(account: string, generation: number, max: number): string {
  const suffix = `_r${generation}`;
  return `${account.slice(0, max - suffix.length)}${suffix}`;
}
