import { isSensitiveConnectionKey, type ApplyResult, type CloudComponentType } from '@berth/core';
import type { StackOutputs } from '../workspace/pulumi-workspace.port';
import { EXTERNAL_IDS_OUTPUT } from './program';

/** Stack outputs → non-secret outputs, secret outputs (Pulumi secrets and the type's sensitive keys), external ids. */
export function splitOutputs(type: CloudComponentType, stackOutputs: StackOutputs): ApplyResult {
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
    if (secret || isSensitiveConnectionKey(type, key)) secretOutputs[key] = text;
    else outputs[key] = text;
  }
  return { externalIds, outputs, secretOutputs };
}
