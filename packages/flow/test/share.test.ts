import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sharedStreamWindow } from '../src/index.js';

const MiB = 1024 * 1024;

test('a stream alone gets the whole budget; n streams get budget ÷ n each, rounded down', () => {
  assert.is(sharedStreamWindow(MiB, 1, 65_535), MiB);
  assert.is(sharedStreamWindow(MiB, 2, 65_535), 524_288);
  assert.is(sharedStreamWindow(MiB, 3, 65_535), 349_525);
  assert.is(sharedStreamWindow(MiB, 16, 65_535), 65_536);
});

test('never below the floor (the initial window the peer assumes anyway)', () => {
  assert.is(sharedStreamWindow(MiB, 17, 65_535), 65_535);
  assert.is(sharedStreamWindow(MiB, 1000, 65_535), 65_535);
  assert.is(sharedStreamWindow(32_768, 1, 65_535), 65_535, 'a budget below the floor gives the floor');
});

test('zero streams count as one (a share asked for before the stream is counted)', () => {
  assert.is(sharedStreamWindow(MiB, 0, 65_535), MiB);
});

test('property: between floor and max(budget, floor), never more for more streams, shares within the budget', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0x7fff_ffff }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 0x7fff_ffff }), (budget, n, floor) => {
      const share = sharedStreamWindow(budget, n, floor);
      assert.ok(Number.isInteger(share));
      assert.ok(share >= floor && share <= Math.max(budget, floor));
      assert.ok(sharedStreamWindow(budget, n + 1, floor) <= share);
      // Above the floor, n streams' shares fit in the budget together.
      if (share > floor) assert.ok(share * Math.max(n, 1) <= budget);
    }),
  );
});

test.run();
