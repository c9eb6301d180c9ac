const NO_SLOTS = new Float64Array(0);

/** An element of a MinHeap: ordered by (key, id); `heapIndex` is its slot, −1 when in no heap. */
export interface HeapItem {
  id: number;
  key: number;
  heapIndex: number;
}

/**
 * A 4-ary min-heap ordered by (key, id). Keys and ids are copied into typed arrays beside the items, so
 * sifting reads contiguous memory instead of one object per comparison (it matters once the heap
 * outgrows the cache); a 4-ary heap also has half the levels of a binary one. Methods return the
 * number of levels moved, for work accounting.
 */
export class MinHeap<T extends HeapItem> {
  readonly items: T[] = [];
  // Allocated on the first push: a connection has a heap per urgency and most stay empty.
  private keys = NO_SLOTS;
  private ids = NO_SLOTS;

  get length(): number {
    return this.items.length;
  }

  /** The least item; only valid when length > 0. */
  top(): T {
    return this.items[0]!;
  }

  push(item: T): number {
    const i = this.items.length;
    if (i === this.keys.length) this.grow();
    this.items.push(item);
    return this.up(item, item.key, item.id, i);
  }

  /** Removes `item`, which must be in this heap. */
  remove(item: T): number {
    const items = this.items;
    const i = item.heapIndex;
    const last = items.pop()!;
    item.heapIndex = -1;
    if (last === item) return 0;
    const key = this.keys[items.length]!;
    const id = this.ids[items.length]!;
    return this.up(last, key, id, i) || this.down(last, key, id, i);
  }

  /** Re-files `item` after its key grew. */
  increased(item: T): number {
    return this.down(item, item.key, item.id, item.heapIndex);
  }

  /** Empties the heap (the items' heapIndex is left to the caller). */
  clear(): void {
    this.items.length = 0;
  }

  private grow(): void {
    const size = this.keys.length === 0 ? 4 : this.keys.length * 2;
    const keys = new Float64Array(size);
    keys.set(this.keys);
    this.keys = keys;
    const ids = new Float64Array(size);
    ids.set(this.ids);
    this.ids = ids;
  }

  private up(item: T, key: number, id: number, i: number): number {
    const { items, keys, ids } = this;
    let steps = 0;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pk = keys[p]!;
      if (pk < key || (pk === key && ids[p]! < id)) break;
      this.put(i, items[p]!, pk, ids[p]!);
      i = p;
      steps++;
    }
    this.put(i, item, key, id);
    return steps;
  }

  private down(item: T, key: number, id: number, i: number): number {
    const { items, keys, ids } = this;
    const n = items.length;
    let steps = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let c = first;
      let ck = keys[c]!;
      let ci = ids[c]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let j = first + 1; j < end; j++) {
        const jk = keys[j]!;
        if (jk < ck || (jk === ck && ids[j]! < ci)) {
          c = j;
          ck = jk;
          ci = ids[j]!;
        }
      }
      if (key < ck || (key === ck && id < ci)) break;
      this.put(i, items[c]!, ck, ci);
      i = c;
      steps++;
    }
    this.put(i, item, key, id);
    return steps;
  }

  /** Stores `item` with its ordering copy in slot `i`. */
  private put(i: number, item: T, key: number, id: number): void {
    this.items[i] = item;
    this.keys[i] = key;
    this.ids[i] = id;
    item.heapIndex = i;
  }
}
