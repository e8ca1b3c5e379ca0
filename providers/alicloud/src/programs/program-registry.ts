import type { ProgramModule, ProgramRegistry } from '@berth/pulumi';
import { ALICLOUD_ERROR_RULES } from '../errors/alicloud-error-rules';
import { ossProgram } from './oss.program';
import { rdsProgram } from './rds.program';
import { redisProgram } from './redis.program';
import { slbProgram } from './slb.program';
import { vpcProgram } from './vpc.program';

/**
 * The program module of this provider, one program per component type it provisions: what a Pulumi runner process loads by path (the configurator's
 * `programModule`) to run a component's program, and how to read Alibaba Cloud's errors.
 */
export const programs: ProgramRegistry = {
  vpc: vpcProgram,
  rds: rdsProgram,
  oss: ossProgram,
  slb: slbProgram,
  redis: redisProgram,
};

export const errorRules: ProgramModule['errorRules'] = ALICLOUD_ERROR_RULES;
