import { ProviderError, ProviderErrorCode } from '@berth/core';

export const MISSING_CLI_MESSAGE =
  'the pulumi CLI was not found on PATH; install it or set BERTH_PULUMI_COMMAND to its path';

const RULES: Array<[RegExp, ProviderErrorCode]> = [
  [
    /another update is currently in progress|\[409\] Conflict|the stack is currently locked|stack is locked|concurrent update/i,
    ProviderErrorCode.Conflict,
  ],
  [
    /pulumi: (command )?not found|spawn pulumi ENOENT|ENOENT.*pulumi|Failed to find pulumi|could not find the pulumi|not find pulumi/i,
    ProviderErrorCode.Unavailable,
  ],
  [
    /InvalidAccessKeyId|SignatureDoesNotMatch|InvalidSecurityToken|Forbidden\.RAM|NoPermission|Forbidden\.AccessKey|AccessKeyId\b.*not found|incorrect passphrase|passphrase must be set|NotAuthorized|Unauthorized|AccessDenied/i,
    ProviderErrorCode.Unauthorized,
  ],
  [
    /QuotaExceed|Quota\.Exceeded|OperationDenied\.NoStock|InsufficientBalance|ResourceNotEnough|Zone\.NotOnSale|LimitExceeded|\.Quota/i,
    ProviderErrorCode.QuotaExceeded,
  ],
  [
    /Throttling|ServiceUnavailable|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|TLS handshake timeout|IncorrectStatus|OperationConflict|try again later/i,
    ProviderErrorCode.Transient,
  ],
  [
    /InvalidParameter|MissingParameter|InvalidDBInstanceClass|InvalidEngine|InvalidBucketName|BucketAlreadyExists|EntityAlreadyExists/i,
    ProviderErrorCode.InvalidRequest,
  ],
];

/** Maps what Pulumi or the Alibaba Cloud SDK threw to the domain's codes, with every secret value scrubbed. */
export function mapPulumiError(error: unknown, scrub: (text: string) => string = (t) => t): ProviderError {
  if (error instanceof ProviderError) {
    return new ProviderError(error.code, scrub(error.message));
  }
  const name = error instanceof Error ? (error.constructor?.name ?? error.name) : '';
  const raw = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const message = scrub(condense(raw));
  if (name === 'ConcurrentUpdateError')
    return new ProviderError(ProviderErrorCode.Conflict, `the stack is locked by another update: ${message}`);
  if (code === 'ENOENT' && /pulumi/i.test(raw))
    return new ProviderError(ProviderErrorCode.Unavailable, MISSING_CLI_MESSAGE);
  if (name === 'AbortError' || /The operation was aborted/i.test(raw))
    return new ProviderError(ProviderErrorCode.Timeout, message);
  for (const [pattern, mapped] of RULES) {
    if (pattern.test(raw)) {
      return new ProviderError(
        mapped,
        mapped === ProviderErrorCode.Unavailable ? `${MISSING_CLI_MESSAGE} (${message})` : message,
      );
    }
  }
  return new ProviderError(ProviderErrorCode.Internal, message);
}

/** Pulumi's CommandError messages hold the whole CLI transcript; keep the lines that say what failed. */
function condense(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  const important = lines.filter((l) => /error|fail|denied|invalid|conflict|quota|throttl|not found|locked/i.test(l));
  const chosen = important.length > 0 ? important : lines;
  const text = chosen.slice(0, 12).join('\n');
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}
