import type { Program, ProgramModule, ProgramRegistry } from '@berth/pulumi';
import { ALICLOUD_ERROR_RULES } from '../errors/alicloud-error-rules';
import type { ComponentCheck } from '../profile/component-checks';
import { ossProgram } from './oss.program';
import { rdsCheck, rdsProgram } from './rds.program';
import { redisCheck, redisProgram } from './redis.program';
import { slbCheck, slbProgram } from './slb.program';
import { vpcCheck, vpcProgram } from './vpc.program';

/** What this provider does for one component type: its Pulumi program, and what it checks at PUT beyond the schema. */
export interface AlicloudTypeHandler {
  program: Program;
  check?: ComponentCheck;
}

/** One handler per component type this provider provisions, one line each. */
export const ALICLOUD_HANDLERS: Readonly<Record<string, AlicloudTypeHandler>> = {
  vpc: { program: vpcProgram, check: vpcCheck },
  rds: { program: rdsProgram, check: rdsCheck },
  oss: { program: ossProgram },
  slb: { program: slbProgram, check: slbCheck },
  redis: { program: redisProgram, check: redisCheck },
};

/**
 * The program module of this provider: what a Pulumi runner process loads by path (the configurator's
 * `programModule`) to run a component's program, and how to read Alibaba Cloud's errors.
 */
export const programs: ProgramRegistry = Object.fromEntries(
  Object.entries(ALICLOUD_HANDLERS).map(([type, handler]) => [type, handler.program]),
);

export const errorRules: ProgramModule['errorRules'] = ALICLOUD_ERROR_RULES;
