/** IPv4 CIDR arithmetic for the local address manager. */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not an IPv4 CIDR block like 10.0.0.0/16`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`"${text}" is not a valid IPv4 CIDR block`);
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const base = (address & mask(prefix)) >>> 0;
  if (base !== address) throw new Error(`"${text}" has host bits set; the network is ${formatCidr({ base, prefix })}`);
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  const b = cidr.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${cidr.prefix}`;
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + size(a) - 1;
  const bEnd = b.base + size(b) - 1;
  return a.base <= bEnd && b.base <= aEnd;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer)
  );
}

/**
 * The first block of `/prefix` inside `pool` that overlaps none of `taken`, or undefined when the pool is full.
 * Walks aligned candidates, skipping past each overlapping allocation, so it is linear in the number of allocations.
 */
export function allocate(pool: Cidr, prefix: number, taken: Cidr[]): Cidr | undefined {
  if (prefix < pool.prefix || prefix > 32) return undefined;
  const step = 2 ** (32 - prefix);
  const end = pool.base + size(pool);
  const sorted = [...taken].sort((x, y) => x.base - y.base);
  let candidate = pool.base;
  while (candidate + step <= end) {
    const block: Cidr = { base: candidate, prefix };
    const clash = sorted.find((t) => overlaps(t, block));
    if (!clash) return block;
    // Jump past the clashing block, then align up to the next multiple of `step`.
    const after = clash.base + size(clash);
    candidate = Math.ceil(Math.max(after, candidate + step) / step) * step;
  }
  return undefined;
}
