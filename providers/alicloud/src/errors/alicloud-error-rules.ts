import { ProviderErrorCode } from '@berth/core';
import type { ErrorRule } from '@berth/pulumi';

/**
 * Alibaba Cloud's error codes (as its SDK reports them through Pulumi) mapped to Berth's. The driver checks them
 * after Pulumi's own failures and before the words common to clouds (Unauthorized, Throttling, InvalidParameter …).
 */
export const ALICLOUD_ERROR_RULES: readonly ErrorRule[] = [
  {
    pattern:
      /InvalidAccessKeyId|SignatureDoesNotMatch|InvalidSecurityToken|Forbidden\.RAM|NoPermission|Forbidden\.AccessKey|AccessKeyId\b.*not found/i,
    code: ProviderErrorCode.Unauthorized,
  },
  {
    pattern: /OperationDenied\.NoStock|InsufficientBalance|ResourceNotEnough|Zone\.NotOnSale|\.Quota/i,
    code: ProviderErrorCode.QuotaExceeded,
  },
  { pattern: /IncorrectStatus|OperationConflict/i, code: ProviderErrorCode.Transient },
  {
    pattern: /InvalidDBInstanceClass|InvalidEngine|InvalidBucketName|BucketAlreadyExists|EntityAlreadyExists/i,
    code: ProviderErrorCode.InvalidRequest,
  },
];
