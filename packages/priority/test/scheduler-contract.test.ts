import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createScheduler, type PrioritySignal, type StreamScheduler, TreeScheduler, UrgencyScheduler } from '../src/index.js';

const id = fc.integer({ min: 1, max: 10 });
const signal: fc.Arbitrary<PrioritySignal> = fc.oneof(
  fc.record({ urgency: fc.integer({ min: 0, max: 7 }), incremental: fc.boolean() }),
  fc.record({ parent: fc.integer({ min: 0, max: 10 }), weight: fc.integer({ min: 1, max: 256 }), exclusive: fc.boolean() }),
);
type Op =
  | { op: 'open'; id: number; signal: PrioritySignal | null }
  | { op: 'update'; id: number; signal: PrioritySignal }
  | { op: 'close' | 'push' | 'park'; id: number }
  | { op: 'serve'; bytes: number; stillReady: boolean };
const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('open' as const), id, signal: fc.option(signal) }),
  fc.record({ op: fc.constant('update' as const), id, signal }),
  fc.record({ op: fc.constantFrom('close' as const, 'push' as const, 'park' as const), id }),
  { arbitrary: fc.record({ op: fc.constant('serve' as const), bytes: fc.integer({ min: 1, max: 16_384 }), stillReady: fc.boolean() }), weight: 3 },
);

/** The stream `pop()` may name under each scheduler's rule, given which streams are ready. */
function allowed(s: StreamScheduler, ready: Set<number>, chosen: number): boolean {
  if (!ready.has(chosen)) return false;
  if (s instanceof UrgencyScheduler) {
    const u = s.priorityOf(chosen)!.urgency;
    for (const r of ready) if (s.priorityOf(r)!.urgency < u) return false;
    return true;
  }
  const tree = (s as TreeScheduler).tree;
  for (let p = tree.getParent(chosen); p !== undefined && p !== 0; p = tree.getParent(p)) {
    if (ready.has(p)) return false;
  }
  return true;
}

for (const kind of ['rfc9218', 'rfc7540'] as const) {
  test(`${kind}: pop() names a ready stream allowed by the rules, and 0 only when none is ready`, () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (ops) => {
        const s = createScheduler(kind, { maxInactive: 3 });
        assert.is(s.kind, kind);
        const open = new Set<number>();
        const ready = new Set<number>();
        for (const o of ops) {
          switch (o.op) {
            case 'open':
              s.open(o.id, o.signal ?? undefined);
              open.add(o.id);
              break;
            case 'update':
              s.update(o.id, o.signal);
              break;
            case 'close':
              s.close(o.id);
              open.delete(o.id);
              ready.delete(o.id);
              break;
            case 'push':
              s.push(o.id);
              if (open.has(o.id)) ready.add(o.id);
              break;
            case 'park':
              s.park(o.id);
              ready.delete(o.id);
              break;
            case 'serve': {
              const next = s.pop();
              assert.is(s.pop(), next, 'pop() does not change state');
              if (ready.size === 0) {
                assert.is(next, 0);
                break;
              }
              assert.ok(allowed(s, ready, next), `pop() chose ${next} of ${[...ready]}`);
              s.sent(next, o.bytes, o.stillReady);
              if (!o.stillReady) ready.delete(next);
              break;
            }
          }
          assert.is(s.readyCount, ready.size);
          for (const r of ready) assert.ok(s.isReady(r));
        }
      }),
      { numRuns: 1000 },
    );
  });
}

test('createScheduler defaults to RFC 9218', () => {
  assert.ok(createScheduler() instanceof UrgencyScheduler);
  assert.ok(createScheduler('rfc7540') instanceof TreeScheduler);
});

test.run();
