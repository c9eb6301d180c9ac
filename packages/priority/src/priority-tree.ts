import { adoptChildren } from './adopt-children.js';
import { DEFAULT_MAX_INACTIVE, DEFAULT_WEIGHT, MAX_WEIGHT, MIN_WEIGHT } from './constants.js';
import { EulerTour } from './euler-tour.js';
import { EvictionIndex } from './eviction-index.js';
import { dequeue, enqueue, hasQueuedWork, type WorkMeter } from './fair-queue.js';
import { linkChild, TreeNode, unlinkChild } from './tree-node.js';
import type { StreamDependency } from './types.js';

export interface PriorityTreeOptions {
  /** Most nodes kept for idle and closed streams; past it the cheapest one is removed (§5.3.4). Default 100. */
  maxInactive?: number;
  /** Seed for the balancing of the internal sequence (tests pass one to be reproducible). */
  seed?: number;
}

function checkWeight(weight: number): number {
  if (!Number.isInteger(weight) || weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
    throw new RangeError(`priority weight must be an integer in 1..256, got ${weight}`);
  }
  return weight;
}

/**
 * The RFC 7540 §5.3 dependency tree, bounded. Stream 0 is the root. Every update costs O(log n) expected
 * (see docs/priority.md): the §5.3.3 ancestor test and subtree moves go through an Euler-tour sequence,
 * children lists unlink in O(1), and exclusive insertion hands over a whole child group at once.
 * Nodes for idle and closed streams are capped at `maxInactive`.
 */
export class PriorityTree implements WorkMeter {
  /** Work units spent outside the Euler-tour sequence (see `workUnits`). */
  work = 0;
  readonly maxInactive: number;
  /** @internal the root node (stream 0); exposed for the RFC 7540 scheduler. */
  readonly root: TreeNode;
  private readonly nodes = new Map<number, TreeNode>();
  private readonly tour: EulerTour;
  private readonly inactive = new EvictionIndex();

  constructor(options: PriorityTreeOptions = {}) {
    const max = options.maxInactive ?? DEFAULT_MAX_INACTIVE;
    if (!(max >= 0)) throw new RangeError(`maxInactive must be >= 0, got ${max}`);
    this.maxInactive = max;
    this.tour = new EulerTour(options.seed);
    this.root = new TreeNode(0, DEFAULT_WEIGHT, this.tour.token(), this.tour.token());
    this.tour.insertPairAfter(-1, this.root.enter, this.root.exit);
  }

  /** Nodes in the tree, not counting the root. */
  get size(): number {
    return this.nodes.size;
  }
  /** Nodes kept for idle or closed streams. */
  get inactiveCount(): number {
    return this.inactive.size;
  }
  /** Nodes for open streams. */
  get activeCount(): number {
    return this.nodes.size - this.inactive.size;
  }
  /** Total work units spent so far (node and sequence visits, heap steps): a deterministic cost measure. */
  get workUnits(): number {
    return this.work + this.tour.work;
  }

  has(id: number): boolean {
    return this.nodes.has(id);
  }
  /** True for an open stream, false for an idle or closed one kept for its priority, or an unknown one. */
  isActive(id: number): boolean {
    return this.nodes.get(id)?.active ?? false;
  }
  /** The stream `id` depends on (0 = the connection), or undefined if `id` is not in the tree. */
  getParent(id: number): number | undefined {
    const node = this.nodes.get(id);
    return node === undefined ? undefined : node.group.owner.id;
  }
  /** The weight (1..256) of `id`, or undefined if it is not in the tree. */
  getWeight(id: number): number | undefined {
    return this.nodes.get(id)?.weight;
  }
  /** The streams that depend directly on `id` (0 = the root), in no particular order. O(children). */
  children(id: number): number[] {
    const node = id === 0 ? this.root : this.nodes.get(id);
    const out: number[] = [];
    if (node === undefined) return out;
    for (let n = node.kids.first; n !== null; n = n.next) out.push(n.id);
    return out;
  }
  /** True if `ancestor` is a proper ancestor of `descendant` (0 is everyone's). O(log n). */
  isAncestor(ancestor: number, descendant: number): boolean {
    const d = this.nodes.get(descendant);
    if (d === undefined) return false;
    if (ancestor === 0) return true;
    const a = this.nodes.get(ancestor);
    return a !== undefined && a !== d && this.below(a, d);
  }
  /** @internal the node for `id`, for the RFC 7540 scheduler. */
  node(id: number): TreeNode | undefined {
    return this.nodes.get(id);
  }

  /**
   * A stream opened (HEADERS). With `dependency` (HEADERS carrying the PRIORITY flag) it is placed as a
   * PRIORITY frame would place it; without, a new stream gets the default (parent 0, weight 16, §5.3.5)
   * and a stream already in the tree as idle keeps the place PRIORITY frames gave it.
   */
  open(id: number, dependency?: StreamDependency): void {
    if (id <= 0) return;
    const node = this.nodes.get(id);
    if (node !== undefined) {
      if (!node.active) {
        node.active = true;
        this.inactive.delete(node);
      }
      if (dependency !== undefined) this.reprioritize(id, dependency);
      return;
    }
    if (dependency === undefined || dependency.parent === id) {
      this.create(id, this.root, DEFAULT_WEIGHT, false).active = true;
      return;
    }
    const weight = checkWeight(dependency.weight);
    const parent = this.lookup(dependency.parent);
    if (parent === undefined) this.create(id, this.root, DEFAULT_WEIGHT, false).active = true;
    else this.create(id, parent, weight, dependency.exclusive).active = true;
  }

  /**
   * Applies a PRIORITY frame (or a HEADERS priority block) for `id` (RFC 7540 §5.3.3). A stream not in the
   * tree gets an idle node (counted against `maxInactive`). A dependency on a stream not in the tree gives
   * the default priority (§5.3.1). Depending on a descendant first moves that descendant up to `id`'s
   * former parent, keeping its weight. A self-dependency is ignored: check it with `selfDependencyError`.
   */
  reprioritize(id: number, dependency: StreamDependency): void {
    let weight = checkWeight(dependency.weight);
    if (id <= 0 || dependency.parent === id) return;
    let exclusive = dependency.exclusive;
    let parent = this.lookup(dependency.parent);
    if (parent === undefined) {
      parent = this.root;
      weight = DEFAULT_WEIGHT;
      exclusive = false;
    }
    const node = this.nodes.get(id);
    if (node === undefined) {
      this.inactive.add(this.create(id, parent, weight, exclusive));
      this.evictOverflow();
      return;
    }
    node.weight = weight;
    if (parent !== this.root && this.below(node, parent)) this.move(parent, node.group.owner, false);
    this.move(node, parent, exclusive);
  }

  /** The stream closed. Its node stays (for its dependents' sake) until evicted past `maxInactive`. */
  close(id: number): void {
    const node = this.nodes.get(id);
    if (node === undefined || !node.active) return;
    node.active = false;
    node.ready = false;
    if (node.kids.heap.length === 0) dequeue(node, this);
    this.inactive.add(node);
    this.evictOverflow();
  }

  private lookup(id: number): TreeNode | undefined {
    return id === 0 ? this.root : this.nodes.get(id);
  }

  /** True if `a` is a proper ancestor of `d`: d's enter token lies strictly inside a's enter..exit run. */
  private below(a: TreeNode, d: TreeNode): boolean {
    const i = this.tour.indexOf(d.enter);
    return this.tour.indexOf(a.enter) < i && i < this.tour.indexOf(a.exit);
  }

  private create(id: number, parent: TreeNode, weight: number, exclusive: boolean): TreeNode {
    const node = new TreeNode(id, weight, this.tour.token(), this.tour.token());
    this.tour.insertPairAfter(this.tour.indexOf(parent.enter), node.enter, node.exit);
    if (exclusive) this.takeChildrenOf(parent, node);
    this.attach(node, parent);
    this.nodes.set(id, node);
    this.work++;
    return node;
  }

  /** Makes `node` (with its subtree) depend on `parent`; with `exclusive`, `parent`'s other children move under `node`. */
  private move(node: TreeNode, parent: TreeNode, exclusive: boolean): void {
    const from = node.group.owner;
    if (from === parent && (!exclusive || parent.kids.size === 1)) return;
    dequeue(node, this);
    unlinkChild(node);
    this.inactive.recount(from);
    const tour = this.tour;
    const run = tour.cut(tour.indexOf(node.enter), tour.indexOf(node.exit));
    tour.insert(tour.indexOf(parent.enter) + 1, run);
    if (exclusive) this.takeChildrenOf(parent, node);
    this.attach(node, parent);
  }

  /**
   * Hands all of `parent`'s children to `node`, which was just placed right after `parent`'s enter token
   * and is not yet linked as its child: in the sequence their runs follow `node`'s exit token, so they are
   * cut as one run and pasted just inside it.
   */
  private takeChildrenOf(parent: TreeNode, node: TreeNode): void {
    if (parent.kids.size === 0) return;
    const tour = this.tour;
    const run = tour.cut(tour.indexOf(node.exit) + 1, tour.indexOf(parent.exit) - 1);
    tour.insert(tour.indexOf(node.exit), run);
    adoptChildren(node, parent, this);
    this.inactive.recount(node);
  }

  private attach(node: TreeNode, parent: TreeNode): void {
    linkChild(parent.kids, node);
    this.inactive.recount(parent);
    node.key = parent.kids.vtime;
    if (hasQueuedWork(node)) enqueue(node, this.root, this);
  }

  private evictOverflow(): void {
    while (this.inactive.size > this.maxInactive) this.remove(this.inactive.victim()!);
  }

  /**
   * RFC 7540 §5.3.4: removes `node`; its children move to its parent and share its weight in proportion
   * to their own weights (rounded, at least 1).
   */
  private remove(node: TreeNode): void {
    const parent = node.group.owner;
    let work = 1;
    if (node.kids.size > 0) {
      let sum = 0;
      for (let k = node.kids.first; k !== null; k = k.next) sum += k.weight;
      for (let k = node.kids.first; k !== null; k = k.next) {
        k.weight = Math.min(MAX_WEIGHT, Math.max(MIN_WEIGHT, Math.round((k.weight * node.weight) / sum)));
      }
      work += 2 * node.kids.size;
    }
    this.work += work;
    dequeue(node, this);
    unlinkChild(node);
    this.inactive.delete(node);
    this.nodes.delete(node.id);
    this.tour.remove(node.enter);
    this.tour.remove(node.exit);
    adoptChildren(parent, node, this);
    this.inactive.recount(parent);
    if (parent !== this.root && parent.heapIndex < 0 && hasQueuedWork(parent)) enqueue(parent, this.root, this);
  }
}
