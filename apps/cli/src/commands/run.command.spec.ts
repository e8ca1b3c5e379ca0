import { describe, expect, it } from 'vitest';
import { childEnvironment, exitCodeOf, runChild } from './run.command';

describe('berth run plumbing', () => {
  it('adds the bound variables to the environment, skipping values the server withheld', () => {
    const env = childEnvironment({ PATH: '/bin', DB_HOST: 'old' }, [
      { name: 'DB_HOST', value: 'db.local', sensitive: false },
      { name: 'DB_PASSWORD', value: null, sensitive: true },
    ]);
    expect(env).toEqual({ PATH: '/bin', DB_HOST: 'db.local' });
  });

  it('passes the child’s exit code on, and 128+n for a signal', async () => {
    expect(await runChild([process.execPath, '-e', 'process.exit(7)'], process.env, process.cwd())).toBe(7);
    expect(exitCodeOf(null, 'SIGTERM')).toBe(143);
    expect(exitCodeOf(null, 'SIGINT')).toBe(130);
  });

  it('gives the child exactly the values, spaces and newlines included', async () => {
    const env = childEnvironment(process.env, [{ name: 'WEIRD', value: 'a b\n\'c"', sensitive: true }]);
    const code = await runChild(
      [process.execPath, '-e', `process.exit(process.env.WEIRD === ${JSON.stringify('a b\n\'c"')} ? 3 : 4)`],
      env,
      process.cwd(),
    );
    expect(code).toBe(3);
  });

  it('says which command was not found', async () => {
    await expect(runChild(['berth-no-such-command-xyz'], process.env, process.cwd())).rejects.toThrow(
      'command not found: berth-no-such-command-xyz',
    );
  });
});
