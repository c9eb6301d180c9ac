import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROUND_ROBIN_QUANTUM, UrgencyScheduler } from '../src/index.js';

const p = (urgency: number, incremental = false) => ({ urgency, incremental });

interface StreamSpec {
  urgency: number;
  incremental: boolean;
  frames: number;
}
const streamSpec = fc.record({
  urgency: fc.integer({ min: 0, max: 7 }),
  incremental: fc.boolean(),
  frames: fc.integer({ min: 1, max: 6 }),
});

/** Opens streams 1, 3, 5, … with the given specs and pushes them all. */
function setUp(specs: StreamSpec[]): UrgencyScheduler {
  const s = new UrgencyScheduler();
  specs.forEach((spec, i) => {
    s.open(2 * i + 1, p(spec.urgency, spec.incremental));
    s.push(2 * i + 1);
  });
  return s;
}

test('urgency is strict: every pop serves the lowest ready urgency; the data drains in Σ frames pops', () => {
  fc.assert(
    fc.property(fc.array(streamSpec, { minLength: 1, maxLength: 12 }), (specs) => {
      const s = setUp(specs);
      const left = specs.map((x) => x.frames);
      const total = left.reduce((a, b) => a + b, 0);
      for (let i = 0; i < total; i++) {
        const id = s.pop();
        assert.ok(id > 0, 'a ready stream exists');
        const k = (id - 1) / 2;
        let best = 8;
        specs.forEach((x, j) => {
          if (left[j]! > 0 && x.urgency < best) best = x.urgency;
        });
        assert.is(specs[k]!.urgency, best, `pop ${i} served urgency ${specs[k]!.urgency} while ${best} was ready`);
        left[k]!--;
        s.sent(id, 1 + ((i * 7919) % 16_384), left[k]! > 0);
      }
      assert.is(s.pop(), 0);
      assert.is(s.readyCount, 0);
    }),
    { numRuns: 1000 },
  );
});

test('non-incremental streams of one urgency are served one at a time in stream-id order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }),
      fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }),
      (frames, parkedAtFirst) => {
        const s = new UrgencyScheduler();
        // Open in id order but push in a scrambled order; some are pushed only halfway through.
        const late = new Set(parkedAtFirst.filter((i) => i < frames.length));
        frames.forEach((_, i) => s.open(2 * i + 1, p(2)));
        for (let i = frames.length - 1; i >= 0; i--) if (!late.has(i)) s.push(2 * i + 1);
        const left = [...frames];
        const served: number[] = [];
        let pushedLate = false;
        for (;;) {
          if (!pushedLate && served.length >= 2) {
            for (const i of late) s.push(2 * i + 1);
            pushedLate = true;
          }
          const id = s.pop();
          if (id === 0) {
            if (pushedLate || late.size === 0) break;
            for (const i of late) s.push(2 * i + 1);
            pushedLate = true;
            continue;
          }
          const k = (id - 1) / 2;
          // The served stream is the lowest id among those ready.
          for (let j = 0; j < k; j++) assert.not.ok(s.isReady(2 * j + 1) && left[j]! > 0, `${2 * j + 1} waits behind ${id}`);
          served.push(id);
          left[k]!--;
          s.sent(id, 16_384, left[k]! > 0);
        }
        assert.ok(left.every((x) => x === 0));
      },
    ),
    { numRuns: 1000 },
  );
});

test('incremental streams of one urgency share bytes round-robin, within one quantum plus one frame', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 8 }), fc.array(fc.integer({ min: 1, max: 16_384 }), { minLength: 1, maxLength: 20 }), (n, sizes) => {
      const s = new UrgencyScheduler();
      const bytes = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        s.open(2 * i + 1, p(4, true));
        s.push(2 * i + 1);
        bytes.set(2 * i + 1, 0);
      }
      for (let i = 0; i < 400; i++) {
        const id = s.pop();
        const b = sizes[i % sizes.length]!;
        bytes.set(id, bytes.get(id)! + b);
        s.sent(id, b, true);
      }
      const values = [...bytes.values()];
      const spread = Math.max(...values) - Math.min(...values);
      assert.ok(spread <= ROUND_ROBIN_QUANTUM + 16_384, `spread ${spread}`);
    }),
    { numRuns: 1000 },
  );
});

test('mixed kinds in one urgency: the first non-incremental stream and the incremental ring split bytes evenly', () => {
  const s = new UrgencyScheduler();
  s.open(1, p(3));
  s.open(3, p(3));
  s.open(5, p(3, true));
  s.open(7, p(3, true));
  for (const id of [1, 3, 5, 7]) s.push(id);
  const bytes = new Map<number, number>([[1, 0], [3, 0], [5, 0], [7, 0]]);
  for (let i = 0; i < 1000; i++) {
    const id = s.pop();
    bytes.set(id, bytes.get(id)! + 1000 + (i % 7) * 1000);
    s.sent(id, 1000 + (i % 7) * 1000, true);
  }
  assert.is(bytes.get(3), 0, 'the second non-incremental stream waits for the first');
  const serial = bytes.get(1)!;
  const incremental = bytes.get(5)! + bytes.get(7)!;
  assert.ok(Math.abs(serial - incremental) <= 7000, `${serial} vs ${incremental}`);
  assert.ok(Math.abs(bytes.get(5)! - bytes.get(7)!) <= ROUND_ROBIN_QUANTUM + 7000);
  // When the non-incremental ones finish, the ring gets everything.
  s.park(1);
  s.park(3);
  assert.ok([5, 7].includes(s.pop()));
});

test('exact order: urgencies, serial by id, incremental turns of one quantum', () => {
  const s = new UrgencyScheduler();
  s.open(1, p(5, true));
  s.open(3, p(5, true));
  s.open(5, p(1));
  s.open(7, p(1));
  for (const id of [7, 5, 3, 1]) s.push(id);
  const order: number[] = [];
  for (let i = 0; i < 8; i++) {
    const id = s.pop();
    order.push(id);
    s.sent(id, 8192, !(id === 5 && i === 1) && !(id === 7 && i === 2));
  }
  // 5 (lowest id at urgency 1) twice, then 7 once, then the incremental pair two frames per turn.
  assert.equal(order, [5, 5, 7, 3, 3, 1, 1, 3]);
});

test('update re-files a ready stream; PRIORITY_UPDATE before open is buffered and wins over the header', () => {
  const s = new UrgencyScheduler();
  s.open(1, p(3));
  s.open(3, p(3));
  s.push(1);
  s.push(3);
  assert.is(s.pop(), 1);
  s.update(3, p(0));
  assert.is(s.pop(), 3);
  s.update(3, p(0)); // no change
  s.update(3, p(6, true));
  assert.is(s.pop(), 1);
  assert.equal(s.priorityOf(3), p(6, true));
  s.update(1, p(7, true));
  assert.is(s.pop(), 3, 'now 3 (u=6) beats 1 (u=7)');
  // Not ready: update just records.
  s.park(3);
  s.update(3, p(2));
  assert.is(s.isReady(3), false);
  s.push(3);
  assert.is(s.pop(), 3);
  // Buffered update for a stream not open yet.
  s.update(9, p(0, true));
  assert.equal(s.priorityOf(9), p(0, true));
  s.open(9, p(5));
  assert.equal(s.priorityOf(9), p(0, true));
  s.push(9);
  assert.is(s.pop(), 9);
  // Opening an open stream again with a priority acts as an update.
  s.open(9, p(7));
  assert.equal(s.priorityOf(9), p(7, false));
  assert.is(s.priorityOf(12345), undefined);
});

test('odd inputs: dependency signals ignored, bad urgencies become the default, stream 0 and unknown ids ignored', () => {
  const s = new UrgencyScheduler();
  s.open(1, { parent: 0, weight: 200, exclusive: true });
  assert.equal(s.priorityOf(1), p(3));
  s.update(1, { parent: 3, weight: 1, exclusive: false });
  assert.equal(s.priorityOf(1), p(3));
  s.open(3, { urgency: 9, incremental: true });
  assert.equal(s.priorityOf(3), p(3, true));
  s.update(3, { urgency: -1, incremental: 1 as unknown as boolean });
  assert.equal(s.priorityOf(3), p(3, false));
  s.open(0, p(0));
  s.update(0, p(0));
  assert.is(s.size, 2);
  s.push(77);
  s.park(77);
  s.sent(77, 100, false);
  s.close(77);
  assert.is(s.readyCount, 0);
  assert.is(s.pop(), 0);
  s.push(1);
  s.push(1);
  assert.is(s.readyCount, 1);
  s.close(1);
  assert.is(s.readyCount, 0);
  assert.is(s.pop(), 0);
  s.close(1);
});

test('the pending PRIORITY_UPDATE buffer is bounded and drops the oldest', () => {
  const s = new UrgencyScheduler({ maxPendingUpdates: 2 });
  s.update(11, p(1));
  s.update(13, p(2));
  s.update(15, p(4));
  assert.is(s.priorityOf(11), undefined);
  assert.equal(s.priorityOf(13), p(2));
  s.update(13, p(5)); // refreshed: now the newest
  s.update(17, p(6));
  assert.is(s.priorityOf(15), undefined);
  assert.equal(s.priorityOf(13), p(5));
  s.close(13); // a stream closed before it opened: forget its update
  assert.is(s.priorityOf(13), undefined);
  const none = new UrgencyScheduler({ maxPendingUpdates: 0 });
  none.update(11, p(1));
  assert.is(none.priorityOf(11), undefined);
});

test('sent() for a parked stream only parks; a stream that is served from the middle of the ring keeps the turn order', () => {
  const s = new UrgencyScheduler();
  for (const id of [1, 3, 5]) {
    s.open(id, p(3, true));
    s.push(id);
  }
  s.park(3);
  s.sent(3, 500, false);
  assert.is(s.isReady(3), false);
  s.sent(5, 20_000, true); // not its turn: credit spent, turn stays with 1
  assert.is(s.pop(), 1);
  s.park(1);
  assert.is(s.pop(), 5);
  s.park(5);
  assert.is(s.pop(), 0);
});

test.run();
