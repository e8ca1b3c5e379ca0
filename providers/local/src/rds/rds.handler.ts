import type { LocalHandlerFactory } from '../handlers/local-type.handler';
import type { ResourceRecord } from '../state/local-state';
import { RdsResource, type RdsData } from './rds.resource';

/** rds → a role and database on BERTH_LOCAL_POSTGRES_URL / BERTH_LOCAL_MYSQL_URL, or on the embedded PostgreSQL. */
export const rdsHandler: LocalHandlerFactory = (context) => {
  const rds = new RdsResource(context.store, context.dataDir, context.host, context.secrets, context.options);
  return {
    preview: (request) => rds.preview(request),
    apply: (request, log) => rds.apply(request, log),
    destroy: (request, log) => rds.destroy(request, log),
    refresh: (request) => rds.refresh(request),
    rotate: (request, log) => rds.rotate(request, log),
    revoke: (request, handle, log) => rds.revoke(request, handle, log),
    validate: (properties) => rds.validate(properties),
    restore: (records, log) => rds.restore(records as unknown as Array<ResourceRecord<RdsData>>, log),
    close: () => rds.closeAll(),
    isRunning: () => rds.isRunning(),
  };
};
