import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { fitName, type ProgramInput, type ProgramOutputs } from '@berth/pulumi';
import { rdsDatabases } from '@berth/types';
import { NAME_RULES } from '../naming/resource-names';
import { readAlicloudSettings } from '../profile/alicloud-profile';
import {
  bool,
  createProgramContext,
  invalid,
  placement,
  num,
  readSecurityIps,
  requireStr,
  str,
} from './program-context';

const ENGINES: Record<string, { engine: string; scheme: string; privilege: string }> = {
  mysql: { engine: 'MySQL', scheme: 'mysql', privilege: 'ReadWrite' },
  postgresql: { engine: 'PostgreSQL', scheme: 'postgresql', privilege: 'DBOwner' },
};

/**
 * rds: an Instance in the network's vSwitch, its vswitchId or the profile's default network (allow-list defaulting to the network CIDR, never the whole internet),
 * a Database per entry of `databases` (or the one `databaseName`), an account whose password is a Pulumi secret, its
 * privilege on every database, and a public Connection only when `publicConnection` is true. The first database is
 * the one the connection keys name (KubeVela's module publishes DATABASE_NAME the same way).
 */
export async function rdsProgram(input: ProgramInput): Promise<ProgramOutputs> {
  const ctx = createProgramContext(input);
  const p = input.properties;
  const engineName = (str(p, 'engine') ?? 'mysql').toLowerCase();
  const engine = ENGINES[engineName];
  if (engine === undefined) throw invalid(`engine must be mysql or postgresql, got "${engineName}"`);
  const engineVersion = requireStr(p, 'engineVersion', input.component);
  const instanceClass = requireStr(p, 'instanceClass', input.component);
  const storage = num(p, 'storageGB') ?? num(p, 'storage') ?? 20;
  const place = placement(input, 'rds');
  const securityIps = readSecurityIps(p.securityIps, place.cidr);
  const password = input.secrets.password;
  if (password === undefined)
    throw invalid(`component "${input.component}": the broker holds no password for this database`);
  const databases = rdsDatabases(p, fitName([input.component], NAME_RULES.rdsDatabase));
  const accountName = str(p, 'accountName') ?? fitName([input.component], NAME_RULES.rdsAccount);
  const privilege = str(p, 'privilege') ?? engine.privilege;
  const settings = readAlicloudSettings(input.profile);
  const securityGroupId = place.securityGroupId;

  const instance = new alicloud.rds.Instance(
    'instance',
    {
      engine: engine.engine,
      engineVersion,
      instanceType: instanceClass,
      instanceStorage: storage,
      instanceName: str(p, 'instanceName') ?? ctx.name(NAME_RULES.rdsInstance),
      instanceChargeType: 'Postpaid',
      ...(place.vpcId ? { vpcId: place.vpcId } : {}),
      vswitchId: place.vswitchId,
      securityIps,
      ...(securityGroupId ? { securityGroupIds: [securityGroupId] } : {}),
      deletionProtection: settings.deletionProtection === true,
      tags: ctx.tags,
    },
    ctx.opts,
  );
  // The first keeps the resource name of the one-database form, so a stack from before `databases` is unchanged.
  const created = databases.map(
    (db, index) =>
      new alicloud.rds.Database(
        index === 0 ? 'database' : `database-${db.name}`,
        {
          instanceId: instance.id,
          dataBaseName: db.name,
          description: db.description ?? 'managed by berth',
          // PostgreSQL databases take the instance's encoding (UTF8); a MySQL one its own character set.
          ...(db.characterSet && engineName === 'mysql' ? { characterSet: db.characterSet } : {}),
        },
        ctx.opts,
      ),
  );
  const database = created[0]!;
  const account = new alicloud.rds.RdsAccount(
    'account',
    { dbInstanceId: instance.id, accountName, accountPassword: pulumi.secret(password), accountType: 'Normal' },
    ctx.opts,
  );
  new alicloud.rds.AccountPrivilege(
    'privilege',
    {
      instanceId: instance.id,
      accountName: account.accountName,
      dbNames: created.map((db) => db.dataBaseName),
      privilege,
    },
    ctx.opts,
  );
  const publicConnection =
    bool(p, 'publicConnection') === true
      ? new alicloud.rds.Connection(
          'public-connection',
          { instanceId: instance.id, connectionPrefix: ctx.name(NAME_RULES.rdsConnectionPrefix) },
          ctx.opts,
        )
      : undefined;

  const url = pulumi
    .all([instance.connectionString, instance.port, account.accountName, database.dataBaseName, password])
    .apply(
      ([host, port, user, db, pw]) =>
        `${engine.scheme}://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@${host}:${port}/${db}`,
    );
  const connection: Record<string, pulumi.Output<string>> = {
    DB_HOST: instance.connectionString,
    DB_PORT: instance.port,
    DB_USER: account.accountName,
    DB_PASSWORD: pulumi.secret(password),
    DATABASE_NAME: database.dataBaseName,
    DB_NAME: database.dataBaseName,
    DB_ID: instance.id,
    DB_URL: pulumi.secret(url),
  };
  if (publicConnection) connection.DB_PUBLIC_HOST = publicConnection.connectionString;
  return {
    connection,
    externalIds: {
      instanceId: instance.id,
      ...(publicConnection ? { publicConnectionId: publicConnection.id } : {}),
    },
  };
}
