import { describe, expect, it } from 'vitest';
import { accountUser, aclRules, isRedisPrivilege, keyPrefix, passwordHash, redisIdentity } from './redis-acl';

describe('redis ACL rules', () => {
  it('names a component by environment, application and component, so environments never share a user or keys', () => {
    expect(redisIdentity('dev', 'shop', 'cache')).toBe('dev.shop.cache');
    expect(redisIdentity('staging', 'shop', 'cache')).not.toBe(redisIdentity('dev', 'shop', 'cache'));
    // Dashes stay inside their part: "a-b"/"c" and "a"/"b-c" are different components.
    expect(redisIdentity('dev', 'a-b', 'c')).not.toBe(redisIdentity('dev', 'a', 'b-c'));
    expect(keyPrefix('dev.shop.cache')).toBe('dev.shop.cache:');
    expect(accountUser('dev.shop.cache', 'reader')).toBe('dev.shop.cache.reader');
  });

  it('refuses parts that are not DNS-1123 labels (a dot or a glob character would break the prefix)', () => {
    expect(() => redisIdentity('dev', 'shop.x', 'cache')).toThrow(/DNS-1123/);
    expect(() => redisIdentity('dev', 'shop', 'c*')).toThrow(/DNS-1123/);
    expect(() => redisIdentity('', 'shop', 'cache')).toThrow(/DNS-1123/);
  });

  it('hashes a password as Redis does (SHA-256, hex)', () => {
    expect(passwordHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives a user exactly its passwords, its prefix for keys and channels, and no admin or dangerous command', () => {
    const rules = aclRules({ prefix: 'dev.shop.cache:', privilege: 'RoleReadWrite', passwordHashes: ['h1', 'h2'] });
    expect(rules).toEqual([
      'reset',
      'on',
      '#h1',
      '#h2',
      '~dev.shop.cache:*',
      '&dev.shop.cache:*',
      '+@all',
      '-@admin',
      '-@dangerous',
    ]);
    const readOnly = aclRules({ prefix: 'p:', privilege: 'RoleReadOnly', passwordHashes: ['h'] });
    expect(readOnly).toContain('+@read');
    expect(readOnly).not.toContain('+@all');
    expect(readOnly.slice(-2)).toEqual(['-@admin', '-@dangerous']);
    expect(() => aclRules({ prefix: 'p:', privilege: 'RoleReadWrite', passwordHashes: [] })).toThrow(/password/);
  });

  it("knows Alibaba Cloud's account privileges, and nothing else", () => {
    expect(isRedisPrivilege('RoleReadOnly')).toBe(true);
    expect(isRedisPrivilege('RoleReadWrite')).toBe(true);
    expect(isRedisPrivilege('RoleRepl')).toBe(false);
    expect(isRedisPrivilege('toString')).toBe(false);
  });
});
