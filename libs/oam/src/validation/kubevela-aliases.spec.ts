import type { ValidationProblem } from '@berth/core';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kubeVelaCanonicalYaml, kubeVelaYaml } from '../testing/applications.fixture';
import { validateApplication } from './validate-application';

const app = (components: unknown[]) => ({
  apiVersion: 'core.oam.dev/v1beta1',
  kind: 'Application',
  metadata: { name: 'app' },
  spec: { components },
});

function problemsOf(document: unknown): ValidationProblem[] {
  const result = validateApplication(document);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

function normalized(document: unknown) {
  const result = validateApplication(document);
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  return result;
}

describe('KubeVela aliases', () => {
  it('normalizes the KubeVela fixture to exactly what its canonical twin normalizes to', () => {
    const alias = normalized(parse(kubeVelaYaml));
    const canonical = normalized(parse(kubeVelaCanonicalYaml));
    expect(alias.document).toEqual(canonical.document);
    expect(alias.application).toEqual(canonical.application);
    expect(alias.application.components[1]).toMatchObject({
      type: 'rds',
      connectionSecretName: 'db-conn',
      properties: { engine: 'mysql', accountName: 'oamtest', instanceName: 'sample-db', securityIps: ['10.0.0.0/8'] },
    });
  });

  it('maps deleteResource, customRegion, providerRef and KubeVela value spellings', () => {
    const { application } = normalized(
      app([
        {
          name: 'db',
          type: 'alibaba-rds',
          properties: {
            engine: 'PostgreSQL',
            instance_storage: '50',
            security_ips: '10.0.0.1, 10.0.1.0/24',
            deleteResource: false,
            customRegion: 'cn-beijing',
            providerRef: { name: 'beijing' },
          },
        },
      ]),
    );
    expect(application.components[0]).toMatchObject({
      type: 'rds',
      deletionPolicy: 'Retain',
      providerRef: 'beijing',
      properties: {
        engine: 'postgresql',
        storageGB: 50,
        securityIps: ['10.0.0.1', '10.0.1.0/24'],
        region: 'cn-beijing',
      },
    });
  });

  it('turns alibaba-vswitch flat properties into a vpc with one vSwitch', () => {
    const { application } = normalized(
      app([
        {
          name: 'net',
          type: 'alibaba-vswitch',
          properties: {
            vpc_cidr: '172.16.0.0/12',
            vswitch_cidr: '172.16.1.0/24',
            zone_id: 'cn-hangzhou-h',
            create_vpc: true,
          },
        },
      ]),
    );
    expect(application.components[0]).toMatchObject({
      type: 'vpc',
      properties: { cidr: '172.16.0.0/12', vswitches: [{ zone: 'cn-hangzhou-h', cidr: '172.16.1.0/24' }] },
    });
  });

  it('points problems at the property names the user wrote', () => {
    const problems = problemsOf(
      app([
        {
          name: 'db',
          type: 'alibaba-rds',
          properties: {
            account_name: 'Bad-Name',
            allocate_public_connection: 'no',
            engine: 'oracle',
            deleteResource: 'no',
          },
        },
        { name: 'net', type: 'alibaba-vswitch', properties: { vpc_cidr: '10.0.0.0/16', vswitch_cidr: '10.1.0.0/24' } },
        { name: 'lb', type: 'alibaba-slb', properties: { address_type: 'public' } },
      ]),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/spec/components/0/properties/account_name', message: expect.stringContaining('account name') },
        { path: '/spec/components/0/properties/allocate_public_connection', message: 'must be true or false' },
        { path: '/spec/components/0/properties/engine', message: 'must be one of mysql, postgresql' },
        { path: '/spec/components/0/properties/deleteResource', message: 'must be true or false' },
        {
          path: '/spec/components/1/properties/vswitch_cidr',
          message: "must lie inside the VPC's CIDR block 10.0.0.0/16",
        },
        { path: '/spec/components/2/properties/address_type', message: 'must be one of intranet, internet' },
      ]),
    );
  });

  it('refuses alias properties with no canonical meaning instead of dropping them', () => {
    const problems = problemsOf(
      app([
        { name: 'db', type: 'alibaba-rds', properties: { sql_file: 'db.sql', instance_nam: 'x' } },
        { name: 'net', type: 'alibaba-vpc', properties: { vpc_id: 'vpc-123', create_vpc: false } },
        {
          name: 'bucket',
          type: 'alibaba-oss',
          properties: { writeConnectionSecretToRef: { name: 'b', namespace: 'other', key: 'x' } },
        },
      ]),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: '/spec/components/0/properties/sql_file',
          message: expect.stringContaining('KubeVela property of alibaba-rds that Berth does not support'),
        },
        {
          path: '/spec/components/0/properties/instance_nam',
          message: expect.stringMatching(
            /^is not a known property of alibaba-rds; known: engine, .*instance_name.*\(did you mean instance_name\?\)$/,
          ),
        },
        {
          path: '/spec/components/1/properties/vpc_id',
          message: expect.stringContaining('existing VPC is not supported'),
        },
        { path: '/spec/components/1/properties/create_vpc', message: expect.stringContaining('must be true') },
        {
          path: '/spec/components/2/properties/writeConnectionSecretToRef/key',
          message: 'is not a known property of writeConnectionSecretToRef; known: name, namespace',
        },
      ]),
    );
  });

  it('refuses an alias and its canonical name given together', () => {
    expect(
      problemsOf(app([{ name: 'db', type: 'alibaba-rds', properties: { account_name: 'a1', accountName: 'a2' } }])),
    ).toEqual([
      {
        path: '/spec/components/0/properties/accountName',
        message: 'conflicts with account_name (both set accountName); give only one',
      },
    ]);
  });
});
