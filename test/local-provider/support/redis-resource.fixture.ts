import type { CloudComponentType, OperationLog } from '@berth/core';
import { SILENT_LOG } from '@berth/core';
import { join } from 'node:path';
import {
  RedisResource,
  type RedisData,
  type RedisResourceOptions,
} from '../../../providers/local/src/redis/redis.resource';
import { JsonStateStore } from '../../../providers/local/src/state/json-state.store';
import { emptyState, type LocalState, type ResourceRecord } from '../../../providers/local/src/state/local-state';
import { SecretDeriver } from '../../../providers/local/src/support/secret-deriver';

/** `redis` is not yet one of core's types (the type registry of issue 11 adds it): requests carry it as it will be. */
export const REDIS = 'redis' as unknown as CloudComponentType;

export interface LocalRedis {
  resource: RedisResource;
  /** What LocalResourceProvider.start() does for the type: brings back the embedded server of recorded components. */
  start(log?: OperationLog): Promise<void>;
  /** The admin password of the embedded server (derived from the data dir's master key, as the provider does). */
  embeddedAdminPassword(): Promise<string>;
}

/**
 * The local provider's redis handler over a data dir, wired as LocalResourceProvider wires its handlers (state in
 * `<dataDir>/local/state.json`, secrets derived from `<dataDir>/local/master.key`), until the provider dispatches
 * the type itself. One instance per data dir and process, like the provider.
 */
export function localRedis(dataDir: string, options: RedisResourceOptions = {}): LocalRedis {
  const root = join(dataDir, 'local');
  const store = new JsonStateStore<LocalState>(join(root, 'state.json'), emptyState);
  const secrets = new SecretDeriver(join(root, 'master.key'));
  const resource = new RedisResource(store, dataDir, '127.0.0.1', secrets, options);
  return {
    resource,
    start: async (log = SILENT_LOG) => {
      const records = Object.values((await store.read()).resources).filter((r) => r.type === 'redis');
      await resource.restore(records as Array<ResourceRecord<RedisData>>, log);
    },
    embeddedAdminPassword: () => secrets.derive('embedded-redis:admin'),
  };
}
