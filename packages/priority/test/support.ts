import * as assert from 'uvu/assert';
import type { PriorityTree } from '../src/index.js';

interface ModelNode {
  parent: number;
  weight: number;
  active: boolean;
}

/**
 * The RFC 7540 §5.3 tree written the obvious way (parent map, walks and scans), to check the real one
 * against. Eviction is not modelled: the model is told which node the real tree evicted and applies it.
 */
export class TreeModel {
  readonly nodes = new Map<number, ModelNode>();

  kids(id: number): number[] {
    const out: number[] = [];
    for (const [k, n] of this.nodes) if (n.parent === id) out.push(k);
    return out;
  }

  isAncestor(a: number, d: number): boolean {
    for (let p = this.nodes.get(d)?.parent; p !== undefined; p = p === 0 ? undefined : this.nodes.get(p)!.parent) {
      if (p === a) return true;
    }
    return false;
  }

  open(id: number, dep?: { parent: number; weight: number; exclusive: boolean }): void {
    const n = this.nodes.get(id);
    if (n !== undefined) {
      n.active = true;
      if (dep !== undefined) this.reprioritize(id, dep);
      return;
    }
    if (dep === undefined || dep.parent === id || (dep.parent !== 0 && !this.nodes.has(dep.parent))) {
      this.nodes.set(id, { parent: 0, weight: 16, active: true });
      return;
    }
    this.insert(id, dep.parent, dep.weight, dep.exclusive, true);
  }

  reprioritize(id: number, dep: { parent: number; weight: number; exclusive: boolean }): void {
    if (dep.parent === id) return;
    let { parent, weight, exclusive } = dep;
    if (parent !== 0 && !this.nodes.has(parent)) {
      parent = 0;
      weight = 16;
      exclusive = false;
    }
    const n = this.nodes.get(id);
    if (n === undefined) {
      this.insert(id, parent, weight, exclusive, false);
      return;
    }
    n.weight = weight;
    if (parent !== 0 && this.isAncestor(id, parent)) this.nodes.get(parent)!.parent = n.parent;
    if (exclusive) for (const k of this.kids(parent)) if (k !== id) this.nodes.get(k)!.parent = id;
    n.parent = parent;
  }

  close(id: number): void {
    const n = this.nodes.get(id);
    if (n !== undefined) n.active = false;
  }

  /** §5.3.4 removal with the same rounding as the real tree. */
  remove(id: number): void {
    const n = this.nodes.get(id)!;
    const kids = this.kids(id);
    const sum = kids.reduce((s, k) => s + this.nodes.get(k)!.weight, 0);
    for (const k of kids) {
      const kn = this.nodes.get(k)!;
      kn.weight = Math.min(256, Math.max(1, Math.round((kn.weight * n.weight) / sum)));
      kn.parent = n.parent;
    }
    this.nodes.delete(id);
  }

  private insert(id: number, parent: number, weight: number, exclusive: boolean, active: boolean): void {
    if (exclusive) for (const k of this.kids(parent)) this.nodes.get(k)!.parent = id;
    this.nodes.set(id, { parent, weight, active });
  }
}

/** Asserts the real tree has exactly the model's nodes, parents, weights, states and children. */
export function assertSameTree(tree: PriorityTree, model: TreeModel): void {
  assert.is(tree.size, model.nodes.size, 'node count');
  for (const [id, n] of model.nodes) {
    assert.is(tree.getParent(id), n.parent, `parent of ${id}`);
    assert.is(tree.getWeight(id), n.weight, `weight of ${id}`);
    assert.is(tree.isActive(id), n.active, `state of ${id}`);
  }
  for (const id of [0, ...model.nodes.keys()]) {
    const real = tree.children(id).sort((a, b) => a - b);
    assert.equal(real, model.kids(id).sort((a, b) => a - b), `children of ${id}`);
  }
}

/** Tree invariants that hold whatever the history: reachability from 0, weights in range, no cycles. */
export function assertTreeInvariants(tree: PriorityTree, ids: Iterable<number>): void {
  const seen = new Set<number>([0]);
  const stack = [0];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const k of tree.children(id)) {
      assert.ok(!seen.has(k), `node ${k} reached twice (cycle or shared child)`);
      assert.is(tree.getParent(k), id, `parent pointer of ${k}`);
      seen.add(k);
      stack.push(k);
    }
  }
  let count = 0;
  for (const id of new Set(ids)) {
    if (!tree.has(id)) continue;
    count++;
    assert.ok(seen.has(id), `node ${id} not reachable from the root`);
    const w = tree.getWeight(id)!;
    assert.ok(Number.isInteger(w) && w >= 1 && w <= 256, `weight of ${id} is ${w}`);
  }
  assert.is(count, tree.size, 'every node was listed');
  assert.is(seen.size - 1, tree.size, 'every node is reachable');
  assert.ok(tree.inactiveCount <= tree.maxInactive, 'inactive nodes within the cap');
}
