// The engine reads its clock for timers and guards, not per DATA frame: receive windows only need the time for a
// tuner, and the engine's windows have none.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, REQUEST } from './raw-peer.js';

test('DATA frames and manual consume() read no clock', () => {
  let reads = 0;
  const clock = () => {
    reads++;
    return 1_000;
  };
  const c = new RawClient({ clock, manualFlowControl: true });
  c.headers(1, REQUEST, false).flush();
  const before = reads;
  for (let i = 0; i < 50; i++) c.w.data(1, new Uint8Array(100), false);
  c.flush();
  for (let i = 0; i < 50; i++) c.server.consume(1, 100);
  c.drain();
  const dataEvents = c.events.filter((e) => e.type === 'data').length;
  assert.is(dataEvents, 50);
  assert.is(reads - before, 0, 'no clock read for 50 DATA frames and 50 consume() calls');
});

test.run();
