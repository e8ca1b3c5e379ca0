import { describe, expect, it } from 'vitest';
import { atLeast, parseUser, RedisAdminDriver } from './redis-admin.driver';

describe('redis admin driver', () => {
  it('reads ACL GETUSER replies of Redis 7 (strings) and 6.2 (lists), and a missing user', () => {
    const seven = [
      'flags',
      ['on', 'sanitize-payload'],
      'passwords',
      ['aa', 'bb'],
      'commands',
      '+@all -@dangerous',
      'keys',
      '~p:*',
      'channels',
      '&p:*',
      'selectors',
      [],
    ];
    expect(parseUser(seven)).toEqual({
      flags: ['on', 'sanitize-payload'],
      passwords: ['aa', 'bb'],
      commands: '+@all -@dangerous',
      keys: '~p:*',
      channels: '&p:*',
    });
    const sixTwo = ['flags', ['on'], 'passwords', ['aa'], 'commands', '+@all', 'keys', ['p:*'], 'channels', ['p:*']];
    expect(parseUser(sixTwo)).toMatchObject({ keys: 'p:*', channels: 'p:*' });
    expect(parseUser(null)).toBeUndefined();
  });

  it('compares versions by major and minor', () => {
    expect(atLeast('7.0.15', [6, 2])).toBe(true);
    expect(atLeast('6.2.0', [6, 2])).toBe(true);
    expect(atLeast('6.0.9', [6, 2])).toBe(false);
    expect(atLeast('5.0.14', [6, 2])).toBe(false);
    expect(atLeast('7.0.15', [7, 2])).toBe(false);
  });

  it('publishes the address of the admin URL without its credentials, and refuses other schemes', () => {
    expect(new RedisAdminDriver('redis://admin:secret@10.0.0.5:6380/2', 'best-effort').address).toEqual({
      host: '10.0.0.5',
      port: '6380',
      tls: false,
    });
    expect(new RedisAdminDriver('rediss://[::1]', 'best-effort').address).toEqual({
      host: '::1',
      port: '6379',
      tls: true,
    });
    expect(() => new RedisAdminDriver('http://127.0.0.1:6379', 'best-effort')).toThrow(/redis:\/\//);
  });
});
