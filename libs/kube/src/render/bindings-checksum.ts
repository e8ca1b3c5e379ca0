import { createHash } from 'node:crypto';
import type { ConnectionSecretMaterial, ResolvedEnvVar } from '@berth/core';

/**
 * The value of `berth.dev/bindings-checksum` for a workload: a hash of the name and version of every secret its env
 * binds (and nothing else, so values never leak into it and an unchanged secret leaves the pod template unchanged).
 * Engines may compute WorkloadDelivery.bindingsChecksum with this; the renderer only copies that field.
 */
export function computeBindingsChecksum(
  env: readonly Pick<ResolvedEnvVar, 'secretName'>[],
  secrets: readonly Pick<ConnectionSecretMaterial, 'name' | 'version'>[],
): string {
  const versions = new Map(secrets.map((secret) => [secret.name, secret.version]));
  const bound = [...new Set(env.map((variable) => variable.secretName))].sort();
  const canonical = bound.map((name) => `${name}@${versions.get(name) ?? 'missing'}`).join('\n');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}
