import { closestMatch } from '@berth/oam';
import { CliError, CliErrorCode } from '../cli.error';
import type { BerthApiClient } from './berth-api.client';

/**
 * A 404 from a command run in environment `env` may mean that the environment itself does not exist (`--env stagign`).
 * The server's answer then only says "not found"; this asks the server for its environments and, when `env` is not
 * one of them, answers instead with an error that lists them and names the closest one. Any other error is returned
 * as it is (also when the list cannot be read: the original error is the better one to show).
 */
export async function explainUnknownEnvironment(
  client: () => BerthApiClient,
  env: string,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof CliError) || error.code !== CliErrorCode.Server || error.problem?.status !== 404) return error;
  const names = await client()
    .listEnvironments()
    .then(
      (items) => items.map((item) => item.name),
      () => undefined,
    );
  if (!names || names.includes(env)) return error;
  const match = closestMatch(env, names);
  return new CliError(CliErrorCode.Server, `environment ${JSON.stringify(env)} does not exist`, { status: 404 }, [
    `known environments: ${names.join(', ') || '(none)'}${match ? `; did you mean ${match}?` : ''}`,
  ]);
}
