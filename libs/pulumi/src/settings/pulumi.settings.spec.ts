import { describe, expect, it } from 'vitest';
import { formatSettingProblem } from '@berth/core';
import { readPulumiSettings } from './pulumi.settings';

const failure = (env: Record<string, string>): string => {
  const { problems } = readPulumiSettings(env);
  expect(problems).toHaveLength(1);
  return formatSettingProblem(problems[0]!);
};

describe('readPulumiSettings', () => {
  it('reads the Pulumi variables and names a bad one without echoing the passphrase', () => {
    expect(
      readPulumiSettings({
        BERTH_PULUMI_COMMAND: ' /opt/pulumi/bin/pulumi ',
        BERTH_PULUMI_PASSPHRASE: 'correct horse battery staple',
        BERTH_PULUMI_CONCURRENCY: '3',
      }),
    ).toEqual({
      command: '/opt/pulumi/bin/pulumi',
      passphrase: 'correct horse battery staple',
      concurrency: 3,
      env: {
        BERTH_PULUMI_COMMAND: '/opt/pulumi/bin/pulumi',
        BERTH_PULUMI_PASSPHRASE: 'correct horse battery staple',
        BERTH_PULUMI_CONCURRENCY: '3',
      },
      problems: [],
    });
    expect(readPulumiSettings({ BERTH_PULUMI_COMMAND: 'C:/Program Files/Pulumi/pulumi.exe' }).command).toBe(
      'C:/Program Files/Pulumi/pulumi.exe',
    );
    expect(readPulumiSettings({})).toEqual({ env: {}, problems: [] });
    expect(failure({ BERTH_PULUMI_CONCURRENCY: '0' })).toBe(
      'BERTH_PULUMI_CONCURRENCY: must be an integer between 1 and 64 (Pulumi runs at once) (got "0")',
    );
    expect(failure({ BERTH_PULUMI_CONCURRENCY: 'many' })).toMatch(/^BERTH_PULUMI_CONCURRENCY: /);
    expect(failure({ BERTH_PULUMI_COMMAND: 'pulumi\nrm -rf /' })).toMatch(
      /^BERTH_PULUMI_COMMAND: must be the path \(or the name on PATH\) of the pulumi CLI binary, on one line/,
    );
    const short = failure({ BERTH_PULUMI_PASSPHRASE: 'hunter2' });
    expect(short).toBe(
      'BERTH_PULUMI_PASSPHRASE: must be at least 16 characters (the passphrase of the Pulumi secrets provider) (got <redacted>)',
    );
    expect(short).not.toContain('hunter2');
  });

  it('leaves a refused variable out of what the driver reads', () => {
    const read = readPulumiSettings({ BERTH_PULUMI_PASSPHRASE: 'hunter2', BERTH_PULUMI_CONCURRENCY: '5' });
    expect(read.env).toEqual({ BERTH_PULUMI_CONCURRENCY: '5' });
    expect(read.passphrase).toBeUndefined();
  });
});
