#!/usr/bin/env node
// Proves what only the compiled (CommonJS) service can show. Run after `npm run build`.
// 1. It loads @kubernetes/client-node, which ships as ESM only: Node 20.19+ loads it through require(esm).
// 2. A Pulumi run forks the runner entry from dist, and that runner loads the alicloud provider's program module by
//    path and runs its vpc program. The runner uses @berth/pulumi's mocked-engine workspace: Pulumi's own mocks
//    stand in for the engine and the cloud, and no pulumi CLI is involved (none is needed or claimed).
const { existsSync } = require('node:fs');
const { mkdtemp, rm } = require('node:fs/promises');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
function built(...parts) {
  const path = join(dist, ...parts);
  if (!existsSync(path)) fail(`${path} is missing; run npm run build first`);
  return path;
}
function fail(message) {
  console.error(`check-built-service: ${message}`);
  process.exit(1);
}

function checkKube() {
  const kube = require(built('libs', 'kube', 'src', 'index.js'));
  const client = require('@kubernetes/client-node');
  if (typeof client.KubeConfig !== 'function') fail('@kubernetes/client-node did not load from CommonJS');
  console.log(
    `check-built-service: dist loads @kubernetes/client-node (KubeConfig ok; @berth/kube exports ${Object.keys(kube).length} names)`,
  );
}

async function checkPulumiRunner() {
  const pulumi = require(built('libs', 'pulumi', 'src', 'index.js'));
  const testing = require(built('libs', 'pulumi', 'src', 'testing', 'index.js'));
  const alicloud = require(built('providers', 'alicloud', 'src', 'index.js'));
  const { BUILTIN_TYPES } = require(built('libs', 'types', 'src', 'index.js'));
  const entry = pulumi.runnerEntry();
  if (!entry.endsWith('.js') || !existsSync(entry)) fail(`the Pulumi runner entry ${entry} is not in dist`);
  const programs = alicloud.alicloudStackConfigurator.programModule;
  if (!programs.endsWith('.js') || !existsSync(programs))
    fail(`the alicloud program module ${programs} is not in dist`);

  const dataDir = await mkdtemp(join(tmpdir(), 'berth-check-'));
  process.env.BERTH_CHECK_AK = 'check-access-key-id';
  process.env.BERTH_CHECK_SK = 'check-access-key-secret';
  try {
    const driver = new pulumi.PulumiDriver({
      dataDir,
      configurator: alicloud.alicloudStackConfigurator,
      launcher: new pulumi.ForkJobLauncher({ workspaceModule: testing.MOCKED_ENGINE_WORKSPACE_MODULE }),
      // The mocked-engine workspace never calls the CLI; the driver only asks whether one is configured.
      cli: { detect: async () => ({ available: true, command: 'pulumi' }) },
      env: { BERTH_PULUMI_PASSPHRASE: 'check-built-service' },
    });
    const outputs = await driver.up({
      request: {
        environment: 'check',
        application: 'built',
        component: 'net',
        type: 'vpc',
        profile: {
          kind: 'alicloud',
          settings: {
            region: 'cn-hangzhou',
            credentials: { accessKeyIdEnv: 'BERTH_CHECK_AK', accessKeySecretEnv: 'BERTH_CHECK_SK' },
          },
        },
        properties: { cidr: '10.9.0.0/16', vswitches: [{ zone: 'cn-hangzhou-h', cidr: '10.9.1.0/24' }] },
        secretProperties: {},
        dependencies: {},
        externalIds: {},
        idempotencyKey: 'check/built/net',
        signal: AbortSignal.timeout(120_000),
      },
    });
    const result = pulumi.splitOutputs(BUILTIN_TYPES.connectionKeys('vpc'), outputs);
    if (result.outputs.VPC_CIDR !== '10.9.0.0/16' || !result.outputs.VPC_ID || !result.externalIds.securityGroupId)
      fail(`the forked runner answered unexpected outputs: ${JSON.stringify(result)}`);
    console.log(
      `check-built-service: dist forks ${entry.slice(dist.length + 1)}, which loaded ${programs.slice(dist.length + 1)} ` +
        `and ran the vpc program under Pulumi's mocks (outputs ${Object.keys(result.outputs).join(', ')})`,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

checkKube();
checkPulumiRunner().catch((error) => fail(`the forked Pulumi run failed: ${error.message}`));
