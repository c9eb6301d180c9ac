import { ErrorCode, H2Error } from '@strand/frame';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PriorityTree, selfDependencyError } from '../src/index.js';

const dep = (parent: number, weight = 16, exclusive = false) => ({ parent, weight, exclusive });
const sorted = (xs: number[]) => xs.sort((a, b) => a - b);

// RFC 7540 §5.3.3 figure: A..F as stream ids 1, 3, 5, 7, 9, 11.
const A = 1, B = 3, C = 5, D = 7, E = 9, F = 11;
function figureTree(): PriorityTree {
  const t = new PriorityTree({ seed: 7 });
  t.open(A);
  t.open(B, dep(A));
  t.open(C, dep(A));
  t.open(D, dep(C, 8));
  t.open(E, dep(C));
  t.open(F, dep(D, 4));
  return t;
}

test('RFC 7540 §5.3.3 figure: A made dependent on its descendant D, non-exclusive', () => {
  const t = figureTree();
  t.reprioritize(A, dep(D, 12));
  assert.equal(t.children(0), [D]);
  assert.equal(sorted(t.children(D)), [A, F]);
  assert.equal(sorted(t.children(A)), [B, C]);
  assert.equal(t.children(C), [E]);
  assert.equal(t.children(F), []);
  assert.is(t.getWeight(D), 8, 'D keeps its weight when moved up');
  assert.is(t.getWeight(A), 12);
  assert.is(t.getParent(D), 0);
});

test('RFC 7540 §5.3.3 figure: A made dependent on its descendant D, exclusive', () => {
  const t = figureTree();
  t.reprioritize(A, dep(D, 16, true));
  assert.equal(t.children(0), [D]);
  assert.equal(t.children(D), [A]);
  assert.equal(sorted(t.children(A)), [B, C, F]);
  assert.equal(t.children(C), [E]);
  assert.is(t.getParent(F), A);
  assert.is(t.getWeight(F), 4);
});

test('RFC 7540 §5.3.1 exclusive insertion: the new stream becomes the sole child', () => {
  const t = new PriorityTree();
  t.open(1);
  t.open(3, dep(1));
  t.open(5, dep(1));
  t.open(7, dep(1, 200, true));
  assert.equal(t.children(1), [7]);
  assert.equal(sorted(t.children(7)), [3, 5]);
  assert.is(t.getWeight(7), 200);
  // Exclusive under the root gathers every top-level stream.
  t.open(9, dep(0, 16, true));
  assert.equal(t.children(0), [9]);
  assert.equal(t.children(9), [1]);
});

test('§5.3.1/§5.3.5 defaults: no priority, or an unknown parent, gives parent 0 and weight 16', () => {
  const t = new PriorityTree();
  t.open(1);
  assert.is(t.getParent(1), 0);
  assert.is(t.getWeight(1), 16);
  t.open(3, dep(99, 200, true));
  assert.is(t.getParent(3), 0);
  assert.is(t.getWeight(3), 16);
  assert.equal(sorted(t.children(0)), [1, 3], 'the exclusive flag is dropped with the unknown parent');
  t.reprioritize(1, dep(3, 50));
  t.reprioritize(1, dep(77, 50, true));
  assert.is(t.getParent(1), 0);
  assert.is(t.getWeight(1), 16);
  assert.is(t.getParent(12345), undefined);
  assert.is(t.getWeight(12345), undefined);
  assert.is(t.getParent(0), undefined);
});

test('a stream depending on itself is a stream PROTOCOL_ERROR; the tree ignores it', () => {
  const e = selfDependencyError(5, 5);
  assert.ok(e instanceof H2Error);
  assert.is(e!.code, ErrorCode.PROTOCOL_ERROR);
  assert.is(e!.scope, 'stream');
  assert.is(e!.streamId, 5);
  assert.is(selfDependencyError(5, 3), null);
  const t = new PriorityTree();
  t.open(5, dep(0, 40));
  t.reprioritize(5, dep(5, 99, true));
  assert.is(t.getWeight(5), 40);
  t.open(7, dep(7, 99));
  assert.is(t.getParent(7), 0);
  assert.is(t.getWeight(7), 16);
});

test('weights outside 1..256 are a RangeError (they cannot come off the wire)', () => {
  const t = new PriorityTree();
  for (const w of [0, 257, 1.5, Number.NaN]) {
    assert.throws(() => t.reprioritize(1, dep(0, w)), (e: unknown) => e instanceof RangeError);
    assert.throws(() => t.open(1, dep(0, w)), (e: unknown) => e instanceof RangeError);
  }
  assert.throws(() => new PriorityTree({ maxInactive: -1 }), (e: unknown) => e instanceof RangeError);
});

test('reprioritizing to the same parent changes only the weight; exclusive to it adopts the siblings', () => {
  const t = new PriorityTree();
  t.open(1);
  t.open(3);
  t.reprioritize(1, dep(0, 99));
  assert.is(t.getWeight(1), 99);
  assert.equal(sorted(t.children(0)), [1, 3]);
  t.reprioritize(1, dep(0, 99, true));
  assert.equal(t.children(0), [1]);
  assert.equal(t.children(1), [3]);
  t.reprioritize(1, dep(0, 5, true));
  assert.is(t.getWeight(1), 5);
});

test('PRIORITY for an unknown stream creates an idle node that later opens in place', () => {
  const t = new PriorityTree();
  t.reprioritize(3, dep(0, 201));
  t.reprioritize(5, dep(3, 101));
  assert.is(t.isActive(3), false);
  assert.is(t.inactiveCount, 2);
  t.open(7, dep(5, 1));
  t.open(5);
  assert.is(t.isActive(5), true);
  assert.is(t.getParent(5), 3, 'opening without a priority keeps the idle placement');
  assert.is(t.getWeight(5), 101);
  t.open(3, dep(0, 3));
  assert.is(t.getWeight(3), 3);
  assert.is(t.activeCount, 3);
  assert.is(t.inactiveCount, 0);
  t.open(0);
  t.reprioritize(0, dep(3));
  assert.is(t.size, 3, 'stream 0 is never a node');
});

test('§5.3.4: removing a node shares its weight among its children in proportion', () => {
  const t = new PriorityTree({ maxInactive: 0 });
  t.open(1, dep(0, 64));
  t.open(3, dep(1, 8));
  t.open(5, dep(1, 24));
  t.open(7, dep(1, 32));
  t.close(1);
  assert.is(t.has(1), false);
  assert.equal(sorted(t.children(0)), [3, 5, 7]);
  assert.is(t.getWeight(3), 8); // 64 * 8/64
  assert.is(t.getWeight(5), 24);
  assert.is(t.getWeight(7), 32);
  t.open(9, dep(3, 1));
  t.open(11, dep(3, 2));
  t.close(3); // weight 8 shared 1:2 → 2.67, 5.33 → 3, 5
  assert.is(t.getWeight(9), 3);
  assert.is(t.getWeight(11), 5);
  t.open(13, dep(9, 1));
  t.open(15, dep(9, 256));
  t.close(9); // weight 3 shared 1:256 → 0.01 → 1 (at least 1), 2.99 → 3
  assert.is(t.getWeight(13), 1);
  assert.is(t.getWeight(15), 3);
});

test('closed streams stay as inactive nodes up to the cap; the cheapest oldest one goes first', () => {
  const t = new PriorityTree({ maxInactive: 2 });
  for (const id of [1, 3, 5, 7]) t.open(id);
  t.open(9, dep(1));
  t.close(1); // inactive, one child
  t.close(3); // inactive leaf
  assert.is(t.inactiveCount, 2);
  t.close(5); // over the cap: the oldest leaf (3) goes, not 1 which has a child
  assert.is(t.has(3), false);
  assert.is(t.has(1), true);
  assert.is(t.has(5), true);
  t.close(7); // 5 is now the oldest leaf
  assert.is(t.has(5), false);
  t.close(9); // 9 is a leaf; 1 and 7: 7 is a leaf too and older than 9
  assert.is(t.has(7), false);
  assert.is(t.getParent(9), 1);
  t.reprioritize(21, dep(0)); // a new idle leaf: 9 (leaf, older) goes
  assert.is(t.has(9), false);
  assert.is(t.inactiveCount, 2);
  t.close(12345);
  t.close(21);
  assert.is(t.inactiveCount, 2);
});

test('isAncestor answers from the sequence', () => {
  const t = figureTree();
  assert.ok(t.isAncestor(A, F));
  assert.ok(t.isAncestor(C, F));
  assert.ok(t.isAncestor(0, F));
  assert.not.ok(t.isAncestor(B, F));
  assert.not.ok(t.isAncestor(F, A));
  assert.not.ok(t.isAncestor(F, F));
  assert.not.ok(t.isAncestor(99, F));
  assert.not.ok(t.isAncestor(A, 99));
  assert.equal(t.children(99), []);
});

test.run();
