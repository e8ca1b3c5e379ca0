/**
 * The program module of the test configurator: a `vpc` program over a made-up resource type, so the driver's
 * specs can run a real inline program under Pulumi's mocks without knowing any cloud.
 */
import * as pulumi from '@pulumi/pulumi';
import { ProviderErrorCode } from '@berth/core';
import type { ErrorRule } from '../errors/pulumi-error-mapping';
import type { ProgramInput, ProgramOutputs, ProgramRegistry } from '../program/program';

class TestNetwork extends pulumi.CustomResource {
  declare readonly cidr: pulumi.Output<string>;
  constructor(name: string, args: { cidr: string; token: pulumi.Input<string> }) {
    super('test:index:Network', name, { ...args }, {});
  }
}

async function networkProgram(input: ProgramInput): Promise<ProgramOutputs> {
  const cidr = String(input.properties.cidr ?? '10.0.0.0/16');
  const token = input.secrets.token ?? pulumi.secret(input.env.TEST_TOKEN ?? 'no-token');
  const network = new TestNetwork('network', { cidr, token });
  return {
    connection: { VPC_ID: network.id, VPC_CIDR: network.cidr, TOKEN_SEEN: pulumi.secret(token) },
    externalIds: { vpcId: network.id },
  };
}

export const programs: ProgramRegistry = { vpc: networkProgram };

/** A cloud code of the test cloud, to prove a provider's rules reach the mapping. */
export const errorRules: ErrorRule[] = [{ pattern: /TestCloud\.NoStock/, code: ProviderErrorCode.QuotaExceeded }];
