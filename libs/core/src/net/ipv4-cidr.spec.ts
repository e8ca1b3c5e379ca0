import { describe, expect, it } from 'vitest';
import { cidrContains, cidrOverlaps, cidrWithin, formatCidr, parseCidr } from './ipv4-cidr';

describe('parseCidr', () => {
  it('reads a network block, and says what is wrong with anything else', () => {
    expect(parseCidr(' 10.1.0.0/16 ')).toEqual({ base: (10 << 24) + (1 << 16), prefix: 16 });
    expect(formatCidr(parseCidr('0.0.0.0/0'))).toBe('0.0.0.0/0');
    expect(() => parseCidr('10.1.0.0')).toThrow('"10.1.0.0" is not an IPv4 CIDR block like 10.0.0.0/16');
    expect(() => parseCidr('10.1.0.300/24')).toThrow('"10.1.0.300/24" is not a valid IPv4 CIDR block');
    expect(() => parseCidr('10.1.0.0/33')).toThrow('"10.1.0.0/33" is not a valid IPv4 CIDR block');
  });

  it('refuses host bits by default, naming the network, and masks them when asked', () => {
    expect(() => parseCidr('10.1.2.3/16')).toThrow('"10.1.2.3/16" has host bits set; the network is 10.1.0.0/16');
    expect(formatCidr(parseCidr('10.1.2.3/16', { hostBits: 'mask' }))).toBe('10.1.0.0/16');
  });
});

describe('CIDR containment and overlap', () => {
  it('tells whether a block lies inside another, and whether two share an address', () => {
    expect(cidrWithin(parseCidr('10.0.0.0/8'), parseCidr('10.200.0.0/16'))).toBe(true);
    expect(cidrWithin(parseCidr('10.200.0.0/16'), parseCidr('10.0.0.0/8'))).toBe(false);
    expect(cidrOverlaps(parseCidr('10.200.0.0/16'), parseCidr('10.0.0.0/8'))).toBe(true);
    expect(cidrOverlaps(parseCidr('10.1.0.0/16'), parseCidr('10.2.0.0/16'))).toBe(false);
  });

  it('reads what a user wrote for containment: host bits masked, anything unreadable contains nothing', () => {
    expect(cidrContains('172.16.0.0/12', '172.16.1.0/24')).toBe(true);
    expect(cidrContains('172.16.0.1/12', '172.31.255.0/24')).toBe(true);
    expect(cidrContains('172.16.0.0/12', '10.0.0.0/24')).toBe(false);
    expect(cidrContains('not a cidr', '10.0.0.0/24')).toBe(false);
  });
});
