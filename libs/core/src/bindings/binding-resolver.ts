import { createHash } from 'node:crypto';
import { ProviderError, ProviderErrorCode } from '../errors';
import { resolveBindingTarget } from '../graph';
import type { ApplicationSpec, EnvBinding, WorkloadComponentSpec } from '../model';
import type { ConnectionSecretMaterial, ResolvedEnvVar } from '../ports';

/** What the resolver needs to know about a connection secret: its identity, version and key names, not its values. */
export interface AvailableSecret {
  /** Name in the runtime (`writeConnectionSecretToRef.name`). */
  name: string;
  /** The cloud component that published it. */
  component: string;
  version: number;
  keys: readonly string[];
  sensitiveKeys: readonly string[];
}

export type PendingReason =
  /** The component exists but has not published its connection secret yet. */
  | 'SecretNotReady'
  /** The secret exists but does not carry this key (e.g. DB_PUBLIC_HOST without a public connection). */
  | 'KeyMissing';

export interface PendingBinding extends EnvBinding {
  reason: PendingReason;
  message: string;
}

export interface BindingResolution {
  /** True when every binding resolved: the workload may be delivered. */
  ready: boolean;
  /** One per resolved binding, in the order the bindings were written. */
  env: ResolvedEnvVar[];
  /** Hash of the (name, version) of every secret bound, in name order; changes only when a bound version changes. */
  bindingsChecksum: string;
  /** The secrets bound, by runtime name. */
  secretNames: string[];
  pending: PendingBinding[];
}

/** Adapts the runtime's secret material (values included) to what the resolver reads. */
export function availableSecret(material: ConnectionSecretMaterial): AvailableSecret {
  return {
    name: material.name,
    component: material.component,
    version: material.version,
    keys: Object.keys(material.data),
    sensitiveKeys: material.sensitiveKeys,
  };
}

/**
 * Resolves a workload's env bindings against the connection secrets that exist now. A binding's `secret` names a
 * cloud component of the application or a connection secret by its runtime name; the key defaults to the env name
 * when the application was normalized. A name that is neither is a Secret the runtime already has (`external`).
 */
export function resolveBindings(
  workload: WorkloadComponentSpec,
  application: ApplicationSpec,
  secrets: Iterable<AvailableSecret>,
): BindingResolution {
  const byComponent = new Map<string, AvailableSecret>();
  const byName = new Map<string, AvailableSecret>();
  for (const secret of secrets) {
    byComponent.set(secret.component, secret);
    byName.set(secret.name, secret);
  }

  const env: ResolvedEnvVar[] = [];
  const pending: PendingBinding[] = [];
  const bound = new Map<string, number>();

  for (const binding of workload.bindings) {
    const target = resolveBindingTarget(application, binding.secret);
    const secret = target ? byComponent.get(target.name) : byName.get(binding.secret);
    if (!secret && !target) {
      // Neither a component nor a secret of the application: a Secret that exists in the runtime (validation let it
      // through only for a runtime that binds such a Secret as it is).
      env.push({ name: binding.env, secretName: binding.secret, key: binding.key, sensitive: true, external: true });
      continue;
    }
    if (!secret) {
      pending.push({
        ...binding,
        reason: 'SecretNotReady',
        message: `connection secret of ${target!.name} is not ready yet`,
      });
      continue;
    }
    if (!secret.keys.includes(binding.key)) {
      pending.push({
        ...binding,
        reason: 'KeyMissing',
        message: `connection secret ${secret.name} has no key ${binding.key}`,
      });
      continue;
    }
    bound.set(secret.name, secret.version);
    env.push({
      name: binding.env,
      secretName: secret.name,
      key: binding.key,
      sensitive: secret.sensitiveKeys.includes(binding.key),
    });
  }

  const secretNames = [...bound.keys()].sort();
  return {
    ready: pending.length === 0,
    env,
    bindingsChecksum: bindingsChecksum(secretNames.map((name) => ({ name, version: bound.get(name)! }))),
    secretNames,
    pending,
  };
}

/** sha256 hex over `name@version` lines in name order; the same set of versions always gives the same checksum. */
export function bindingsChecksum(secrets: Iterable<{ name: string; version: number }>): string {
  const lines = [...secrets].map((s) => `${s.name}@${s.version}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * For a deliver step: the resolution when every binding is ready, else a ProviderError naming each pending binding.
 * A secret that is merely not published yet is retryable (Transient); a missing key or an unknown secret will not fix
 * itself (InvalidRequest).
 */
export function requireReadyBindings(workload: string, resolution: BindingResolution): BindingResolution {
  if (resolution.ready) return resolution;
  const permanent = resolution.pending.some((p) => p.reason !== 'SecretNotReady');
  const details = resolution.pending.map((p) => `${p.env}: ${p.message}`).join('; ');
  throw new ProviderError(
    permanent ? ProviderErrorCode.InvalidRequest : ProviderErrorCode.Transient,
    `bindings of ${workload} are not ready: ${details}`,
  );
}
