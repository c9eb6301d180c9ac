import * as assert from 'node:assert/strict';
import { PriorityTree, createScheduler, parsePriority, selfDependencyError, serializePriority } from '@strand/priority';

// ---- RFC 9218: the `priority` header and PRIORITY_UPDATE values ----
assert.deepEqual(parsePriority('u=1, i'), { urgency: 1, incremental: true });
assert.deepEqual(parsePriority('u=9, x=?1'), { urgency: 3, incremental: false }); // out of range, unknown key
assert.equal(serializePriority({ urgency: 5, incremental: false }), 'u=5');

// ---- The engine's write loop, identical for both schedulers ----
const s = createScheduler('rfc9218');
s.open(1, parsePriority('u=3')); // HEADERS opened stream 1 (say a big HTML page)
s.open(3, parsePriority('u=0')); // stream 3: CSS, more urgent
s.open(5, parsePriority('u=3, i')); // stream 5: an incremental image
for (const id of [1, 3, 5]) s.push(id); // each has DATA queued and send window

const order: number[] = [];
for (let id = s.pop(); id !== 0; id = s.pop()) {
  // Send one DATA frame of up to 16 KiB for `id`, then report what went and whether it can send more.
  order.push(id);
  const done = id === 3 ? order.length >= 2 : order.filter((x) => x === id).length >= 2;
  s.sent(id, 16_384, !done);
}
// u=0 first; then at u=3 the non-incremental stream 1 and the incremental ring share bytes half and half.
assert.deepEqual(order, [3, 3, 1, 5, 1, 5]);

// ---- RFC 7540: the dependency tree behind the 'rfc7540' scheduler ----
const tree = new PriorityTree({ maxInactive: 100 }); // at most 100 nodes for idle/closed streams
tree.open(1);
tree.open(3, { parent: 1, weight: 32, exclusive: false });
tree.reprioritize(5, { parent: 1, weight: 200, exclusive: true }); // PRIORITY for idle stream 5
assert.equal(tree.getParent(3), 5); // the exclusive insertion adopted 1's children
assert.equal(tree.getWeight(5), 200);
assert.equal(selfDependencyError(7, 7)?.code, 0x1); // PROTOCOL_ERROR on stream 7: RST_STREAM it

const w = createScheduler('rfc7540');
w.open(1, { parent: 0, weight: 64, exclusive: false });
w.open(3, { parent: 0, weight: 192, exclusive: false });
w.push(1);
w.push(3);
const bytes = new Map([[1, 0], [3, 0]]);
for (let i = 0; i < 400; i++) {
  const id = w.pop();
  bytes.set(id, bytes.get(id)! + 16_384);
  w.sent(id, 16_384, true);
}
assert.equal(bytes.get(3)! / bytes.get(1)!, 3); // siblings share bytes by weight, 192 : 64
