import { AddressPool, type Holder } from './address-pool';
import { cidrOverlaps, cidrWithin, type Cidr } from '@berth/core';

const WHOLE_SPACE: Cidr = { base: 0, prefix: 0 };
const POOL_HOLDER = '\u0000pool';

/**
 * Every address held in one environment's pool scope: blocks allocated from (or requested inside) the pool, and
 * requested blocks anywhere else, which must not overlap each other either. Two buddy allocators — the pool, and the
 * whole IPv4 space with the pool itself held as one block — so every check and change is O(32).
 */
export class EnvironmentAddresses {
  private readonly inPool: AddressPool;
  private readonly outside = new AddressPool(WHOLE_SPACE);
  /** Requested blocks that contain the whole pool (they hold all of it). */
  private readonly covering = new Set<string>();

  constructor(readonly pool: Cidr) {
    this.inPool = new AddressPool(pool);
    this.outside.reserve(pool, POOL_HOLDER);
  }

  get size(): number {
    return this.inPool.size + this.outside.size - 1 - this.covering.size;
  }

  allocate(prefix: number, holder: Holder): Cidr | undefined {
    return this.inPool.allocate(prefix, holder);
  }

  /** Holds `cidr` when it overlaps nothing held; otherwise the block it overlaps and its holder. */
  reserve(cidr: Cidr, holder: Holder): { clash: Cidr; holder: Holder } | undefined {
    if (cidrWithin(this.pool, cidr)) return this.inPool.reserve(cidr, holder);
    if (!cidrOverlaps(this.pool, cidr)) return this.outside.reserve(cidr, holder);
    // cidr contains the pool: it takes all of the pool, and its own space outside.
    const inside = this.inPool.reserve(this.pool, holder);
    if (inside) return inside;
    this.outside.release(this.pool);
    const around = this.outside.reserve(cidr, holder);
    if (around) {
      this.outside.reserve(this.pool, POOL_HOLDER);
      this.inPool.release(this.pool);
      return around;
    }
    this.covering.add(`${cidr.base}/${cidr.prefix}`);
    return undefined;
  }

  release(cidr: Cidr): void {
    if (cidrWithin(this.pool, cidr)) {
      this.inPool.release(cidr);
    } else if (this.covering.delete(`${cidr.base}/${cidr.prefix}`)) {
      this.outside.release(cidr);
      this.outside.reserve(this.pool, POOL_HOLDER);
      this.inPool.release(this.pool);
    } else {
      this.outside.release(cidr);
    }
  }
}
