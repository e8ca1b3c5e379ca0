import type { ApplyResult, DriftReport, OperationLog, ResourcePlan, ResourceRequest, RevokeHandle } from '@berth/core';
import { ProviderError, ProviderErrorCode, SILENT_LOG } from '@berth/core';
import { join } from 'node:path';
import type { StateStore } from '../state/state.store';
import type { LocalState, ResourceRecord } from '../state/local-state';
import { invalid, throwIfAborted } from '../support/local-provider.error';
import { randomSecret, resourceId } from '../support/naming';
import { findExecutable } from '../support/process/find-executable';
import { allowList, opensToEveryone } from '../support/security-ips';
import type { SecretDeriver } from '../support/secret-deriver';
import { EmbeddedRedisServer } from './embedded-redis.server';
import {
  ACCOUNT_NAME,
  accountUser,
  aclRules,
  isRedisPrivilege,
  keyPrefix,
  passwordHash,
  REDIS_PRIVILEGES,
  redisIdentity,
  type RedisPrivilege,
} from './redis-acl';
import { atLeast, MIN_REDIS_VERSION, RedisAdminDriver, type RedisUserAcl } from './redis-admin.driver';

export type RedisMode = 'embedded' | 'external';

/** One password of the component's user: `ref` names it in a revoke handle, `sha256` is what Redis holds of it. */
export interface RedisPassword {
  ref: string;
  sha256: string;
}

export interface RedisAccountData {
  name: string;
  user: string;
  privilege: RedisPrivilege;
  sha256: string;
}

export interface RedisData {
  mode: RedisMode;
  /** REDIS_NAME: `instanceName`, else the resource id. */
  name: string;
  user: string;
  prefix: string;
  host: string;
  port: string;
  tls: boolean;
  /** The user's passwords, oldest first; the last is the current one. Rotation adds one, revoke removes one. */
  passwords: RedisPassword[];
  accounts: RedisAccountData[];
  /** Each user's ACL as the server reported it right after apply: what refresh compares with. */
  acl: Record<string, RedisUserAcl>;
  /** Recorded as asked (see README): the server is one Redis on this machine, listening on loopback. */
  engineVersion: string;
  serverVersion: string;
  instanceClass?: string;
  vswitchId?: string;
  securityIps: string[];
  /** Passwords issued so far (names the next `ref`). */
  generation: number;
}

export interface RedisResourceOptions {
  /** Admin URL of an existing Redis server (BERTH_LOCAL_REDIS_URL), e.g. `redis://default:secret@127.0.0.1:6379`. */
  redisAdminUrl?: string;
  /** Where `redis-server` is looked for when there is no admin URL (default: PATH). */
  searchPath?: string;
}

const DEFAULT_ENGINE_VERSION = '5.0';

/**
 * `redis`: an ACL user per component on a real Redis: the server at BERTH_LOCAL_REDIS_URL, or the provider's own
 * redis-server (one per data dir, started with the first component) when one is on PATH. The user may use only keys
 * and channels under the component's prefix, and no @admin/@dangerous command; extra `accounts[]` get users of their
 * own under the same prefix. Rotation gives the user a second password; revoke removes the old one.
 */
export class RedisResource {
  private readonly external: RedisAdminDriver | undefined;
  private readonly searchPath: string | undefined;
  private server: EmbeddedRedisServer | undefined;
  private embeddedDriver: RedisAdminDriver | undefined;
  private readonly versions = new Map<RedisAdminDriver, string>();

  constructor(
    private readonly store: StateStore<LocalState>,
    private readonly dataDir: string,
    private readonly host: string,
    private readonly secrets: SecretDeriver,
    options: RedisResourceOptions,
  ) {
    this.external = options.redisAdminUrl ? new RedisAdminDriver(options.redisAdminUrl, 'best-effort') : undefined;
    this.searchPath = options.searchPath;
  }

  /** Problems that make a component impossible here (JSON pointers relative to its properties). */
  validate(properties: Record<string, unknown>): Array<{ path: string; message: string }> {
    const problems: Array<{ path: string; message: string }> = [];
    if (!this.external && !this.redisServer()) {
      problems.push({
        path: '',
        message:
          'the local environment has no Redis: set BERTH_LOCAL_REDIS_URL to an admin URL (redis://default:PASSWORD@127.0.0.1:6379) or put redis-server (Redis 6.2 or newer) on the PATH of the service',
      });
    }
    const version = properties.engineVersion;
    if (version !== undefined && !(typeof version === 'string' && /^\d+\.\d+$/.test(version)))
      problems.push({ path: '/engineVersion', message: 'engineVersion must be a version such as "5.0" or "7.0"' });
    if (opensToEveryone(properties.securityIps))
      problems.push({
        path: '/securityIps',
        message: 'securityIps must not open Redis to every address (0.0.0.0/0)',
      });
    const accounts = properties.accounts;
    if (accounts === undefined) return problems;
    if (!Array.isArray(accounts)) {
      problems.push({ path: '/accounts', message: 'accounts must be a list of {name, password, privilege}' });
      return problems;
    }
    const seen = new Set<string>();
    accounts.forEach((account: unknown, i) => {
      const at = `/accounts/${i}`;
      if (typeof account !== 'object' || account === null || Array.isArray(account)) {
        problems.push({ path: at, message: 'an account must be an object {name, password, privilege}' });
        return;
      }
      const { name, password, privilege } = account as Record<string, unknown>;
      if (typeof name !== 'string' || !ACCOUNT_NAME.test(name))
        problems.push({
          path: `${at}/name`,
          message:
            'name must start with a lowercase letter and hold only lowercase letters, digits and _ (at most 100)',
        });
      else if (seen.has(name)) problems.push({ path: `${at}/name`, message: `account ${name} is listed twice` });
      else seen.add(name);
      if (password !== undefined && !(typeof password === 'string' && password.length > 0))
        problems.push({ path: `${at}/password`, message: 'password must be a non-empty string' });
      if (privilege !== undefined && !isRedisPrivilege(privilege))
        problems.push({
          path: `${at}/privilege`,
          message: `privilege must be one of ${Object.keys(REDIS_PRIVILEGES).join(', ')}`,
        });
    });
    return problems;
  }

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    const problems = this.validate(request.properties);
    if (problems.length > 0)
      throw invalid(problems.map((p) => `${p.path.slice(1) || 'redis'}: ${p.message}`).join('; '));
    const password = request.secretProperties.password;
    if (!password) throw invalid('redis: the request carries no password (secretProperties.password)');
    const id = resourceId('redis', request.idempotencyKey);
    const existing = (await this.store.read()).resources[id] as ResourceRecord<RedisData> | undefined;
    const data = this.plan(request, id, existing?.data);
    const accountPasswords = this.accountPasswords(request);

    const driver = await this.driver(data, log);
    throwIfAborted(request.signal, `redis ${id}`);
    data.serverVersion = await this.checkVersion(driver, data.engineVersion, request.signal);

    // The current password last; earlier ones stay until revoke. A password the broker no longer holds (changed in
    // the document) replaces them all.
    const hash = passwordHash(password);
    const kept = data.passwords.filter((p) => p.sha256 !== hash);
    const current = data.passwords.find((p) => p.sha256 === hash) ?? { ref: `p${data.generation++}`, sha256: hash };
    data.passwords = kept.length === data.passwords.length ? [current] : [...kept, current];

    data.acl = {};
    await this.setMainUser(driver, data, request.signal);
    for (const account of data.accounts) {
      account.sha256 = passwordHash(accountPasswords.get(account.name)!);
      data.acl[account.user] = await driver.setUser(
        account.user,
        aclRules({ prefix: data.prefix, privilege: account.privilege, passwordHashes: [account.sha256] }),
        request.signal,
      );
    }
    const dropped = (existing?.data.accounts ?? []).filter((a) => !data.accounts.some((b) => b.user === a.user));
    await driver.deleteUsers(
      dropped.map((a) => a.user),
      request.signal,
    );

    const record = await this.save(request, id, data, existing?.createdAt);
    log.log(
      'info',
      `redis ${id}: user ${data.user}${data.accounts.length ? ` (+ ${data.accounts.map((a) => a.user).join(', ')})` : ''} on ${data.mode === 'embedded' ? 'the embedded Redis' : 'the Redis of BERTH_LOCAL_REDIS_URL'} ${data.serverVersion} at ${data.host}:${data.port}, keys and channels ${data.prefix}*; allow-list ${data.securityIps.join(',')} (recorded)`,
    );
    return {
      externalIds: { redisId: id, user: data.user },
      outputs: record.outputs,
      secretOutputs: secretOutputs(data, password),
    };
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    const id = resourceId('redis', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RedisData> | undefined;
    // Without a record (lost state, or already destroyed) the names a fresh apply would derive.
    const data = record?.data ?? this.plan(request, id, undefined);
    const users = [data.user, ...data.accounts.map((a) => a.user)];
    let deleted: number | undefined;
    // The embedded server is started to clean up after a restart; without a record and without a server ever set up
    // here there is nothing to remove.
    if (record || data.mode === 'external' || (await this.embeddedServer()?.initialized())) {
      const driver = await this.driver(data, log);
      await driver.deleteUsers(users, request.signal);
      deleted = await driver.deleteKeys(data.prefix, request.signal);
    }
    await this.store.update((draft) => {
      delete draft.resources[id];
    });
    log.log(
      'info',
      record || deleted
        ? `redis ${id}: user(s) ${users.join(', ')} and ${deleted ?? 0} key(s) under ${data.prefix} removed`
        : `redis ${id} was already gone`,
    );
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    const id = resourceId('redis', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RedisData> | undefined;
    if (!record) return { drifted: true, exists: false, differences: [{ field: 'REDIS_NAME', expected: id }] };
    const data = record.data;
    if (data.mode === 'embedded') {
      // Refresh reads: it does not start the server (start() brings it back with the service).
      const running = this.embeddedServer()?.current;
      const actual = running ? String(running.port) : undefined;
      if (actual !== record.outputs.REDIS_PORT)
        return {
          drifted: true,
          exists: true,
          differences: [{ field: 'REDIS_PORT', expected: record.outputs.REDIS_PORT, actual }],
        };
    }
    const driver = await this.driver(data, SILENT_LOG);
    const differences: DriftReport['differences'] = [];
    if (data.mode === 'external' && hostPort(driver.address) !== record.outputs.REDIS_CONNECT_ADDRESS)
      differences.push({
        field: 'REDIS_CONNECT_ADDRESS',
        expected: record.outputs.REDIS_CONNECT_ADDRESS,
        actual: hostPort(driver.address),
      });
    const main = await driver.getUser(data.user, request.signal);
    if (!main) return { drifted: true, exists: false, differences: [{ field: 'REDIS_USER', expected: data.user }] };
    differences.push(
      ...aclDifferences(
        data.user,
        data.acl[data.user],
        main,
        data.passwords.map((p) => p.sha256),
      ),
    );
    for (const account of data.accounts) {
      const actual = await driver.getUser(account.user, request.signal);
      if (!actual) differences.push({ field: `accounts/${account.name}`, expected: account.user });
      else differences.push(...aclDifferences(account.user, data.acl[account.user], actual, [account.sha256]));
    }
    return { drifted: differences.length > 0, exists: true, differences };
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    const id = resourceId('redis', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RedisData> | undefined;
    const data = this.plan(request, id, record?.data);
    const detail = `user ${data.user} with keys and channels ${data.prefix}* (${data.mode}), allow-list ${data.securityIps.join(',')}`;
    if (!record) return { exact: true, changes: [{ action: 'create', resource: id, detail }] };
    const password = request.secretProperties.password;
    const accounts = (list: RedisAccountData[]) => list.map((a) => `${a.name}:${a.privilege}`).join(',');
    const same =
      accounts(record.data.accounts) === accounts(data.accounts) &&
      record.data.securityIps.join() === data.securityIps.join() &&
      record.data.name === data.name &&
      (password === undefined || record.data.passwords.some((p) => p.sha256 === passwordHash(password)));
    return { exact: true, changes: [{ action: same ? 'same' : 'update', resource: id, detail }] };
  }

  /** A second password for the component's user; the first keeps working until revoke. */
  async rotate(request: ResourceRequest, log: OperationLog): Promise<ApplyResult & { revoke: RevokeHandle }> {
    const id = resourceId('redis', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RedisData> | undefined;
    if (!record) throw invalid(`redis ${id} does not exist; apply it before rotating its password`);
    const data: RedisData = structuredClone(record.data);
    const previous = data.passwords[data.passwords.length - 1];
    const password = randomSecret(24);
    data.passwords.push({ ref: `p${data.generation++}`, sha256: passwordHash(password) });
    await this.setMainUser(await this.driver(data, log), data, request.signal);
    const saved = await this.save(request, id, data, record.createdAt);
    log.log('info', `redis ${id}: new password for ${data.user}; password ${previous.ref} stays valid until revoked`);
    return {
      externalIds: { redisId: id, user: data.user },
      outputs: saved.outputs,
      secretOutputs: secretOutputs(data, password),
      // A reference to the old password, never the password (nor its hash): the handle is stored with the operation.
      revoke: { user: data.user, password: previous.ref },
    };
  }

  async revoke(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void> {
    const id = resourceId('redis', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<RedisData> | undefined;
    const entry = record?.data.passwords.find((p) => p.ref === handle.password);
    if (!record || !entry) {
      log.log('info', `redis ${id}: password ${handle.password ?? '(none named)'} is already revoked`);
      return;
    }
    const data = record.data;
    if (entry === data.passwords[data.passwords.length - 1])
      throw invalid('refusing to revoke the current password of the Redis user');
    const driver = await this.driver(data, log);
    const acl = await driver.removePassword(data.user, entry.sha256, request.signal);
    await this.store.update((draft) => {
      const r = draft.resources[id] as ResourceRecord<RedisData> | undefined;
      if (!r) return;
      r.data.passwords = r.data.passwords.filter((p) => p.ref !== entry.ref);
      if (acl) r.data.acl[data.user] = acl;
    });
    log.log('info', `redis ${id}: password ${entry.ref} of ${data.user} revoked`);
  }

  /**
   * At the service's start: with embedded components recorded, the server comes back (adopted when a crashed service
   * left it running; its remembered port when free); without, a server left behind is stopped. A component whose port
   * changed keeps its issued outputs: refresh reports REDIS_PORT drift and the next apply re-issues the secret.
   */
  async restore(records: Array<ResourceRecord<RedisData>>, log: OperationLog): Promise<void> {
    const server = this.embeddedServer();
    if (!server) return;
    if (!records.some((r) => r.data.mode === 'embedded')) return server.stopLeftover(log);
    await server.ensureRunning(log);
  }

  /** Whether the embedded server is up (started or adopted by this instance). */
  isRunning(): boolean {
    return this.server?.current !== undefined;
  }

  async closeAll(): Promise<void> {
    this.embeddedDriver = undefined;
    await this.server?.stop();
  }

  /** The component's own user: read-write under the prefix, with every password not yet revoked. */
  private async setMainUser(driver: RedisAdminDriver, data: RedisData, signal: AbortSignal): Promise<void> {
    const passwordHashes = data.passwords.map((p) => p.sha256);
    data.acl[data.user] = await driver.setUser(
      data.user,
      aclRules({ prefix: data.prefix, privilege: 'RoleReadWrite', passwordHashes }),
      signal,
    );
  }

  /** The embedded server, when redis-server is on PATH (created once it is). */
  private embeddedServer(): EmbeddedRedisServer | undefined {
    if (this.server) return this.server;
    const command = this.redisServer();
    if (!command) return undefined;
    this.server = new EmbeddedRedisServer({
      root: join(this.dataDir, 'local', 'redis'),
      berthDataDir: this.dataDir,
      host: this.host,
      command,
      adminPassword: () => this.secrets.derive('embedded-redis:admin'),
      rememberedPort: async () => (await this.store.read()).services?.redis?.port,
      rememberPort: (port) =>
        this.store.update((draft) => {
          draft.services = { ...draft.services, redis: { port } };
        }),
    });
    return this.server;
  }

  private redisServer(): string | undefined {
    return findExecutable('redis-server', this.searchPath);
  }

  /** The admin driver of the component's server; the embedded server is started (or adopted) on first use. */
  private async driver(data: RedisData, log: OperationLog): Promise<RedisAdminDriver> {
    if (data.mode === 'external') {
      if (!this.external)
        throw new ProviderError(
          ProviderErrorCode.Unavailable,
          `redis ${data.name}: its user lives on the Redis server of BERTH_LOCAL_REDIS_URL, which is no longer set`,
        );
      return this.external;
    }
    const server = this.embeddedServer();
    if (!server)
      throw new ProviderError(
        ProviderErrorCode.Unavailable,
        'the embedded Redis is gone: redis-server is no longer on PATH (or set BERTH_LOCAL_REDIS_URL and re-create the component)',
      );
    const address = await server.ensureRunning(log);
    if (this.embeddedDriver?.address.port !== String(address.port))
      this.embeddedDriver = new RedisAdminDriver(address.adminUrl, 'aclfile');
    data.port = String(address.port);
    return this.embeddedDriver;
  }

  /** The server's version, checked once per server: ACL users need 6.2; `engineVersion` may not ask for more. */
  private async checkVersion(driver: RedisAdminDriver, asked: string, signal: AbortSignal): Promise<string> {
    let version = this.versions.get(driver);
    if (!version) {
      version = await driver.version(signal);
      if (!atLeast(version, MIN_REDIS_VERSION))
        throw new ProviderError(
          ProviderErrorCode.Unavailable,
          `the Redis server at ${driver.address.host}:${driver.address.port} is ${version}; Berth's redis users need Redis ${MIN_REDIS_VERSION.join('.')} or newer`,
        );
      this.versions.set(driver, version);
    }
    const [major, minor] = asked.split('.').map(Number) as [number, number];
    if (!atLeast(version, [major, minor]))
      throw invalid(`engineVersion: ${asked} asked for, but the local Redis server is ${version}`);
    return version;
  }

  /** Passwords of the extra accounts: in the account (`accounts/i/password`) or held by the broker under that path. */
  private accountPasswords(request: ResourceRequest): Map<string, string> {
    const passwords = new Map<string, string>();
    const accounts = Array.isArray(request.properties.accounts) ? request.properties.accounts : [];
    accounts.forEach((account, i) => {
      const a = account as Record<string, unknown>;
      const password = request.secretProperties[`accounts/${i}/password`] ?? a.password;
      if (typeof password !== 'string' || password === '')
        throw invalid(
          `accounts/${i}/password: account ${String(a.name)} needs a password (Berth publishes only the main user's credentials)`,
        );
      passwords.set(String(a.name), password);
    });
    return passwords;
  }

  /** Desired state: names fixed at creation, the rest from the properties. */
  private plan(request: ResourceRequest, id: string, existing: RedisData | undefined): RedisData {
    const p = request.properties;
    let identity: string;
    try {
      identity = redisIdentity(request.environment, request.application, request.component);
    } catch (error) {
      throw invalid(`redis: ${(error as Error).message} (environment, application and component names are labels)`);
    }
    const mode: RedisMode = existing?.mode ?? (this.external ? 'external' : 'embedded');
    const address =
      mode === 'embedded'
        ? { host: this.host, port: existing?.port ?? '0', tls: false }
        : (this.external?.address ?? { host: existing!.host, port: existing!.port, tls: existing!.tls });
    const accounts = (Array.isArray(p.accounts) ? p.accounts : []).map((account) => {
      const a = account as Record<string, unknown>;
      const name = String(a.name);
      return {
        name,
        user: accountUser(identity, name),
        privilege: isRedisPrivilege(a.privilege) ? a.privilege : 'RoleReadWrite',
        sha256: existing?.accounts.find((x) => x.name === name)?.sha256 ?? '',
      } satisfies RedisAccountData;
    });
    return {
      mode,
      name: typeof p.instanceName === 'string' && p.instanceName ? p.instanceName : id,
      user: existing?.user ?? identity,
      prefix: existing?.prefix ?? keyPrefix(identity),
      host: address.host,
      port: address.port,
      tls: address.tls,
      passwords: existing?.passwords ?? [],
      accounts,
      acl: existing?.acl ?? {},
      engineVersion: typeof p.engineVersion === 'string' ? p.engineVersion : DEFAULT_ENGINE_VERSION,
      serverVersion: existing?.serverVersion ?? '',
      ...(typeof p.instanceClass === 'string' ? { instanceClass: p.instanceClass } : {}),
      ...(typeof p.vswitchId === 'string' ? { vswitchId: p.vswitchId } : {}),
      securityIps: allowList(request),
      generation: existing?.generation ?? 0,
    };
  }

  private async save(
    request: ResourceRequest,
    id: string,
    data: RedisData,
    createdAt: string | undefined,
  ): Promise<ResourceRecord<RedisData>> {
    return this.store.update((draft) => {
      const now = new Date().toISOString();
      const next: ResourceRecord<RedisData> = {
        id,
        type: 'redis',
        idempotencyKey: request.idempotencyKey,
        environment: request.environment,
        application: request.application,
        component: request.component,
        outputs: redisOutputs(data),
        data,
        createdAt: createdAt ?? now,
        updatedAt: now,
      };
      draft.resources[id] = next as unknown as ResourceRecord;
      return next;
    });
  }
}

function hostPort(address: { host: string; port: string }): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

function redisOutputs(data: RedisData): Record<string, string> {
  return {
    REDIS_CONNECT_ADDRESS: hostPort(data),
    REDIS_NAME: data.name,
    REDIS_USER: data.user,
    REDIS_HOST: data.host,
    REDIS_PORT: data.port,
    REDIS_KEY_PREFIX: data.prefix,
  };
}

function secretOutputs(data: RedisData, password: string): Record<string, string> {
  const scheme = data.tls ? 'rediss' : 'redis';
  return {
    REDIS_PASSWORD: password,
    REDIS_URL: `${scheme}://${encodeURIComponent(data.user)}:${encodeURIComponent(password)}@${hostPort(data)}`,
  };
}

/** What differs between the ACL apply left (`recorded`) and the server's (`actual`). Hashes are never reported. */
function aclDifferences(
  user: string,
  recorded: RedisUserAcl | undefined,
  actual: RedisUserAcl,
  passwords: string[],
): DriftReport['differences'] {
  const differences: DriftReport['differences'] = [];
  if (recorded) {
    for (const field of ['commands', 'keys', 'channels'] as const) {
      if (recorded[field] !== actual[field])
        differences.push({ field: `${user}/${field}`, expected: recorded[field], actual: actual[field] });
    }
    const flags = (acl: RedisUserAcl) => [...acl.flags].sort().join(' ');
    if (flags(recorded) !== flags(actual))
      differences.push({ field: `${user}/flags`, expected: flags(recorded), actual: flags(actual) });
  }
  const same =
    passwords.length === actual.passwords.length && passwords.every((hash) => actual.passwords.includes(hash));
  if (!same)
    differences.push({
      field: `${user}/passwords`,
      expected: `${passwords.length} password(s) issued by Berth`,
      actual: `${actual.passwords.length} password(s), ${actual.passwords.filter((h) => passwords.includes(h)).length} of them Berth's`,
    });
  return differences;
}
