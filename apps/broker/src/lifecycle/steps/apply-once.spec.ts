import type { CloudComponentSpec } from '@berth/core';
import type { ManagedResourceEntity } from '@berth/persistence';
import { describe, expect, it } from 'vitest';
import { keepsOnStateKeep, keepsOnUpdate, keptSpec } from './apply-once';

const spec = {
  name: 'db',
  kind: 'cloud',
  type: 'rds',
  deletionPolicy: 'Delete',
  connectionSecretName: 'app-db-conn',
  properties: { engine: 'postgresql', privilege: 'ReadWrite', storageGB: 50, tags: { team: 'b' } },
} as unknown as CloudComponentSpec;
const recorded = {
  properties: { engine: 'postgresql', privilege: 'ReadOnly', storageGB: 20 },
  externalIds: { dbId: 'rds-1' },
  retained: false,
} as unknown as ManagedResourceEntity;

describe('apply-once', () => {
  it('sends the first applied value at each listed path, and drops what was not applied then', () => {
    const kept = keptSpec(spec, { path: ['properties.privilege', 'tags.team'], affect: 'onUpdate' }, recorded)!;
    expect(kept.kept).toEqual(['privilege', 'tags.team']);
    expect(kept.spec.properties).toEqual({ engine: 'postgresql', privilege: 'ReadOnly', storageGB: 50, tags: {} });
    expect(spec.properties.privilege).toBe('ReadWrite');
  });

  it('keeps everything for *, and reads affect as KubeVela does', () => {
    expect(keptSpec(spec, { path: ['*'], affect: 'always' }, recorded)).toBeUndefined();
    expect([
      keepsOnUpdate({ path: ['*'], affect: 'onUpdate' }),
      keepsOnStateKeep({ path: ['*'], affect: 'onUpdate' }),
    ]).toEqual([true, false]);
    expect([
      keepsOnUpdate({ path: ['*'], affect: 'onStateKeep' }),
      keepsOnStateKeep({ path: ['*'], affect: 'onStateKeep' }),
    ]).toEqual([false, true]);
    expect([
      keepsOnUpdate({ path: ['*'], affect: 'always' }),
      keepsOnStateKeep({ path: ['*'], affect: 'always' }),
    ]).toEqual([true, true]);
    expect(keepsOnUpdate(undefined)).toBe(false);
  });
});
