import { type HeapItem, MinHeap } from './binary-heap.js';
import type { Token } from './euler-tour.js';

/**
 * The children of one node. Children point at their group, and the group at its owner (their parent), so
 * handing every child of P to N (RFC 7540 §5.3.3 exclusive insertion) is a change of owner, not a walk
 * over the children. The group also holds the weighted-fair state of its owner's children: a min-heap of
 * the children that are ready or have a ready descendant, keyed by virtual finish time, and the virtual
 * clock `vtime` of that heap.
 */
export class SiblingGroup {
  owner: TreeNode;
  first: TreeNode | null = null;
  size = 0;
  readonly heap = new MinHeap<TreeNode>();
  vtime = 0;
  constructor(owner: TreeNode) {
    this.owner = owner;
  }
}

/** One stream (or the root, id 0) in the RFC 7540 §5.3 dependency tree. */
export class TreeNode implements HeapItem {
  readonly id: number;
  /** 1..256. */
  weight: number;
  /** The siblings this node is one of; `group.owner` is its parent. The root's group is its own, unused. */
  group: SiblingGroup;
  /** This node's children. */
  kids: SiblingGroup;
  prev: TreeNode | null = null;
  next: TreeNode | null = null;
  readonly enter: Token;
  readonly exit: Token;
  /** An open stream (true) or a node kept for an idle or closed stream (false). */
  active = false;
  // Place in the eviction index (inactive nodes only).
  evictPrev: TreeNode | null = null;
  evictNext: TreeNode | null = null;
  evictBucket = -1;
  // Weighted-fair scheduling state.
  ready = false;
  key = 0;
  heapIndex = -1;

  constructor(id: number, weight: number, enter: Token, exit: Token) {
    this.id = id;
    this.weight = weight;
    this.enter = enter;
    this.exit = exit;
    this.kids = new SiblingGroup(this);
    this.group = this.kids;
  }
}

/** Adds `node` to `group`'s child list (O(1)). */
export function linkChild(group: SiblingGroup, node: TreeNode): void {
  node.group = group;
  node.prev = null;
  node.next = group.first;
  if (group.first !== null) group.first.prev = node;
  group.first = node;
  group.size++;
}

/** Takes `node` out of its group's child list (O(1)). */
export function unlinkChild(node: TreeNode): void {
  const group = node.group;
  if (node.prev !== null) node.prev.next = node.next;
  else group.first = node.next;
  if (node.next !== null) node.next.prev = node.prev;
  node.prev = node.next = null;
  group.size--;
}
