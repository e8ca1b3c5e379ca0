/**
 * Time from apply to ready for one of each cloud type on the local provider: `npx tsx bench/local-provider.bench.ts`.
 * "Ready" means usable: the vpc is allocated, the PostgreSQL answers a query with the secret's URL, the bucket takes an
 * object with the secret's key, the load balancer forwards a connection to its backend.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ResourceRequest } from '@berth/core';
import { SILENT_LOG } from '@berth/core';
import { LocalResourceProvider } from '@berth/provider-local';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface LocalProviderBenchResult {
  perTypeMs: Record<'vpc' | 'rds' | 'oss' | 'slb', number>;
  totalMs: number;
}

function req(
  type: ResourceRequest['type'],
  component: string,
  properties: Record<string, unknown> = {},
  secretProperties: Record<string, string> = {},
): ResourceRequest {
  return {
    environment: 'bench',
    application: 'app',
    component,
    type,
    profile: { kind: 'local', settings: {} },
    properties,
    secretProperties,
    dependencies: {},
    externalIds: {},
    idempotencyKey: `bench/app/${component}`,
    signal: new AbortController().signal,
  };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return Math.round(performance.now() - start);
}

export async function run(): Promise<LocalProviderBenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-bench-local-'));
  const provider = new LocalResourceProvider({ dataDir });
  const backend = createServer((socket) => {
    // Health probes connect and hang up at once: ignore their resets.
    socket.on('error', () => undefined);
    socket.end('ok');
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  const backendPort = (backend.address() as AddressInfo).port;
  try {
    await provider.start();
    const totalStart = performance.now();
    const perTypeMs = {
      vpc: await timed(async () => {
        await provider.apply(req('vpc', 'net'), SILENT_LOG);
      }),
      rds: await timed(async () => {
        const secret = await provider.apply(
          req('rds', 'db', { engine: 'postgresql' }, { password: 'bench-password' }),
          SILENT_LOG,
        );
        const client = new Client({ connectionString: secret.secretOutputs.DB_URL });
        await client.connect();
        await client.query('select 1');
        await client.end();
      }),
      oss: await timed(async () => {
        const secret = await provider.apply(req('oss', 'files'), SILENT_LOG);
        const s3 = new S3Client({
          endpoint: secret.outputs.BUCKET_ENDPOINT,
          region: secret.outputs.OSS_REGION,
          forcePathStyle: true,
          credentials: {
            accessKeyId: secret.outputs.OSS_ACCESS_KEY_ID,
            secretAccessKey: secret.secretOutputs.OSS_ACCESS_KEY_SECRET,
          },
        });
        await s3.send(new PutObjectCommand({ Bucket: secret.outputs.BUCKET_NAME, Key: 'ready', Body: 'ok' }));
        s3.destroy();
      }),
      slb: await timed(async () => {
        const secret = await provider.apply(
          req('slb', 'lb', { listeners: [{ port: 80, protocol: 'tcp', backendPort }], backends: ['127.0.0.1'] }),
          SILENT_LOG,
        );
        const [host, port] = secret.outputs.SLB_ADDRESS.split(':');
        await new Promise<void>((resolve, reject) => {
          const socket = connect({ host, port: Number(port) });
          socket.once('data', () => {
            socket.destroy();
            resolve();
          });
          socket.once('error', reject);
        });
      }),
    };
    return { perTypeMs, totalMs: Math.round(performance.now() - totalStart) };
  } finally {
    await provider.close();
    await new Promise<void>((r) => backend.close(() => r()));
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run()
    .then((result) => {
      for (const [type, ms] of Object.entries(result.perTypeMs))
        console.log(`local ${type.padEnd(4)} apply → ready: ${ms} ms`);
      console.log(`local total (sequential)  : ${result.totalMs} ms`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
