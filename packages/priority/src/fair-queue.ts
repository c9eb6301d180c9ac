import type { SiblingGroup, TreeNode } from './tree-node.js';

/** Something that counts units of work (heap steps, node visits) for the flood-budget tests. */
export interface WorkMeter {
  work: number;
}

/*
 * Weighted-fair sharing over the RFC 7540 tree (§5.3.2), as stride scheduling per sibling group: each
 * group keeps a heap of the children that are ready or have a ready descendant ("queued"), keyed by
 * virtual finish time. Serving a stream advances the key of it and of each ancestor by bytes / weight, so
 * siblings get bytes in proportion to their weights, and a subtree with nothing ready is not in any heap.
 *
 * Queued state is kept lazily upwards: a node stays queued after its last ready descendant leaves
 * ("stale") and is dropped when pop() next walks into it. So a reprioritization, push or park touches
 * O(1) nodes besides heap sifts, and pop() pays once for each stale entry an earlier call left.
 */

/** Queues `node` (if not queued) and then each unqueued ancestor, stopping at the first queued one. */
export function enqueue(node: TreeNode, root: TreeNode, meter: WorkMeter): void {
  let work = 0;
  for (let n = node; n !== root && n.heapIndex < 0; n = n.group.owner) {
    const g = n.group;
    if (n.key < g.vtime) n.key = g.vtime;
    work += 1 + g.heap.push(n);
  }
  meter.work += work;
}

/** Takes `node` out of its parent's heap if it is there. */
export function dequeue(node: TreeNode, meter: WorkMeter): void {
  if (node.heapIndex >= 0) meter.work += 1 + node.group.heap.remove(node);
}

/** True if `node` belongs in its parent's heap: it is ready or something below it may be. */
export function hasQueuedWork(node: TreeNode): boolean {
  return node.ready || node.kids.heap.length > 0;
}

/** Raises heap-top keys that fell behind the group clock (nodes that went stale and came back). */
function catchUp(g: SiblingGroup, meter: WorkMeter): TreeNode {
  const heap = g.heap;
  let top = heap.top();
  while (top.key < g.vtime) {
    top.key = g.vtime;
    meter.work += 1 + heap.increased(top);
    top = heap.top();
  }
  return top;
}

/**
 * The stream to serve next: descend from the root taking the least virtual finish time at each level,
 * stopping at the first ready node (a ready stream is served before its dependents, §5.3.1). Stale
 * entries met on the way are removed. Returns null when nothing is ready.
 */
export function nextReady(root: TreeNode, meter: WorkMeter): TreeNode | null {
  let g = root.kids;
  for (;;) {
    meter.work++;
    if (g.heap.length === 0) {
      const owner = g.owner;
      if (owner === root) return null;
      // The owner was queued for descendants that have all gone: drop it and look again one level up.
      const up = owner.group;
      meter.work += up.heap.remove(owner);
      g = up;
      continue;
    }
    const top = catchUp(g, meter);
    if (top.ready) return top;
    g = top.kids;
  }
}

/**
 * Charges `bytes` sent on `node` to it and each ancestor: the group clock moves to the node's start
 * time and key += bytes / weight, then the node is re-sifted if it is queued (a node that was just taken
 * out keeps its advanced key for when it comes back).
 */
export function charge(node: TreeNode, root: TreeNode, bytes: number, meter: WorkMeter): void {
  let work = 0;
  for (let n = node; n !== root; n = n.group.owner) {
    work++;
    const g = n.group;
    if (n.key > g.vtime) g.vtime = n.key;
    else n.key = g.vtime;
    n.key += bytes / n.weight;
    if (n.heapIndex >= 0) work += g.heap.increased(n);
  }
  meter.work += work;
}
