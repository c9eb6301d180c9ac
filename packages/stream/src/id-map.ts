/**
 * A map from stream id (1 .. 2^31-1) to a value, for the per-stream tables of a connection (live streams, scheduler
 * entries, the Node layer's stream objects).
 *
 * Why not a `Map`: a connection's streams come and go in batches (100 requests arrive, 100 finish), and a `Map` that
 * grows from a few entries to a hundred and back rehashes into a new table at each doubling and each shrink — on a
 * small-request server that churn was a measurable share of all allocation. This table is open addressing with
 * linear probing and backward-shift deletion (no tombstones): it grows by doubling, shrinks only when it is nearly
 * empty and large, and allocates nothing in a steady state.
 *
 * The hash (a random odd multiplier and seed per table) keeps a peer that picks its stream ids from aiming them at one
 * probe chain. Key 0 marks an empty bucket: stream 0 is the connection, never a key.
 */
export class IdMap<V> {
  /** Keys and values side by side; `keys[b] === 0` is an empty bucket. */
  private keys: number[];
  private vals: Array<V | undefined>;
  private mask: number;
  /** 32 − log2(bucket count): multiplicative hashing keeps the product's top bits. */
  private shift: number;
  private count = 0;
  private readonly seed = (Math.random() * 0x7fffffff) | 0;
  private readonly multiplier = ((Math.random() * 0x7fffffff) | 0) * 2 + 1;

  constructor() {
    this.keys = filled(MIN_BUCKETS, 0);
    this.vals = filled<V | undefined>(MIN_BUCKETS, undefined);
    this.mask = MIN_BUCKETS - 1;
    this.shift = 32 - Math.log2(MIN_BUCKETS);
  }

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    const keys = this.keys;
    const mask = this.mask;
    for (let b = this.bucket(id); ; b = (b + 1) & mask) {
      const key = keys[b]!;
      if (key === 0) return undefined;
      if (key === id) return this.vals[b];
    }
  }

  has(id: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    for (let b = this.bucket(id); ; b = (b + 1) & mask) {
      const key = keys[b]!;
      if (key === 0) return false;
      if (key === id) return true;
    }
  }

  set(id: number, value: V): void {
    if (!(id > 0 && id <= 0x7fffffff) || !Number.isInteger(id)) throw new RangeError(`not a stream id: ${id}`);
    const keys = this.keys;
    const mask = this.mask;
    let b = this.bucket(id);
    for (; ; b = (b + 1) & mask) {
      const key = keys[b]!;
      if (key === 0) break;
      if (key === id) {
        this.vals[b] = value;
        return;
      }
    }
    keys[b] = id;
    this.vals[b] = value;
    // Load factor ≤ ½ keeps probe chains short.
    if (++this.count * 2 > keys.length) this.resize(keys.length * 2);
  }

  delete(id: number): boolean {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let hole = this.bucket(id);
    for (; ; hole = (hole + 1) & mask) {
      const key = keys[hole]!;
      if (key === 0) return false;
      if (key === id) break;
    }
    // Backward shift: an entry later in the chain moves into the hole unless its home bucket lies cyclically within
    // (hole, b], where it would no longer be found.
    for (let b = (hole + 1) & mask; keys[b] !== 0; b = (b + 1) & mask) {
      const home = this.bucket(keys[b]!);
      if (((b - home) & mask) >= ((b - hole) & mask)) {
        keys[hole] = keys[b]!;
        vals[hole] = vals[b];
        hole = b;
      }
    }
    keys[hole] = 0;
    vals[hole] = undefined;
    this.count--;
    // Shrink only a large, nearly empty table: a batch of streams finishing must not cost a rehash.
    if (keys.length > SHRINK_ABOVE && this.count * 16 < keys.length) this.resize(keys.length / 4);
    return true;
  }

  /** The values, in ascending id order (a snapshot: the map may change while the caller walks it). */
  values(): V[] {
    const ids: number[] = [];
    for (const key of this.keys) if (key !== 0) ids.push(key);
    ids.sort(ascending);
    const out: V[] = [];
    for (const id of ids) out.push(this.get(id)!);
    return out;
  }

  clear(): void {
    this.keys = filled(MIN_BUCKETS, 0);
    this.vals = filled<V | undefined>(MIN_BUCKETS, undefined);
    this.mask = MIN_BUCKETS - 1;
    this.shift = 32 - Math.log2(MIN_BUCKETS);
    this.count = 0;
  }

  private bucket(id: number): number {
    return Math.imul(id ^ this.seed, this.multiplier) >>> this.shift;
  }

  private resize(buckets: number): void {
    const keys = this.keys;
    const vals = this.vals;
    this.keys = filled(buckets, 0);
    this.vals = filled<V | undefined>(buckets, undefined);
    this.mask = buckets - 1;
    this.shift = 32 - Math.log2(buckets);
    const mask = this.mask;
    for (let i = 0; i < keys.length; i++) {
      const id = keys[i]!;
      if (id === 0) continue;
      let b = this.bucket(id);
      while (this.keys[b] !== 0) b = (b + 1) & mask;
      this.keys[b] = id;
      this.vals[b] = vals[i];
    }
  }
}

const MIN_BUCKETS = 8;
const SHRINK_ABOVE = 256;

function ascending(a: number, b: number): number {
  return a - b;
}

/** A packed array of `length` copies of `value` (V8 keeps small integers unboxed in it). */
export function filled<T>(length: number, value: T): T[] {
  const a: T[] = [];
  for (let i = 0; i < length; i++) a.push(value);
  return a;
}
