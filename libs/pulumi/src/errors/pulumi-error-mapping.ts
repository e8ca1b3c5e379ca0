import { ProviderError, ProviderErrorCode } from '@berth/core';

export const MISSING_CLI_MESSAGE =
  'the pulumi CLI was not found on PATH; install it or set BERTH_PULUMI_COMMAND to its path';

/** A pattern of an error message (Pulumi's, the CLI's, or a cloud SDK's as Pulumi reports it) and its code. */
export interface ErrorRule {
  pattern: RegExp;
  code: ProviderErrorCode;
}

/** Pulumi's and the CLI's own failures: checked before any cloud's rules. */
const PULUMI_RULES: ErrorRule[] = [
  {
    pattern:
      /another update is currently in progress|\[409\] Conflict|the stack is currently locked|stack is locked|concurrent update/i,
    code: ProviderErrorCode.Conflict,
  },
  {
    pattern:
      /pulumi: (command )?not found|spawn pulumi ENOENT|ENOENT.*pulumi|Failed to find pulumi|could not find the pulumi|not find pulumi/i,
    code: ProviderErrorCode.Unavailable,
  },
  { pattern: /incorrect passphrase|passphrase must be set/i, code: ProviderErrorCode.Unauthorized },
];

/** Words most clouds' APIs and the network use: checked after the provider's rules. */
const COMMON_RULES: ErrorRule[] = [
  { pattern: /NotAuthorized|Unauthorized|AccessDenied/i, code: ProviderErrorCode.Unauthorized },
  { pattern: /QuotaExceed|Quota\.Exceeded|LimitExceeded/i, code: ProviderErrorCode.QuotaExceeded },
  {
    pattern:
      /Throttling|ServiceUnavailable|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|TLS handshake timeout|try again later/i,
    code: ProviderErrorCode.Transient,
  },
  { pattern: /InvalidParameter|MissingParameter/i, code: ProviderErrorCode.InvalidRequest },
];

/**
 * Maps what a Pulumi run threw to the domain's codes, with every secret value scrubbed: Pulumi's own failures first,
 * then the provider's `cloudRules` (its SDK's error codes), then words common to clouds; anything else is Internal.
 */
export function mapPulumiError(
  error: unknown,
  scrub: (text: string) => string = (t) => t,
  cloudRules: readonly ErrorRule[] = [],
): ProviderError {
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
  for (const rule of [...PULUMI_RULES, ...cloudRules, ...COMMON_RULES]) {
    if (rule.pattern.test(raw)) {
      return new ProviderError(
        rule.code,
        rule.code === ProviderErrorCode.Unavailable ? `${MISSING_CLI_MESSAGE} (${message})` : message,
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
