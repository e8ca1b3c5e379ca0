import { ossHandler } from '../oss/oss.handler';
import { rdsHandler } from '../rds/rds.handler';
import { redisHandler } from '../redis/redis.handler';
import { slbHandler } from '../slb/slb.handler';
import { vpcHandler } from '../vpc/vpc.handler';
import type { LocalHandlerFactory } from './local-type.handler';

/** The component types the local provider serves, one handler each. A type missing here is refused at PUT. */
export const LOCAL_HANDLERS: Readonly<Record<string, LocalHandlerFactory>> = {
  vpc: vpcHandler,
  rds: rdsHandler,
  oss: ossHandler,
  slb: slbHandler,
  redis: redisHandler,
};
