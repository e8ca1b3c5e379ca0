import { describe, expect, it } from 'vitest';
import { AddressPool } from './address-pool';
import { cidrOverlaps, formatCidr, parseCidr, type Cidr } from '@berth/core';
import { EnvironmentAddresses } from './environment-addresses';

describe('address pool (buddy allocator)', () => {
  it('hands out all 16,384 /22s of 10.0.0.0/8 without overlap, then reports the pool full', () => {
    const pool = new AddressPool(parseCidr('10.0.0.0/8'));
    const seen = new Set<number>();
    for (let i = 0; i < 16_384; i++) {
      const block = pool.allocate(22, `app/${i}`);
      expect(block?.prefix).toBe(22);
      seen.add(block!.base);
    }
    expect(seen.size).toBe(16_384);
    expect(pool.allocate(22, 'one-more')).toBeUndefined();
  });

  it('reuses a released block and merges buddies back into larger ones', () => {
    const pool = new AddressPool(parseCidr('10.200.0.0/16'));
    const a = pool.allocate(24, 'a')!;
    pool.allocate(24, 'b');
    expect(pool.release(a)).toBe(true);
    expect(pool.release(a)).toBe(false);
    expect(formatCidr(pool.allocate(24, 'c')!)).toBe('10.200.0.0/24');
    // After everything is released the whole /16 is one block again.
    const all = new AddressPool(parseCidr('10.200.0.0/16'));
    const blocks = Array.from({ length: 256 }, (_, i) => all.allocate(24, `x${i}`)!);
    blocks.forEach((b) => all.release(b));
    expect(formatCidr(all.allocate(16, 'whole')!)).toBe('10.200.0.0/16');
  });

  it('names the held block a requested CIDR overlaps: inside it, around it, or equal to it', () => {
    const pool = new AddressPool(parseCidr('10.0.0.0/8'));
    expect(pool.reserve(parseCidr('10.1.0.0/16'), 'a/net')).toBeUndefined();
    expect(pool.reserve(parseCidr('10.1.2.0/24'), 'b/net')).toEqual({
      clash: parseCidr('10.1.0.0/16'),
      holder: 'a/net',
    });
    expect(pool.reserve(parseCidr('10.0.0.0/12'), 'c/net')).toEqual({
      clash: parseCidr('10.1.0.0/16'),
      holder: 'a/net',
    });
    expect(pool.reserve(parseCidr('10.1.0.0/16'), 'd/net')?.holder).toBe('a/net');
    // Allocation works around the reserved block.
    for (let i = 0; i < 255; i++)
      expect(cidrOverlaps(pool.allocate(16, `e${i}`)!, parseCidr('10.1.0.0/16'))).toBe(false);
    expect(pool.allocate(16, 'full')).toBeUndefined();
  });

  it('agrees with a brute-force overlap check over random allocations, reservations and releases', () => {
    const addresses = new EnvironmentAddresses(parseCidr('10.0.0.0/12'));
    const held: Cidr[] = [];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 3000; step++) {
      const choice = random(10);
      if (choice < 4) {
        const block = addresses.allocate(16 + random(9), `h${step}`);
        if (block) {
          expect(held.some((h) => cidrOverlaps(h, block))).toBe(false);
          held.push(block);
        }
      } else if (choice < 7) {
        const prefix = 8 + random(17);
        const base = ((10 << 24) + random(2 ** 22) * 2 ** 10) >>> 0;
        const cidr = { base: Math.floor(base / 2 ** (32 - prefix)) * 2 ** (32 - prefix), prefix };
        const clash = addresses.reserve(cidr, `r${step}`);
        const expected = held.find((h) => cidrOverlaps(h, cidr));
        if (expected) expect(clash && cidrOverlaps(clash.clash, cidr)).toBe(true);
        else {
          expect(clash).toBeUndefined();
          held.push(cidr);
        }
      } else if (held.length > 0) {
        const [gone] = held.splice(random(held.length), 1);
        addresses.release(gone);
      }
      expect(addresses.size).toBe(held.length);
    }
  });
});
