/**
 * An element of a min-heap ordered by (key, id); `heapIndex` is its slot, −1 when not in a heap.
 * The heap is 4-ary: half the levels of a binary heap, and the four children of a slot sit side by
 * side, which matters more than the extra comparisons once the heap outgrows the cache.
 */
export interface HeapItem {
  id: number;
  key: number;
  heapIndex: number;
}

function before(a: HeapItem, b: HeapItem): boolean {
  return a.key < b.key || (a.key === b.key && a.id < b.id);
}

/** Moves the item at slot `i` up; returns the number of levels it climbed. */
export function siftUp<T extends HeapItem>(heap: T[], i: number): number {
  const item = heap[i]!;
  let steps = 0;
  while (i > 0) {
    const p = (i - 1) >> 2;
    const parent = heap[p]!;
    if (!before(item, parent)) break;
    heap[i] = parent;
    parent.heapIndex = i;
    i = p;
    steps++;
  }
  heap[i] = item;
  item.heapIndex = i;
  return steps;
}

/** Moves the item at slot `i` down; returns the number of levels it fell. */
export function siftDown<T extends HeapItem>(heap: T[], i: number): number {
  const n = heap.length;
  const item = heap[i]!;
  let steps = 0;
  for (;;) {
    const first = 4 * i + 1;
    if (first >= n) break;
    let c = first;
    let child = heap[c]!;
    const end = first + 4 < n ? first + 4 : n;
    for (let j = first + 1; j < end; j++) {
      const other = heap[j]!;
      if (before(other, child)) {
        c = j;
        child = other;
      }
    }
    if (!before(child, item)) break;
    heap[i] = child;
    child.heapIndex = i;
    i = c;
    steps++;
  }
  heap[i] = item;
  item.heapIndex = i;
  return steps;
}

export function heapPush<T extends HeapItem>(heap: T[], item: T): number {
  heap.push(item);
  return siftUp(heap, heap.length - 1);
}

/** Removes `item` (which must be in `heap`); returns the sift steps taken. */
export function heapRemove<T extends HeapItem>(heap: T[], item: T): number {
  const i = item.heapIndex;
  const last = heap.pop()!;
  item.heapIndex = -1;
  if (last === item) return 0;
  heap[i] = last;
  last.heapIndex = i;
  return siftUp(heap, i) || siftDown(heap, i);
}
