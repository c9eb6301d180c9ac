import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PriorityTree, TreeScheduler } from '../src/index.js';
import { assertTreeInvariants } from './support.js';

// CVE-2019-9513 ("resource loop"): a peer floods PRIORITY frames that churn the tree. The cost of each
// frame must not grow with the tree, so these tests count the tree's own work units (node and sequence
// visits, heap steps), not time. BUDGET is per frame, amortized, for trees of up to ~2 000 nodes (the
// cost grows with log n). The random churn measures 75-100 per frame and the adversarial shapes below
// 100-200; a naive tree would spend about 1 000 per frame on them (one step per chain link or per child
// moved).
const FRAMES = 100_000;
const BUDGET = 250;
const CAP = 256;
const MAX_ACTIVE = 100;

/** xorshift32: a fast seeded source for the 100k-step walks (fast-check picks the seeds). */
function rng(seed: number): () => number {
  let x = seed | 0 || 0x2545f491;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function churn(seed: number): { tree: PriorityTree; work: number; ids: number[] } {
  const random = rng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const tree = new PriorityTree({ maxInactive: CAP, seed });
  const ids: number[] = []; // every id ever used
  const active: number[] = [];
  let nextStream = 1;
  const anyId = () => (ids.length === 0 || random() < 0.05 ? 1_000_000 + pick(5_000) : ids[pick(ids.length)]!);
  const weight = () => 1 + pick(256);
  const before = tree.workUnits;
  for (let frame = 0; frame < FRAMES; frame++) {
    const r = random();
    if (r < 0.08 && active.length < MAX_ACTIVE) {
      const id = nextStream;
      nextStream += 2;
      tree.open(id, random() < 0.5 ? { parent: anyId(), weight: weight(), exclusive: random() < 0.3 } : undefined);
      active.push(id);
      ids.push(id);
    } else if (r < 0.16 && active.length > 0) {
      const i = pick(active.length);
      tree.close(active[i]!);
      active[i] = active[active.length - 1]!;
      active.pop();
    } else if (r < 0.26) {
      // Self-descendant move (§5.3.3): a node made to depend on one of its children or grandchildren.
      const id = anyId();
      let target = id;
      for (let depth = 0; depth < 2; depth++) {
        const kids = tree.children(target);
        if (kids.length === 0) break;
        target = kids[pick(kids.length)]!;
      }
      if (target !== id) tree.reprioritize(id, { parent: target, weight: weight(), exclusive: random() < 0.5 });
    } else {
      const id = anyId();
      if (id >= 1_000_000) ids.push(id);
      tree.reprioritize(id, { parent: random() < 0.1 ? 0 : anyId(), weight: weight(), exclusive: random() < 0.3 });
    }
    if (tree.inactiveCount > CAP) assert.unreachable(`inactive nodes ${tree.inactiveCount} over the cap`);
  }
  return { tree, work: tree.workUnits - before, ids };
}

test(`a ${FRAMES}-frame PRIORITY churn stays within ${BUDGET} work units per frame and under the node cap`, () => {
  fc.assert(
    fc.property(fc.integer(), (seed) => {
      const { tree, work, ids } = churn(seed);
      assert.ok(work <= FRAMES * BUDGET, `work ${work} = ${(work / FRAMES).toFixed(1)} per frame`);
      assert.ok(tree.size <= CAP + MAX_ACTIVE, `nodes ${tree.size}`);
      assertTreeInvariants(tree, ids);
    }),
    { numRuns: 3 },
  );
});

test('flood against a 1000-deep chain: the ancestor test does not walk the chain', () => {
  const tree = new PriorityTree({ maxInactive: 1000, seed: 3 });
  for (let id = 1; id <= 1000; id++) tree.reprioritize(id, { parent: id - 1, weight: 16, exclusive: false });
  tree.open(1001);
  const before = tree.workUnits;
  for (let frame = 0; frame < FRAMES / 2; frame++) {
    // Alternately hang stream 1001 at the bottom of the chain and move the chain's top under its bottom.
    if (frame % 2 === 0) tree.reprioritize(1001, { parent: frame % 4 === 0 ? 1000 : 500, weight: 1 + (frame % 256), exclusive: false });
    else tree.reprioritize(1, { parent: 1000, weight: 16, exclusive: frame % 3 === 0 });
  }
  const work = tree.workUnits - before;
  assert.ok(work <= (FRAMES / 2) * BUDGET, `work per frame ${(work / (FRAMES / 2)).toFixed(1)}`);
  assertTreeInvariants(tree, [...Array.from({ length: 1000 }, (_, i) => i + 1), 1001]);
});

test('flood of exclusive swaps between a node with 1000 children and its child: no walk over the children', () => {
  const tree = new PriorityTree({ seed: 5 });
  tree.open(1);
  tree.open(3, { parent: 1, weight: 16, exclusive: false });
  for (let i = 0; i < 1000; i++) tree.open(101 + 2 * i, { parent: 1, weight: 16, exclusive: false });
  const before = tree.workUnits;
  for (let frame = 0; frame < FRAMES / 2; frame++) {
    // 1 exclusive under its descendant 3, then 3 exclusive under its descendant 1, and so on (§5.3.3).
    if (frame % 2 === 0) tree.reprioritize(1, { parent: 3, weight: 16, exclusive: true });
    else tree.reprioritize(3, { parent: 1, weight: 16, exclusive: true });
  }
  const work = tree.workUnits - before;
  assert.ok(work <= (FRAMES / 2) * BUDGET, `work per frame ${(work / (FRAMES / 2)).toFixed(1)}`);
  assert.is(tree.children(tree.getParent(1) === 0 ? 1 : 3).length, 1);
});

test('a chain of idle nodes over all open streams: evictions stay cheap (fewest children first)', () => {
  const tree = new PriorityTree({ maxInactive: 50, seed: 9 });
  for (let i = 0; i < 100; i++) tree.open(1 + 2 * i);
  const before = tree.workUnits;
  // Each new idle node is inserted exclusively under the root, so it takes every top-level node as a
  // child and the previous idle node ends up with one child: "evict the oldest" would hit the node that
  // holds all 100 open streams on every frame.
  for (let frame = 0; frame < FRAMES / 2; frame++) {
    tree.reprioritize(100_000 + frame, { parent: 0, weight: 1 + (frame % 256), exclusive: true });
  }
  const work = tree.workUnits - before;
  assert.ok(work <= (FRAMES / 2) * BUDGET, `work per frame ${(work / (FRAMES / 2)).toFixed(1)}`);
  assert.is(tree.inactiveCount, 50);
  assert.is(tree.activeCount, 100);
});

test('a scheduler under a PRIORITY flood with ready streams keeps within budget too', () => {
  const s = new TreeScheduler({ maxInactive: 200, seed: 11 });
  const random = rng(42);
  for (let i = 0; i < 100; i++) {
    s.open(1 + 2 * i, { parent: i === 0 ? 0 : 1 + 2 * Math.floor(random() * i), weight: 16, exclusive: false });
    if (i % 3 === 0) s.push(1 + 2 * i);
  }
  const before = s.tree.workUnits;
  let pops = 0;
  for (let frame = 0; frame < FRAMES / 2; frame++) {
    const id = 1 + 2 * Math.floor(random() * 100);
    const parent = random() < 0.2 ? 0 : 1 + 2 * Math.floor(random() * 100);
    s.update(id, { parent, weight: 1 + Math.floor(random() * 256), exclusive: random() < 0.3 });
    if (frame % 16 === 0) {
      const next = s.pop();
      if (next !== 0) {
        pops++;
        s.sent(next, 16_384, true);
      }
    }
  }
  const work = s.tree.workUnits - before;
  assert.ok(pops > 0);
  assert.ok(work <= (FRAMES / 2) * BUDGET, `work per frame ${(work / (FRAMES / 2)).toFixed(1)}`);
});

test.run();
