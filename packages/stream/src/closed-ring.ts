/**
 * Bounded memory of closed streams: the last `capacity` closures, id → closed state, evicted oldest-first.
 * It also keeps, per id parity, the highest id it has evicted, so an id that is not remembered can be told apart:
 * above that mark it was never opened, at or below it it may have been closed long ago.
 *
 * Allocation-free once grown: the closures sit in a ring of small-integer arrays and an open-addressing index (linear
 * probing, backward-shift deletion) maps an id to its ring slot. A `Map` here cost a rehash-prone set + delete per
 * stream, about 3 % of a small-request server's CPU. The index hash (odd multiplier and seed) is random per ring.
 */
export class ClosedRing {
  readonly capacity: number;
  /** Ids in closing order; grows to `capacity` as closures accumulate, so a short connection stays small. */
  // Plain arrays of small integers, not typed arrays: each typed array costs two heap objects (~180 bytes) and a
  // malloc'd backing store, which at these sizes is more than its contents (idle memory per connection).
  private order: number[];
  /** The closed state of the id in the same ring slot. */
  private states: number[];
  /** Open-addressing index: ring slot + 1, 0 for an empty bucket; at least twice the ring's length. */
  private index: number[];
  private mask: number;
  /** 32 − log2(index size): multiplicative hashing keeps the product's top bits. */
  private shift: number;
  private count = 0;
  private head = 0;
  // Per-ring random hash: a peer that picks stream ids cannot aim them at one probe chain (a fixed multiplier with
  // only a seed XORed in still let crafted ids lengthen the longest chain from ~8 to ~50 at capacity 1024).
  private readonly seed = (Math.random() * 0x7fffffff) | 0;
  private readonly multiplier = ((Math.random() * 0x7fffffff) | 0) * 2 + 1;
  /** Highest evicted id, [even, odd]. */
  private readonly evictedMax = [0, 0];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`closed-stream memory must be an integer >= 0, got ${capacity}`);
    this.capacity = capacity;
    const length = Math.min(capacity, 8);
    this.order = zeros(length);
    this.states = zeros(length);
    this.index = zeros(indexSizeFor(length));
    this.mask = this.index.length - 1;
    this.shift = 32 - Math.log2(this.index.length);
  }

  /** How many closed streams are remembered. */
  get size(): number {
    return this.count;
  }

  /** The closed state remembered for `id`, or undefined. */
  get(id: number): number | undefined {
    const slot = this.find(id);
    return slot < 0 ? undefined : this.states[slot];
  }

  /** Remember `id` as closed in `state`; an id already remembered keeps its age and takes the new state. */
  set(id: number, state: number): void {
    const known = this.find(id);
    if (known >= 0) {
      this.states[known] = state;
      return;
    }
    if (this.capacity === 0) {
      this.evicted(id);
      return;
    }
    if (this.count === this.capacity) {
      const oldest = this.order[this.head]!;
      this.unindex(oldest);
      this.count--;
      this.evicted(oldest);
    }
    if (this.head === this.order.length) this.grow();
    const slot = this.head;
    this.order[slot] = id;
    this.states[slot] = state;
    this.insert(id, slot);
    this.count++;
    this.head = slot + 1 === this.capacity ? 0 : slot + 1;
  }

  /** True if an id of this parity at or above `id` has been forgotten, so `id` may have been closed long ago. */
  mayHaveForgotten(id: number): boolean {
    return id <= this.evictedMax[id & 1]!;
  }

  private bucket(id: number): number {
    return Math.imul(id ^ this.seed, this.multiplier) >>> this.shift;
  }

  /** The ring slot holding `id`, or -1. */
  private find(id: number): number {
    const index = this.index;
    for (let b = this.bucket(id); ; b = (b + 1) & this.mask) {
      const entry = index[b]!;
      if (entry === 0) return -1;
      if (this.order[entry - 1] === id) return entry - 1;
    }
  }

  private insert(id: number, slot: number): void {
    let b = this.bucket(id);
    while (this.index[b] !== 0) b = (b + 1) & this.mask;
    this.index[b] = slot + 1;
  }

  /** Removes `id` from the index, shifting later entries of its probe chain back (no tombstones). */
  private unindex(id: number): void {
    const index = this.index;
    const mask = this.mask;
    let hole = this.bucket(id);
    while (this.order[index[hole]! - 1] !== id) hole = (hole + 1) & mask;
    for (let b = (hole + 1) & mask; index[b] !== 0; b = (b + 1) & mask) {
      const home = this.bucket(this.order[index[b]! - 1]!);
      // The entry at b may move into the hole if its home bucket is not cyclically within (hole, b].
      if (((b - home) & mask) >= ((b - hole) & mask)) {
        index[hole] = index[b]!;
        hole = b;
      }
    }
    index[hole] = 0;
  }

  /** Before the ring is full, `head` is the number of ids kept: double the arrays (never past capacity). */
  private grow(): void {
    const length = Math.min(this.capacity, this.order.length * 2);
    const order = zeros(length);
    const states = zeros(length);
    for (let i = 0; i < this.count; i++) {
      order[i] = this.order[i]!;
      states[i] = this.states[i]!;
    }
    this.order = order;
    this.states = states;
    this.index = zeros(indexSizeFor(length));
    this.mask = this.index.length - 1;
    this.shift = 32 - Math.log2(this.index.length);
    for (let slot = 0; slot < this.count; slot++) this.insert(order[slot]!, slot);
  }

  private evicted(id: number): void {
    const parity = id & 1;
    if (id > this.evictedMax[parity]!) this.evictedMax[parity] = id;
  }
}

/** A packed array of `length` zeros (small integers: V8 keeps them unboxed). */
function zeros(length: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < length; i++) a.push(0);
  return a;
}

/** A power of two at least twice `length` (load factor ≤ ½ keeps linear probing short). */
function indexSizeFor(length: number): number {
  let size = 16;
  while (size < length * 2) size *= 2;
  return size;
}
