import type { ApplyResult, ConnectionKeySpec } from '@berth/core';
import type { StackOutputs } from '../workspace/pulumi-workspace.port';
import { EXTERNAL_IDS_OUTPUT } from './program';

/**
 * Stack outputs → non-secret outputs, secret outputs (Pulumi secrets and the keys the type's descriptor flags
 * sensitive), external ids.
 */
export function splitOutputs(connectionKeys: readonly ConnectionKeySpec[], stackOutputs: StackOutputs): ApplyResult {
  const sensitive = new Set(connectionKeys.filter((k) => k.sensitive).map((k) => k.name));
  const outputs: Record<string, string> = {};
  const secretOutputs: Record<string, string> = {};
  const externalIds: Record<string, string> = {};
  for (const [key, { value, secret }] of Object.entries(stackOutputs)) {
    if (key === EXTERNAL_IDS_OUTPUT) {
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>))
        if (v !== undefined && v !== null) externalIds[k] = String(v);
      continue;
    }
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (secret || sensitive.has(key)) secretOutputs[key] = text;
    else outputs[key] = text;
  }
  return { externalIds, outputs, secretOutputs };
}
