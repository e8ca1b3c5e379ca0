/** IPv4 CIDR arithmetic: one parser for every user (the vpc type's checks, the local provider's address manager). */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

export interface ParseCidrOptions {
  /**
   * What an address with host bits set (`10.0.0.1/16`) is: `refuse` (default) throws naming the network it would be;
   * `mask` takes the network it lies in (10.0.0.0/16).
   */
  hostBits?: 'refuse' | 'mask';
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`; throws an Error whose message names the text and what was expected. */
export function parseCidr(text: string, options: ParseCidrOptions = {}): Cidr {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not an IPv4 CIDR block like 10.0.0.0/16`);
  const octets = match.slice(1, 5).map(Number) as [number, number, number, number];
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`"${text}" is not a valid IPv4 CIDR block`);
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const base = (address & mask(prefix)) >>> 0;
  if (base !== address && options.hostBits !== 'mask')
    throw new Error(`"${text}" has host bits set; the network is ${formatCidr({ base, prefix })}`);
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  const b = cidr.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${cidr.prefix}`;
}

/** Number of addresses in the block. */
export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** Whether the two blocks share an address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + cidrSize(a) - 1;
  const bEnd = b.base + cidrSize(b) - 1;
  return a.base <= bEnd && b.base <= aEnd;
}

/** Whether block `inner` lies entirely inside block `outer`. */
export function cidrWithin(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + cidrSize(inner) <= outer.base + cidrSize(outer)
  );
}

/**
 * Whether CIDR block `inner` lies entirely inside `outer`, both as written by a user (host bits masked); false when
 * either is not a CIDR block (its schema names that).
 */
export function cidrContains(outer: string, inner: string): boolean {
  try {
    return cidrWithin(parseCidr(outer, { hostBits: 'mask' }), parseCidr(inner, { hostBits: 'mask' }));
  } catch {
    return false;
  }
}
