import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { isCloudComponent, type CloudComponentSpec } from '@berth/core';
import { validateApplication } from '@berth/oam';
import { ossProgram } from './programs/oss.program';
import type { Program, ProgramInput } from '@berth/pulumi';
import { rdsProgram } from './programs/rds.program';
import { NETWORK_DEPENDENCY, programInput, runProgram } from './programs/testing/program-harness';

const application = (components: unknown[]) => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'shop' },
  spec: { components: [{ name: 'net', type: 'vpc', properties: { cidr: '10.20.0.0/16' } }, ...components] },
});

/** What the engine hands the provider for a normalized component: secret-valued properties moved aside. */
function inputFor(component: CloudComponentSpec): ProgramInput {
  const { password, ...properties } = component.properties as Record<string, unknown>;
  return {
    ...programInput({ type: component.type }),
    component: component.name,
    properties,
    dependencies: NETWORK_DEPENDENCY,
    secrets: typeof password === 'string' ? { password: pulumi.secret(password) } : {},
  };
}

function normalizedComponent(document: unknown, name: string): CloudComponentSpec {
  const result = validateApplication(document);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const found = result.application.components.find((c) => c.name === name);
  if (!found || !isCloudComponent(found)) throw new Error(`no cloud component ${name}`);
  return found;
}

async function graph(program: Program, input: ProgramInput) {
  const run = await runProgram(program, input);
  return {
    resources: run.resources
      .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    connection: run.connection,
  };
}

describe('KubeVela alibaba-* components produce the same programs as their canonical forms', () => {
  it('alibaba-rds ≡ rds', async () => {
    const kubevela = normalizedComponent(
      application([
        {
          name: 'db',
          type: 'alibaba-rds',
          properties: {
            instance_name: 'sample-db',
            account_name: 'oamtest',
            password: 'U34rfwefwefffaked',
            database_name: 'orders',
            privilege: 'ReadWrite',
            security_ips: ['10.20.0.0/16'],
            allocate_public_connection: true,
            engine: 'mysql',
            engineVersion: '8.0',
            instanceClass: 'mysql.n2.small.1',
            network: 'net',
          },
        },
      ]),
      'db',
    );
    const canonical = normalizedComponent(
      application([
        {
          name: 'db',
          type: 'rds',
          properties: {
            instanceName: 'sample-db',
            accountName: 'oamtest',
            password: 'U34rfwefwefffaked',
            databaseName: 'orders',
            privilege: 'ReadWrite',
            securityIps: ['10.20.0.0/16'],
            publicConnection: true,
            engine: 'mysql',
            engineVersion: '8.0',
            instanceClass: 'mysql.n2.small.1',
            network: 'net',
          },
        },
      ]),
      'db',
    );
    const a = await graph(rdsProgram, inputFor(kubevela));
    const b = await graph(rdsProgram, inputFor(canonical));
    expect(a).toEqual(b);
    // And the KubeVela spelling really reached the program.
    expect(a.resources.find((r) => r.type === 'alicloud:rds/rdsAccount:RdsAccount')?.inputs.accountName).toBe(
      'oamtest',
    );
    expect(a.resources.some((r) => r.type === 'alicloud:rds/connection:Connection')).toBe(true);
    expect(a.connection.DATABASE_NAME).toBe('orders');
  });

  it('alibaba-oss ≡ oss', async () => {
    const kubevela = normalizedComponent(
      application([{ name: 'files', type: 'alibaba-oss', properties: { bucket: 'shop-files-1', acl: 'public-read' } }]),
      'files',
    );
    const canonical = normalizedComponent(
      application([{ name: 'files', type: 'oss', properties: { bucket: 'shop-files-1', acl: 'public-read' } }]),
      'files',
    );
    const a = await graph(ossProgram, inputFor(kubevela));
    const b = await graph(ossProgram, inputFor(canonical));
    expect(a).toEqual(b);
    expect(a.resources.find((r) => r.type === 'alicloud:oss/bucketAcl:BucketAcl')?.inputs.acl).toBe('public-read');
  });
});
