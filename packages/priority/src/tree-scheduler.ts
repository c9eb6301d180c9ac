import { charge, dequeue, enqueue, nextReady } from './fair-queue.js';
import { PriorityTree, type PriorityTreeOptions } from './priority-tree.js';
import type { TreeNode } from './tree-node.js';
import { isDependency, type PrioritySignal, type StreamScheduler } from './types.js';

/**
 * RFC 7540 §5.3 scheduling: a ready stream is served only when none of its ancestors is ready, and
 * siblings share bytes in proportion to their weights (per-parent stride scheduling, see fair-queue.ts).
 * RFC 9218 priority signals are ignored. pop() and sent() cost O(depth · log siblings); every other call
 * O(log n) amortized.
 */
export class TreeScheduler implements StreamScheduler {
  readonly kind = 'rfc7540';
  readonly tree: PriorityTree;
  private ready = 0;

  constructor(options: PriorityTreeOptions = {}) {
    this.tree = new PriorityTree(options);
  }

  get readyCount(): number {
    return this.ready;
  }

  open(id: number, signal?: PrioritySignal): void {
    this.tree.open(id, signal !== undefined && isDependency(signal) ? signal : undefined);
  }

  update(id: number, signal: PrioritySignal): void {
    if (isDependency(signal)) this.tree.reprioritize(id, signal);
  }

  close(id: number): void {
    const node = this.tree.node(id);
    if (node?.ready) this.ready--;
    this.tree.close(id);
  }

  push(id: number): void {
    const node = this.tree.node(id);
    if (node === undefined || !node.active || node.ready) return;
    node.ready = true;
    this.ready++;
    enqueue(node, this.tree.root, this.tree);
  }

  park(id: number): void {
    const node = this.tree.node(id);
    if (node !== undefined) this.parkNode(node);
  }

  pop(): number {
    return nextReady(this.tree.root, this.tree)?.id ?? 0;
  }

  sent(id: number, bytes: number, stillReady: boolean): void {
    const node = this.tree.node(id);
    if (node === undefined) return;
    // Park first: a stream that leaves the heap needs no re-sift for its new key.
    if (!stillReady) this.parkNode(node);
    charge(node, this.tree.root, bytes, this.tree);
  }

  private parkNode(node: TreeNode): void {
    if (!node.ready) return;
    node.ready = false;
    this.ready--;
    // Leave it queued while it still has queued dependents; otherwise take it out now.
    if (node.kids.heap.length === 0) dequeue(node, this.tree);
  }

  isReady(id: number): boolean {
    return this.tree.node(id)?.ready ?? false;
  }
}
