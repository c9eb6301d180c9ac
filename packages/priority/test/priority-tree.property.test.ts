import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PriorityTree, type StreamDependency } from '../src/index.js';
import { assertSameTree, assertTreeInvariants, TreeModel } from './support.js';

const POOL = 16;
const id = fc.integer({ min: 1, max: POOL });
const dependency = fc.record({
  parent: fc.integer({ min: 0, max: POOL }),
  weight: fc.integer({ min: 1, max: 256 }),
  exclusive: fc.boolean(),
});
type Op =
  | { op: 'open'; id: number; dep: StreamDependency | null }
  | { op: 'prio'; id: number; dep: StreamDependency }
  | { op: 'close'; id: number };
const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('open' as const), id, dep: fc.option(dependency) }),
  { arbitrary: fc.record({ op: fc.constant('prio' as const), id, dep: dependency }), weight: 3 },
  fc.record({ op: fc.constant('close' as const), id }),
);

function apply(tree: PriorityTree, model: TreeModel | null, o: Op): void {
  if (o.op === 'open') {
    tree.open(o.id, o.dep ?? undefined);
    model?.open(o.id, o.dep ?? undefined);
  } else if (o.op === 'prio') {
    tree.reprioritize(o.id, o.dep);
    model?.reprioritize(o.id, o.dep);
  } else {
    tree.close(o.id);
    model?.close(o.id);
  }
}

test('the tree matches a naive model of RFC 7540 §5.3 after random operations (no eviction)', () => {
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 40 }), fc.integer(), (ops, seed) => {
      const tree = new PriorityTree({ maxInactive: Infinity, seed });
      const model = new TreeModel();
      for (const o of ops) {
        apply(tree, model, o);
        assertSameTree(tree, model);
      }
    }),
    { numRuns: 1000 },
  );
});

test('with a small cap, evictions pick a node with the fewest children and re-parent as §5.3.4 says', () => {
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 40 }), fc.integer({ min: 0, max: 4 }), (ops, cap) => {
      const tree = new PriorityTree({ maxInactive: cap });
      const model = new TreeModel();
      for (const o of ops) {
        apply(tree, model, o);
        const evicted = [...model.nodes.keys()].filter((k) => !tree.has(k));
        assert.ok(evicted.length <= 1, 'at most one eviction per operation');
        for (const victim of evicted) {
          // Checked in the model's state before it applies the eviction, i.e. the tree's at eviction time.
          const b = Math.min(7, model.kids(victim).length);
          for (const [other, n] of model.nodes) {
            if (other !== victim && !n.active) {
              assert.ok(Math.min(7, model.kids(other).length) >= b, `victim ${victim} had more children than ${other}`);
            }
          }
          model.remove(victim);
        }
        assertSameTree(tree, model);
        assert.ok(tree.inactiveCount <= cap);
      }
    }),
    { numRuns: 1000 },
  );
});

test('invariants hold and isAncestor agrees with a parent walk after random operations', () => {
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 60 }), fc.integer({ min: 0, max: 6 }), (ops, cap) => {
      const tree = new PriorityTree({ maxInactive: cap });
      for (const o of ops) apply(tree, null, o);
      const ids = Array.from({ length: POOL }, (_, i) => i + 1);
      assertTreeInvariants(tree, ids);
      for (const a of [0, ...ids]) {
        for (const d of ids) {
          let walk = false;
          if (tree.has(d) && (a === 0 || tree.has(a))) {
            for (let p = tree.getParent(d); p !== undefined; p = tree.getParent(p)) if (p === a) walk = true;
          }
          assert.is(tree.isAncestor(a, d), walk, `isAncestor(${a}, ${d})`);
        }
      }
    }),
    { numRuns: 1000 },
  );
});

test.run();
