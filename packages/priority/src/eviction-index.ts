import type { TreeNode } from './tree-node.js';

/** Buckets by child count: 0, 1, …, LAST−1, and LAST for "LAST or more". */
const LAST = 7;

function bucketFor(childCount: number): number {
  return childCount < LAST ? childCount : LAST;
}

/**
 * The inactive (idle or closed) nodes, grouped by how many children they have and, within a group, in
 * the order they entered it. The victim is the node that entered first among those with the fewest
 * children, because removing a node re-weights its children (RFC 7540 §5.3.4): this keeps an eviction
 * at O(1 + active / cap) work, where "evict the oldest" could be made to cost O(active) on every frame by
 * hanging all open streams under a chain of idle nodes.
 */
export class EvictionIndex {
  private readonly heads: (TreeNode | null)[] = new Array<TreeNode | null>(LAST + 1).fill(null);
  private readonly tails: (TreeNode | null)[] = new Array<TreeNode | null>(LAST + 1).fill(null);
  size = 0;

  add(node: TreeNode): void {
    this.link(node, bucketFor(node.kids.size));
    this.size++;
  }

  delete(node: TreeNode): void {
    if (node.evictBucket < 0) return;
    this.unlink(node);
    this.size--;
  }

  /** Call after a node's child count changed; O(1), a no-op for active nodes. */
  recount(node: TreeNode): void {
    if (node.evictBucket < 0) return;
    const b = bucketFor(node.kids.size);
    if (b === node.evictBucket) return;
    this.unlink(node);
    this.link(node, b);
  }

  /** The node to evict next, or null if there is none. */
  victim(): TreeNode | null {
    for (let b = 0; b <= LAST; b++) {
      const head = this.heads[b];
      if (head !== null) return head;
    }
    return null;
  }

  private link(node: TreeNode, b: number): void {
    node.evictBucket = b;
    node.evictNext = null;
    node.evictPrev = this.tails[b];
    if (node.evictPrev !== null) node.evictPrev.evictNext = node;
    else this.heads[b] = node;
    this.tails[b] = node;
  }

  private unlink(node: TreeNode): void {
    const b = node.evictBucket;
    if (node.evictPrev !== null) node.evictPrev.evictNext = node.evictNext;
    else this.heads[b] = node.evictNext;
    if (node.evictNext !== null) node.evictNext.evictPrev = node.evictPrev;
    else this.tails[b] = node.evictPrev;
    node.evictPrev = node.evictNext = null;
    node.evictBucket = -1;
  }
}
