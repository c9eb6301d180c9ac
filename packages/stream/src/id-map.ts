/**
 * A map from stream id (1 .. 2^31-1) to a value, for the per-stream tables of a connection (live streams, scheduler
 * entries, the Node layer's stream objects, closed streams).
 *
 * Why not a `Map`: a connection's streams come and go in batches (100 requests arrive, 100 finish), and a `Map` that
 * grows from a few entries to a hundred and back rehashes into a new table at each doubling and each shrink — on a
 * small-request server that churn was a measurable share of all allocation. This table is open addressing with
 * linear probing and backward-shift deletion (no tombstones): it grows by doubling, shrinks only when its owner calls
 * compact(), and allocates nothing in a steady state. Keys and values share one array (key at 2b, value at
 * 2b + 1) and no bucket exists before the first set(): a small table costs less than an empty `Map`.
 *
 * The hash is multiply-shift with a random odd multiplier per table, so a peer that picks its stream ids cannot aim
 * them at one probe chain. Key 0 marks an empty bucket: stream 0 is the connection, never a key.
 */
export class IdMap<V> {
  private slots: Array<number | V | undefined> = NO_SLOTS;
  /** Bucket count − 1. */
  private mask = 0;
  /** 32 − log2(bucket count): multiply-shift keeps the product's top bits. */
  private shift = 32;
  private count = 0;
  private readonly multiplier = ((Math.random() * 0x7fffffff) | 0) * 2 + 1;

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    if (this.count === 0) return undefined;
    const b = this.probe(id);
    return b >= 0 ? (this.slots[2 * b + 1] as V) : undefined;
  }

  has(id: number): boolean {
    return this.count > 0 && this.probe(id) >= 0;
  }

  set(id: number, value: V): void {
    if (!(id > 0 && id <= 0x7fffffff) || !Number.isInteger(id)) throw new RangeError(`not a stream id: ${id}`);
    if (this.slots.length === 0) this.resize(MIN_BUCKETS);
    const b = this.probe(id);
    if (b >= 0) {
      this.slots[2 * b + 1] = value;
      return;
    }
    this.slots[2 * ~b] = id;
    this.slots[2 * ~b + 1] = value;
    // Load factor ≤ ½ keeps probe chains short.
    if (++this.count > (this.mask + 1) >> 1) this.resize((this.mask + 1) * 2);
  }

  delete(id: number): boolean {
    if (this.count === 0) return false;
    let hole = this.probe(id);
    if (hole < 0) return false;
    const slots = this.slots;
    const mask = this.mask;
    // Backward shift: an entry later in the chain moves into the hole unless its home bucket lies cyclically within
    // (hole, b], where it would no longer be found.
    for (let b = (hole + 1) & mask; slots[2 * b] !== 0; b = (b + 1) & mask) {
      const home = this.bucket(slots[2 * b] as number);
      if (((b - home) & mask) >= ((b - hole) & mask)) {
        slots[2 * hole] = slots[2 * b];
        slots[2 * hole + 1] = slots[2 * b + 1];
        hole = b;
      }
    }
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = undefined;
    this.count--;
    // Never shrinks here: streams come and go in waves, and a table that shrank at the trough regrew at the next
    // crest (a proxy's upstream tables did so ~90 times in 3 s). compact() gives the room back when the owner is idle.
    return true;
  }

  /** Gives back the room of a table that was larger than it is now (an idle connection: see the engine's compaction);
   *  an empty table keeps no buckets at all. */
  compact(): void {
    if (this.count === 0) {
      this.clear();
      return;
    }
    let buckets = MIN_BUCKETS;
    while (this.count > buckets >> 1) buckets *= 2;
    if (buckets < this.mask + 1) this.resize(buckets);
  }

  /** The values, in ascending id order (a snapshot: the map may change while the caller walks it). */
  values(): V[] {
    const ids: number[] = [];
    for (let i = 0; i < this.slots.length; i += 2) if (this.slots[i] !== 0) ids.push(this.slots[i] as number);
    ids.sort(ascending);
    const out: V[] = [];
    for (const id of ids) out.push(this.get(id)!);
    return out;
  }

  clear(): void {
    this.slots = NO_SLOTS;
    this.mask = 0;
    this.shift = 32;
    this.count = 0;
  }

  /** The bucket holding `id`, or `~b` for the empty bucket `b` where it would go (the table has buckets). */
  private probe(id: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let b = this.bucket(id); ; b = (b + 1) & mask) {
      const key = slots[2 * b];
      if (key === 0) return ~b;
      if (key === id) return b;
    }
  }

  private bucket(id: number): number {
    return Math.imul(id, this.multiplier) >>> this.shift;
  }

  private resize(buckets: number): void {
    const old = this.slots;
    const slots = (this.slots = filled<number | V | undefined>(2 * buckets, 0));
    for (let i = 1; i < slots.length; i += 2) slots[i] = undefined;
    this.mask = buckets - 1;
    this.shift = 32 - Math.log2(buckets);
    for (let i = 0; i < old.length; i += 2) {
      const id = old[i] as number;
      if (id === 0) continue;
      const b = ~this.probe(id); // ids are distinct: always an empty bucket
      slots[2 * b] = id;
      slots[2 * b + 1] = old[i + 1];
    }
  }
}

const MIN_BUCKETS = 4;
const NO_SLOTS: never[] = Object.freeze([]) as unknown as never[];

function ascending(a: number, b: number): number {
  return a - b;
}

/** An array of `length` copies of `value`, its backing store exactly that long (one grown by push() keeps half as
 *  much again in slack: for the small tables of an idle connection, more than their contents). */
export function filled<T>(length: number, value: T): T[] {
  return new Array<T>(length).fill(value);
}
