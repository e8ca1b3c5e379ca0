import { describe, expect, it } from 'vitest';
import { stackName } from './stack-name';

describe('stack names', () => {
  it('one stack per environment/application/component, readable when short', () => {
    expect(stackName('prod', 'shop', 'db')).toBe('prod.shop.db');
    // A dot inside a part cannot make two components share a stack.
    expect(stackName('prod', 'shop.v2', 'db')).toBe('prod.shop-v2.db');
  });

  it('fits long names within Pulumi’s limit with a hash, so distinct long names stay distinct', () => {
    const a = stackName('e'.repeat(63), 'a'.repeat(63), 'c'.repeat(63));
    const b = stackName('e'.repeat(63), 'a'.repeat(63), 'd'.repeat(63));
    expect(a.length).toBeLessThanOrEqual(100);
    expect(a).not.toBe(b);
    expect(stackName('e'.repeat(63), 'a'.repeat(63), 'c'.repeat(63))).toBe(a);
  });
});
