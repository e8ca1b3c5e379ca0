import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ApplyResult, DriftReport, OperationLog, ResourcePlan, ResourceRequest, RevokeHandle } from '@berth/core';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import type { StateStore } from '../state/state.store';
import type { LocalState, ResourceRecord } from '../state/local-state';
import { abortable } from '../support/abortable';
import { invalid, toProviderError } from '../support/local-provider.error';
import { bucketName, resourceId, shortHash } from '../support/naming';
import type { SecretDeriver } from '../support/secret-deriver';
import { acknowledgeAwsSdkNodeNotice } from './aws-sdk-node-notice';
import { EmbeddedS3Server } from './embedded-s3.server';

export interface OssData {
  mode: 'embedded' | 'external';
  bucket: string;
  /** Access key ids issued for this bucket (embedded mode); the last one is current, earlier ones await revoke. */
  accessKeyIds: string[];
  generation: number;
}

export interface ExternalS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * `oss`: one bucket per component on the embedded S3 endpoint (bucket-scoped access keys whose secrets are derived from
 * the provider's master key), or on an existing S3-compatible server given by BERTH_LOCAL_S3_URL (then the connection
 * secret carries that server's credentials: the S3 API cannot mint scoped keys).
 */
export class OssResource {
  private readonly server: EmbeddedS3Server;
  private starting: Promise<number> | undefined;

  constructor(
    private readonly store: StateStore<LocalState>,
    private readonly secrets: SecretDeriver,
    directory: string,
    host: string,
    private readonly region: string,
    private readonly external: ExternalS3 | undefined,
  ) {
    this.server = new EmbeddedS3Server(directory, host);
  }

  get endpoint(): string {
    return this.external ? this.external.endpoint : this.server.endpoint;
  }

  async apply(request: ResourceRequest, log: OperationLog): Promise<ApplyResult> {
    const id = resourceId('oss', request.idempotencyKey);
    const existing = (await this.store.read()).resources[id] as ResourceRecord<OssData> | undefined;
    const wanted =
      typeof request.properties.bucket === 'string' && request.properties.bucket
        ? request.properties.bucket
        : undefined;
    const bucket =
      existing?.data.bucket ?? wanted ?? bucketName([request.application, request.component], request.idempotencyKey);
    if (existing && wanted && wanted !== existing.data.bucket) {
      throw invalid(
        `bucket: the component already owns bucket ${existing.data.bucket}; renaming needs it deleted and re-created`,
      );
    }
    validateBucketName(bucket);
    const mode = this.external ? 'external' : 'embedded';
    const data: OssData = existing?.data ?? { mode, bucket, accessKeyIds: [], generation: 1 };
    if (mode === 'embedded' && data.accessKeyIds.length === 0) data.accessKeyIds = [keyIdFor(bucket, data.generation)];

    await this.ensureServer();
    await this.grantKeys(data);
    await this.createBucket(bucket, request.signal);

    const record = await this.save(request, id, data, existing?.createdAt);
    log.log('info', `oss ${id}: bucket ${bucket} ready at ${this.endpoint}`);
    return {
      externalIds: { bucket, ossId: id },
      outputs: record.outputs,
      secretOutputs: await this.secretOutputs(data),
    };
  }

  async destroy(request: ResourceRequest, log: OperationLog): Promise<void> {
    const id = resourceId('oss', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<OssData> | undefined;
    const bucket = record?.data.bucket ?? request.externalIds.bucket;
    if (bucket) {
      await this.ensureServer();
      await this.deleteBucket(bucket, request.signal);
    }
    if (record && !this.external) for (const keyId of record.data.accessKeyIds) this.server.revoke(keyId);
    await this.store.update((draft) => {
      delete draft.resources[id];
    });
    log.log('info', bucket ? `oss ${id}: bucket ${bucket} and its objects removed` : `oss ${id} was already gone`);
  }

  async refresh(request: ResourceRequest): Promise<DriftReport> {
    const id = resourceId('oss', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<OssData> | undefined;
    if (!record)
      return {
        drifted: true,
        exists: false,
        differences: [{ field: 'BUCKET_NAME', expected: request.externalIds.bucket }],
      };
    if (!this.external && !this.server.running) {
      return {
        drifted: true,
        exists: true,
        differences: [{ field: 'BUCKET_ENDPOINT', expected: record.outputs.BUCKET_ENDPOINT, actual: undefined }],
      };
    }
    const differences: DriftReport['differences'] = [];
    if (record.outputs.BUCKET_ENDPOINT !== this.endpoint) {
      differences.push({ field: 'BUCKET_ENDPOINT', expected: record.outputs.BUCKET_ENDPOINT, actual: this.endpoint });
    }
    const exists = await this.bucketExists(record.data.bucket, request.signal);
    if (!exists)
      return {
        drifted: true,
        exists: false,
        differences: [...differences, { field: 'BUCKET_NAME', expected: record.data.bucket }],
      };
    return { drifted: differences.length > 0, exists: true, differences };
  }

  async preview(request: ResourceRequest): Promise<ResourcePlan> {
    const id = resourceId('oss', request.idempotencyKey);
    const record = (await this.store.read()).resources[id] as ResourceRecord<OssData> | undefined;
    const wanted = typeof request.properties.bucket === 'string' ? request.properties.bucket : undefined;
    if (!record)
      return {
        exact: true,
        changes: [
          {
            action: 'create',
            resource: id,
            detail: `bucket ${wanted ?? bucketName([request.application, request.component], request.idempotencyKey)}`,
          },
        ],
      };
    if (wanted && wanted !== record.data.bucket)
      return {
        exact: true,
        changes: [{ action: 'replace', resource: id, detail: `bucket ${record.data.bucket} → ${wanted}` }],
      };
    return { exact: true, changes: [{ action: 'same', resource: id }] };
  }

  /** Issues a new bucket-scoped access key; the previous one keeps working until revoke. Embedded mode only. */
  async rotate(request: ResourceRequest, log: OperationLog): Promise<ApplyResult & { revoke: RevokeHandle }> {
    if (this.external) {
      throw invalid(
        'oss on an existing S3 server (BERTH_LOCAL_S3_URL) cannot rotate keys: the S3 API cannot mint access keys',
      );
    }
    const id = resourceId('oss', request.idempotencyKey);
    const existing = (await this.store.read()).resources[id] as ResourceRecord<OssData> | undefined;
    if (!existing) throw invalid(`oss ${id} does not exist; apply it before rotating its key`);
    const previous = existing.data.accessKeyIds[existing.data.accessKeyIds.length - 1];
    const generation = existing.data.generation + 1;
    const data: OssData = {
      ...existing.data,
      generation,
      accessKeyIds: [...existing.data.accessKeyIds, keyIdFor(existing.data.bucket, generation)],
    };
    await this.ensureServer();
    await this.grantKeys(data);
    const record = await this.save(request, id, data, existing.createdAt);
    log.log(
      'info',
      `oss ${id}: new access key ${data.accessKeyIds[data.accessKeyIds.length - 1]} issued; ${previous} stays valid until revoked`,
    );
    return {
      externalIds: { bucket: data.bucket, ossId: id },
      outputs: record.outputs,
      secretOutputs: await this.secretOutputs(data),
      revoke: { accessKeyId: previous },
    };
  }

  async revoke(request: ResourceRequest, handle: RevokeHandle, log: OperationLog): Promise<void> {
    const id = resourceId('oss', request.idempotencyKey);
    const keyId = handle.accessKeyId;
    await this.store.update((draft) => {
      const record = draft.resources[id] as ResourceRecord<OssData> | undefined;
      if (!record) return;
      const current = record.data.accessKeyIds[record.data.accessKeyIds.length - 1];
      if (keyId === current) throw invalid('refusing to revoke the current access key of the bucket');
      record.data.accessKeyIds = record.data.accessKeyIds.filter((k) => k !== keyId);
    });
    if (keyId) this.server.revoke(keyId);
    log.log('info', `oss ${id}: access key ${keyId} revoked`);
  }

  /** After a restart: brings the endpoint back (remembered port when free) and re-registers every issued key. */
  async restore(records: Array<ResourceRecord<OssData>>): Promise<void> {
    if (this.external || records.length === 0) return;
    await this.ensureServer();
    for (const record of records) await this.grantKeys(record.data);
  }

  async close(): Promise<void> {
    this.starting = undefined;
    await this.server.close();
  }

  private async ensureServer(): Promise<void> {
    if (this.external) return;
    if (!this.starting) {
      this.starting = (async () => {
        const preferred = (await this.store.read()).services?.s3?.port ?? 0;
        const port = await this.server.start(preferred);
        this.server.grant({ ...(await this.adminKey()), bucket: '*' });
        if (port !== preferred) {
          await this.store.update((draft) => {
            draft.services = { ...draft.services, s3: { port } };
          });
        }
        return port;
      })().catch((error: unknown) => {
        this.starting = undefined;
        throw toProviderError(error, 'oss: cannot start the embedded S3 endpoint');
      });
    }
    await this.starting;
  }

  private async adminKey(): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    return { accessKeyId: 'BERTHADMIN', secretAccessKey: await this.secrets.derive('s3-admin') };
  }

  private async grantKeys(data: OssData): Promise<void> {
    if (this.external) return;
    for (const accessKeyId of data.accessKeyIds) {
      this.server.grant({
        accessKeyId,
        secretAccessKey: await this.secrets.derive(`s3-key:${accessKeyId}`),
        bucket: data.bucket,
      });
    }
  }

  private async secretOutputs(data: OssData): Promise<Record<string, string>> {
    if (this.external) return { OSS_ACCESS_KEY_SECRET: this.external.secretAccessKey };
    const current = data.accessKeyIds[data.accessKeyIds.length - 1];
    return { OSS_ACCESS_KEY_SECRET: await this.secrets.derive(`s3-key:${current}`) };
  }

  private async save(
    request: ResourceRequest,
    id: string,
    data: OssData,
    createdAt: string | undefined,
  ): Promise<ResourceRecord<OssData>> {
    return this.store.update((draft) => {
      const now = new Date().toISOString();
      const accessKeyId = this.external ? this.external.accessKeyId : data.accessKeyIds[data.accessKeyIds.length - 1];
      const next: ResourceRecord<OssData> = {
        id,
        type: 'oss',
        idempotencyKey: request.idempotencyKey,
        environment: request.environment,
        application: request.application,
        component: request.component,
        outputs: {
          BUCKET_NAME: data.bucket,
          BUCKET_ENDPOINT: this.endpoint,
          BUCKET_INTRANET_ENDPOINT: this.endpoint,
          OSS_REGION: this.region,
          OSS_ACCESS_KEY_ID: accessKeyId,
        },
        data,
        createdAt: createdAt ?? now,
        updatedAt: now,
      };
      draft.resources[id] = next as unknown as ResourceRecord;
      return next;
    });
  }

  private async client(): Promise<S3Client> {
    const credentials = this.external
      ? { accessKeyId: this.external.accessKeyId, secretAccessKey: this.external.secretAccessKey }
      : await this.adminKey();
    acknowledgeAwsSdkNodeNotice();
    return new S3Client({
      endpoint: this.endpoint,
      region: this.region,
      forcePathStyle: true,
      credentials,
      maxAttempts: 2,
    });
  }

  private async bucketExists(bucket: string, signal: AbortSignal): Promise<boolean> {
    const client = await this.client();
    try {
      await abortable(
        client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal }),
        signal,
        `oss: head bucket ${bucket}`,
      );
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw toProviderError(error, `oss: cannot check bucket ${bucket}`);
    } finally {
      client.destroy();
    }
  }

  private async createBucket(bucket: string, signal: AbortSignal): Promise<void> {
    if (await this.bucketExists(bucket, signal)) return;
    const client = await this.client();
    try {
      await abortable(
        client.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal: signal }),
        signal,
        `oss: create bucket ${bucket}`,
      );
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'BucketAlreadyOwnedByYou') return;
      if (name === 'BucketAlreadyExists' && this.external) {
        throw new ProviderError(
          ProviderErrorCode.Conflict,
          `oss: bucket ${bucket} already exists on the S3 server and belongs to someone else`,
          { cause: error },
        );
      }
      throw toProviderError(error, `oss: cannot create bucket ${bucket}`);
    } finally {
      client.destroy();
    }
  }

  private async deleteBucket(bucket: string, signal: AbortSignal): Promise<void> {
    const client = await this.client();
    try {
      let token: string | undefined;
      do {
        const page = await abortable(
          client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }), { abortSignal: signal }),
          signal,
          `oss: list ${bucket}`,
        );
        const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (keys.length > 0) {
          await abortable(
            client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }), {
              abortSignal: signal,
            }),
            signal,
            `oss: empty ${bucket}`,
          );
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      await abortable(
        client.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal: signal }),
        signal,
        `oss: delete ${bucket}`,
      );
    } catch (error) {
      if (isMissing(error)) return;
      throw toProviderError(error, `oss: cannot delete bucket ${bucket}`);
    } finally {
      client.destroy();
    }
  }
}

function keyIdFor(bucket: string, generation: number): string {
  return `LK${shortHash(`${bucket}#${generation}`, 18).toUpperCase()}`;
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchBucket' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export function validateBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw invalid(`bucket: "${bucket}" is not a valid bucket name (3-63 lowercase letters, digits and hyphens)`);
  }
}
