import type { LocalHandlerFactory } from '../handlers/local-type.handler';
import { VpcResource } from './vpc.resource';

/** vpc → address management: CIDR blocks allocated from the profile's pool without overlap. */
export const vpcHandler: LocalHandlerFactory = (context) => new VpcResource(context.store, context.poolOf);
