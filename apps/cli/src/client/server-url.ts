import { CliError, CliErrorCode } from '../cli.error';

/**
 * The server URL from BERTH_URL, checked before any request: fetch reads `localhost:8080` as a URL of the scheme
 * `localhost:` and fails with a bare "unknown scheme". Berth does not guess the scheme: a remote Berth usually sits
 * behind TLS, and quietly falling back to plain http:// there would send the requests in clear text. Instead the one
 * line of the error says what to write.
 */
export function serverUrlFrom(text: string): string {
  const loopback = /^(localhost|127\.|\[::1\])/i.test(text);
  const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
    ? ''
    : `; write BERTH_URL=${loopback ? 'http' : 'https'}://${text}`;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new CliError(
      CliErrorCode.Usage,
      `BERTH_URL must be an http:// or https:// URL, not ${JSON.stringify(text)}${hint}`,
    );
  }
  return text;
}
