import { toProviderError } from '../support/local-provider.error';
import type { LocalHandlerFactory } from '../handlers/local-type.handler';
import type { ResourceRecord } from '../state/local-state';
import { SlbResource, type SlbData } from './slb.resource';

/** slb → a loopback TCP load balancer per component, with an active health check. */
export const slbHandler: LocalHandlerFactory = (context) => {
  const slb = new SlbResource(context.store, context.host, context.options.slbHealthCheckIntervalMs ?? 1000);
  return {
    preview: (request) => slb.preview(request),
    apply: (request, log) => slb.apply(request, log),
    destroy: (request, log) => slb.destroy(request, log),
    refresh: (request) => slb.refresh(request),
    restore: async (records, log) => {
      await Promise.all(
        records.map((record) =>
          slb
            .restore(record as unknown as ResourceRecord<SlbData>)
            .catch((error: unknown) =>
              log.log('error', `slb ${record.id} did not come back: ${toProviderError(error, 'slb').message}`),
            ),
        ),
      );
    },
    close: () => slb.closeAll(),
    isRunning: (id) => slb.isRunning(id),
  };
};
