import { join } from 'node:path';
import { ProviderError, ProviderErrorCode } from '@berth/core';
import type { LocalHandlerFactory } from '../handlers/local-type.handler';
import type { LocalProviderOptions } from '../local-provider.options';
import type { ResourceRecord } from '../state/local-state';
import { OssResource, type OssData } from './oss.resource';

/** oss → a bucket on the embedded S3 endpoint (or BERTH_LOCAL_S3_URL), with an access key scoped to it. */
export const ossHandler: LocalHandlerFactory = (context) => {
  const oss = new OssResource(
    context.store,
    context.secrets,
    join(context.root, 'oss'),
    context.host,
    context.options.s3Region ?? 'local',
    externalS3(context.options),
  );
  return {
    preview: (request) => oss.preview(request),
    apply: (request, log) => oss.apply(request, log),
    destroy: (request, log) => oss.destroy(request, log),
    refresh: (request) => oss.refresh(request),
    rotate: (request, log) => oss.rotate(request, log),
    revoke: (request, handle, log) => oss.revoke(request, handle, log),
    restore: (records) => oss.restore(records as unknown as Array<ResourceRecord<OssData>>),
    close: () => oss.close(),
  };
};

function externalS3(
  options: LocalProviderOptions,
): { endpoint: string; accessKeyId: string; secretAccessKey: string } | undefined {
  if (!options.s3Url) return undefined;
  const url = new URL(options.s3Url);
  const accessKeyId = options.s3AccessKeyId ?? decodeURIComponent(url.username);
  const secretAccessKey = options.s3SecretAccessKey ?? decodeURIComponent(url.password);
  if (!accessKeyId || !secretAccessKey) {
    throw new ProviderError(
      ProviderErrorCode.InvalidRequest,
      'BERTH_LOCAL_S3_URL needs admin credentials (in the URL as KEY:SECRET@ or as s3AccessKeyId/s3SecretAccessKey)',
    );
  }
  url.username = '';
  url.password = '';
  return { endpoint: url.toString().replace(/\/$/, ''), accessKeyId, secretAccessKey };
}
