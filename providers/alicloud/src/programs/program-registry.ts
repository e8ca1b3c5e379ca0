import type { CloudComponentType } from '@berth/core';
import { ossProgram } from './oss.program';
import type { Program } from './program-input';
import { rdsProgram } from './rds.program';
import { slbProgram } from './slb.program';
import { vpcProgram } from './vpc.program';

export const PROGRAMS: Readonly<Record<CloudComponentType, Program>> = {
  vpc: vpcProgram,
  rds: rdsProgram,
  oss: ossProgram,
  slb: slbProgram,
};
