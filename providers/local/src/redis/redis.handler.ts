import type { LocalHandlerFactory } from '../handlers/local-type.handler';
import type { ResourceRecord } from '../state/local-state';
import { RedisResource, type RedisData } from './redis.resource';

/** redis → an ACL user per component, limited to its key prefix, on BERTH_LOCAL_REDIS_URL or an embedded redis-server. */
export const redisHandler: LocalHandlerFactory = (context) => {
  const redis = new RedisResource(context.store, context.dataDir, context.host, context.secrets, {
    ...(context.options.redisUrl ? { redisAdminUrl: context.options.redisUrl } : {}),
    ...(context.options.redisSearchPath ? { searchPath: context.options.redisSearchPath } : {}),
  });
  return {
    preview: (request) => redis.preview(request),
    apply: (request, log) => redis.apply(request, log),
    destroy: (request, log) => redis.destroy(request, log),
    refresh: (request) => redis.refresh(request),
    rotate: (request, log) => redis.rotate(request, log),
    revoke: (request, handle, log) => redis.revoke(request, handle, log),
    validate: (properties) => redis.validate(properties),
    restore: (records, log) => redis.restore(records as unknown as Array<ResourceRecord<RedisData>>, log),
    close: () => redis.closeAll(),
    isRunning: () => redis.isRunning(),
  };
};
