import { TypeRegistry } from '@berth/core';
import { ossType } from './oss/oss.type';
import { rdsType } from './rds/rds.type';
import { redisType } from './redis/redis.type';
import { serviceBindingType } from './service-binding/service-binding.type';
import { slbType } from './slb/slb.type';
import { vpcType } from './vpc/vpc.type';
import { taskType, webserviceType, workerType } from './workloads/workload.types';

/** The types Berth is built with, one line each: cloud components, workloads, then traits (the order lists show). */
export const BUILTIN_TYPES: TypeRegistry = new TypeRegistry()
  .register(rdsType)
  .register(ossType)
  .register(slbType)
  .register(vpcType)
  .register(redisType)
  .register(webserviceType)
  .register(workerType)
  .register(taskType)
  .register(serviceBindingType);
