/** An element of a binary min-heap ordered by (key, id); `heapIndex` is its slot, −1 when not in a heap. */
export interface HeapItem {
  id: number;
  key: number;
  heapIndex: number;
}

function before(a: HeapItem, b: HeapItem): boolean {
  return a.key < b.key || (a.key === b.key && a.id < b.id);
}

/** Moves `item` (at slot `i`) up; returns the number of levels it climbed. */
export function siftUp<T extends HeapItem>(heap: T[], i: number): number {
  const item = heap[i]!;
  let steps = 0;
  while (i > 0) {
    const p = (i - 1) >> 1;
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
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && before(heap[c + 1]!, heap[c]!)) c++;
    const child = heap[c]!;
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
