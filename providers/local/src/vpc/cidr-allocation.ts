import { cidrOverlaps, cidrSize, type Cidr } from '@berth/core';

/**
 * The first block of `/prefix` inside `pool` that overlaps none of `taken`, or undefined when the pool is full.
 * Walks aligned candidates, skipping past each overlapping allocation, so it is linear in the number of allocations.
 */
export function allocate(pool: Cidr, prefix: number, taken: Cidr[]): Cidr | undefined {
  if (prefix < pool.prefix || prefix > 32) return undefined;
  const step = 2 ** (32 - prefix);
  const end = pool.base + cidrSize(pool);
  const sorted = [...taken].sort((x, y) => x.base - y.base);
  let candidate = pool.base;
  while (candidate + step <= end) {
    const block: Cidr = { base: candidate, prefix };
    const clash = sorted.find((t) => cidrOverlaps(t, block));
    if (!clash) return block;
    // Jump past the clashing block, then align up to the next multiple of `step`.
    const after = clash.base + cidrSize(clash);
    candidate = Math.ceil(Math.max(after, candidate + step) / step) * step;
  }
  return undefined;
}
