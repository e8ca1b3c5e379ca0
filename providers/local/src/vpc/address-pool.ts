import { cidrWithin, formatCidr, type Cidr } from '@berth/core';

/** Who holds an allocated block (shown when another request clashes with it). */
export type Holder = string;

/**
 * A buddy allocator over one IPv4 pool: free blocks kept in one set per prefix length, allocated blocks in a map.
 * Every operation walks at most the 32 prefix lengths with hash lookups, so allocating, reserving a given CIDR
 * (with its overlap check) and releasing cost O(32) whatever the number of allocations — nothing is scanned.
 *
 * Invariant: every address of the pool lies in exactly one free or allocated block, and two free buddies are always
 * merged, so a block that is neither free nor allocated (and has no free or allocated ancestor) is split in two.
 */
export class AddressPool {
  /** Free block bases by prefix length (insertion order: the earliest freed or split block is handed out first). */
  private readonly free: Array<Set<number>> = Array.from({ length: 33 }, () => new Set<number>());
  private readonly allocated = new Map<string, Holder>();

  constructor(readonly pool: Cidr) {
    this.free[pool.prefix].add(pool.base);
  }

  /** How many blocks are allocated. */
  get size(): number {
    return this.allocated.size;
  }

  /** A free `/prefix` block, now held by `holder`; undefined when the pool has no such block left. */
  allocate(prefix: number, holder: Holder): Cidr | undefined {
    if (prefix < this.pool.prefix || prefix > 32) return undefined;
    // The smallest free block that still fits: the longest prefix up to the wanted one with a free block.
    let from = prefix;
    while (from >= this.pool.prefix && this.free[from].size === 0) from--;
    if (from < this.pool.prefix) return undefined;
    const base = first(this.free[from]);
    this.free[from].delete(base);
    // Split down, giving back the upper halves.
    for (let p = from + 1; p <= prefix; p++) this.free[p].add(base + blockSize(p));
    const block = { base, prefix };
    this.allocated.set(key(block), holder);
    return block;
  }

  /**
   * Holds exactly `cidr` for `holder` when it overlaps nothing; otherwise returns the allocated block it overlaps and
   * its holder (nothing changes). `cidr` must lie inside the pool.
   */
  reserve(cidr: Cidr, holder: Holder): { clash: Cidr; holder: Holder } | undefined {
    if (!cidrWithin(this.pool, cidr))
      throw new Error(`${formatCidr(cidr)} is not inside the pool ${formatCidr(this.pool)}`);
    for (let p = this.pool.prefix; p <= cidr.prefix; p++) {
      const ancestor = { base: maskBase(cidr.base, p), prefix: p };
      if (this.free[p].has(ancestor.base)) {
        this.free[p].delete(ancestor.base);
        // Split the free ancestor down to `cidr`, freeing the buddy of every step on the way.
        for (let q = p + 1; q <= cidr.prefix; q++) {
          const half = maskBase(cidr.base, q);
          this.free[q].add((half ^ blockSize(q)) >>> 0);
        }
        this.allocated.set(key(cidr), holder);
        return undefined;
      }
      const owner = this.allocated.get(key(ancestor));
      if (owner !== undefined) return { clash: ancestor, holder: owner };
    }
    return this.someAllocatedInside(cidr);
  }

  /** Gives `cidr` back (merging free buddies); false when it was not allocated. */
  release(cidr: Cidr): boolean {
    if (!this.allocated.delete(key(cidr))) return false;
    let { base, prefix } = cidr;
    while (prefix > this.pool.prefix) {
      const buddy = (base ^ blockSize(prefix)) >>> 0;
      if (!this.free[prefix].has(buddy)) break;
      this.free[prefix].delete(buddy);
      base = Math.min(base, buddy);
      prefix--;
    }
    this.free[prefix].add(base);
    return true;
  }

  /** An allocated block inside a split `cidr`: descend into a half that is not free (one always is, since free buddies merge). */
  private someAllocatedInside(cidr: Cidr): { clash: Cidr; holder: Holder } | undefined {
    let node = cidr;
    while (node.prefix < 32) {
      const owner = this.allocated.get(key(node));
      if (owner !== undefined) return { clash: node, holder: owner };
      const prefix = node.prefix + 1;
      const low = node.base;
      const high = node.base + blockSize(prefix);
      node = { base: this.free[prefix].has(low) ? high : low, prefix };
    }
    const owner = this.allocated.get(key(node));
    return owner === undefined ? undefined : { clash: node, holder: owner };
  }
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

function maskBase(address: number, prefix: number): number {
  return prefix === 0 ? 0 : (address & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
}

function key(cidr: Cidr): string {
  return `${cidr.base}/${cidr.prefix}`;
}

function first(set: Set<number>): number {
  return set.values().next().value as number;
}
