import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TreeScheduler } from '../src/index.js';

const dep = (parent: number, weight = 16, exclusive = false) => ({ parent, weight, exclusive });

/** Serves `pops` frames (sizes cycling through `sizes`), every stream staying ready; returns bytes per stream. */
function serve(s: TreeScheduler, pops: number, sizes: number[] = [16_384]): Map<number, number> {
  const bytes = new Map<number, number>();
  for (let i = 0; i < pops; i++) {
    const id = s.pop();
    assert.ok(id > 0);
    const b = sizes[i % sizes.length]!;
    bytes.set(id, (bytes.get(id) ?? 0) + b);
    s.sent(id, b, true);
  }
  return bytes;
}

test('saturated siblings get bytes in proportion to their weights, within ±5%', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 16, max: 256 }), { minLength: 2, maxLength: 6 }),
      fc.array(fc.integer({ min: 1_000, max: 16_384 }), { minLength: 1, maxLength: 8 }),
      (weights, sizes) => {
        const s = new TreeScheduler();
        weights.forEach((w, i) => {
          s.open(2 * i + 1, dep(0, w));
          s.push(2 * i + 1);
        });
        const sum = weights.reduce((a, b) => a + b, 0);
        // Sharing is exact to within one frame per stream, so serve until the lightest stream's fair share
        // is 25 of the largest frames: one frame off is then at most 4%.
        const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
        const pops = Math.ceil((25 * Math.max(...sizes) * sum) / (mean * Math.min(...weights)));
        const bytes = serve(s, pops, sizes);
        const total = [...bytes.values()].reduce((a, b) => a + b, 0);
        weights.forEach((w, i) => {
          const got = (bytes.get(2 * i + 1) ?? 0) / total;
          const want = w / sum;
          assert.ok(Math.abs(got - want) <= 0.05 * want, `weight ${w}: share ${got.toFixed(4)}, want ${want.toFixed(4)}`);
        });
      },
    ),
    { numRuns: 1000 },
  );
});

test('extreme weights 1 and 256 and a nested subtree share as §5.3.2 says', () => {
  const s = new TreeScheduler();
  s.open(1, dep(0, 1));
  s.open(3, dep(0, 256));
  s.push(1);
  s.push(3);
  let bytes = serve(s, 257 * 40);
  assert.ok(Math.abs(bytes.get(1)! / (bytes.get(1)! + bytes.get(3)!) - 1 / 257) < 0.05 / 257);
  // P (weight 3) with children X (1) and Y (3), beside Q (weight 1): X 3/16, Y 9/16, Q 1/4.
  const t = new TreeScheduler();
  t.open(1, dep(0, 3)); // P, not ready
  t.open(3, dep(1, 1)); // X
  t.open(5, dep(1, 3)); // Y
  t.open(7, dep(0, 1)); // Q
  for (const id of [3, 5, 7]) t.push(id);
  bytes = serve(t, 1600, [16_384, 4_000, 9_000]);
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  for (const [id, want] of [[3, 3 / 16], [5, 9 / 16], [7, 1 / 4]] as const) {
    assert.ok(Math.abs(bytes.get(id)! / total - want) < 0.05 * want, `stream ${id}`);
  }
});

test('a ready stream is served before its dependents (§5.3.1); they get bandwidth once it parks', () => {
  const s = new TreeScheduler();
  s.open(1);
  s.open(3, dep(1));
  s.open(5, dep(3));
  s.push(5);
  s.push(3);
  s.push(1);
  assert.is(s.pop(), 1);
  s.sent(1, 100, false);
  assert.is(s.pop(), 3);
  s.sent(3, 100, true);
  assert.is(s.pop(), 3);
  s.park(3);
  assert.is(s.pop(), 5);
  s.push(1);
  assert.is(s.pop(), 1);
  s.close(1);
  assert.is(s.pop(), 5);
  assert.is(s.readyCount, 1);
});

interface Shape {
  parents: number[]; // parent index (−1 = root) of node i, always < i
  weights: number[];
  ready: boolean[];
}
const shape = fc
  .integer({ min: 1, max: 8 })
  .chain((n) =>
    fc.record({
      parents: fc.tuple(...Array.from({ length: n }, (_, i) => fc.integer({ min: -1, max: i - 1 }))),
      weights: fc.array(fc.integer({ min: 1, max: 16 }), { minLength: n, maxLength: n }),
      ready: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    }),
  );
const idOf = (i: number) => (i < 0 ? 0 : 2 * i + 1);

function build(sh: Shape): TreeScheduler {
  const s = new TreeScheduler();
  sh.parents.forEach((p, i) => s.open(idOf(i), dep(idOf(p), sh.weights[i]!)));
  sh.ready.forEach((r, i) => r && s.push(idOf(i)));
  return s;
}
function hasReadyAncestor(sh: Shape, i: number): boolean {
  for (let p = sh.parents[i]!; p >= 0; p = sh.parents[p]!) if (sh.ready[p]) return true;
  return false;
}

test('no starvation: each ready stream without a ready ancestor is served within the stride bound', () => {
  fc.assert(
    fc.property(shape, (sh) => {
      const s = build(sh);
      const n = sh.parents.length;
      // Per level, before x is served each sibling j is served at most w_j / w_x + 1 times (stride
      // scheduling; ties by id), so x waits at most ceil(Σw / w_x) + (siblings) services of its parent's
      // group; across levels the waits multiply.
      const bound = (i: number): number => {
        let b = 1;
        for (let k = i; k >= 0; k = sh.parents[k]!) {
          let sum = 0;
          let siblings = 0;
          for (let j = 0; j < n; j++) {
            if (sh.parents[j] === sh.parents[k]) {
              sum += sh.weights[j]!;
              siblings++;
            }
          }
          b *= Math.ceil(sum / sh.weights[k]!) + siblings;
        }
        return b;
      };
      const eligible = sh.ready.map((r, i) => r && !hasReadyAncestor(sh, i));
      const firstServed = new Array<number>(n).fill(-1);
      const limit = Math.max(...eligible.map((e, i) => (e ? bound(i) : 0)));
      for (let t = 0; t < limit; t++) {
        const id = s.pop();
        if (id === 0) break;
        const i = (id - 1) / 2;
        assert.ok(eligible[i], `served ${id}, which is not ready or has a ready ancestor`);
        if (firstServed[i] < 0) firstServed[i] = t;
        s.sent(id, 10_000, true);
      }
      eligible.forEach((e, i) => {
        if (e) assert.ok(firstServed[i]! >= 0 && firstServed[i]! < bound(i), `stream ${idOf(i)} starved`);
      });
    }),
    { numRuns: 1000 },
  );
});

test('finite data drains completely in exactly Σ frames pops, whatever the tree and the reprioritizations', () => {
  fc.assert(
    fc.property(
      shape,
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 8, maxLength: 8 }),
      fc.array(fc.tuple(fc.nat(7), fc.integer({ min: -1, max: 7 }), fc.boolean()), { maxLength: 6 }),
      (sh, frames, moves) => {
        const s = build(sh);
        const n = sh.parents.length;
        const left = sh.ready.map((r, i) => (r ? frames[i]! : 0));
        const total = left.reduce((a, b) => a + b, 0);
        for (let t = 0; t < total; t++) {
          const move = moves[t];
          if (move !== undefined && move[0] < n && move[1] < n && move[0] !== move[1]) {
            s.update(idOf(move[0]), dep(idOf(move[1]), 1 + t, move[2]));
          }
          const id = s.pop();
          assert.ok(id > 0, 'something is ready');
          const i = (id - 1) / 2;
          assert.ok(left[i]! > 0, `served ${id} which has nothing left`);
          left[i]!--;
          s.sent(id, 1 + t * 100, left[i]! > 0);
        }
        assert.is(s.pop(), 0);
        assert.is(s.readyCount, 0);
      },
    ),
    { numRuns: 1000 },
  );
});

test('reprioritizing, closing and evicting around ready streams keeps them served', () => {
  const s = new TreeScheduler({ maxInactive: 0 });
  s.open(1);
  s.open(3, dep(1));
  s.open(5, dep(1));
  s.push(3);
  s.push(5);
  s.update(7, dep(0)); // idle node with the cap at 0: evicted at once
  assert.is(s.tree.has(7), false);
  s.close(1); // parent closed and evicted: 3 and 5 move to the root, still queued
  assert.is(s.tree.getParent(3), 0);
  const seen = new Set([s.pop()]);
  s.sent([...seen][0]!, 16_384, true);
  seen.add(s.pop());
  assert.equal([...seen].sort(), [3, 5]);
  // Move 5 under 3: 3 is served first now.
  s.update(5, dep(3, 16, true));
  assert.is(s.pop(), 3);
  s.update(3, { urgency: 0, incremental: true }); // RFC 9218 signals are ignored
  s.park(3);
  assert.is(s.pop(), 5);
  s.close(5);
  s.close(3);
  assert.is(s.pop(), 0);
  assert.is(s.readyCount, 0);
  s.push(3); // closed: ignored
  s.park(99);
  s.sent(99, 1, false);
  assert.is(s.isReady(3), false);
  assert.is(s.readyCount, 0);
});

test('a stream parked while its dependents are queued stays on the path to them', () => {
  const s = new TreeScheduler();
  s.open(1);
  s.open(3, dep(1));
  s.open(5);
  s.push(3);
  s.push(1);
  s.push(5);
  s.park(1);
  const seen = new Set<number>();
  for (let i = 0; i < 4; i++) {
    const id = s.pop();
    seen.add(id);
    s.sent(id, 1000, true);
  }
  assert.equal([...seen].sort(), [3, 5]);
  // A stale path: 3 parks, so 1's subtree is empty until pop() notices.
  s.park(3);
  assert.is(s.pop(), 5);
  s.park(5);
  assert.is(s.pop(), 0);
  s.push(3);
  assert.is(s.pop(), 3);
});

test.run();
