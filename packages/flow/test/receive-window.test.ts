import { ErrorCode, MAX_WINDOW_SIZE } from '@strand/frame';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_CONNECTION_RECEIVE_WINDOW, ReceivePolicy, ReceiveWindow, WindowTuner, initialWindowDelta } from '../src/index.js';
import { throwsH2 } from './helpers.js';

const { FLOW_CONTROL_ERROR } = ErrorCode;
const isRange = (e: unknown) => e instanceof RangeError;
const MiB = 1024 * 1024;

test('a stream window defaults to target = initial, threshold = max(target / 4, 16 KiB)', () => {
  const w = new ReceiveWindow(1);
  assert.is(w.size, 65_535);
  assert.is(w.target, 65_535);
  assert.is(w.threshold, 16_384);
  assert.is(new ReceiveWindow(1, MiB).threshold, 262_144);
  assert.is(w.takeUpdate(), 0, 'nothing owed at start');
});

test('the connection window announces its 16 MiB target with the first update', () => {
  const conn = new ReceiveWindow(0);
  assert.is(conn.target, DEFAULT_CONNECTION_RECEIVE_WINDOW);
  assert.is(conn.takeUpdate(), 16 * MiB - 65_535);
  assert.is(conn.size, 16 * MiB);
  assert.is(conn.takeUpdate(), 0);
});

test('automatic mode: no WINDOW_UPDATE per tiny frame, one exactly at the threshold', () => {
  const w = new ReceiveWindow(3, MiB); // threshold 256 KiB
  const frame = 1_000;
  let updates = 0;
  for (let i = 0; i < 262; i++) {
    w.receive(frame);
    const inc = w.takeUpdate();
    if (inc > 0) updates++;
  }
  assert.is(updates, 0, '262,000 bytes < 262,144');
  w.receive(144);
  assert.is(w.takeUpdate(), 262_144);
  assert.is(w.size, MiB, 'back to the full window');
  assert.is(w.takeUpdate(), 0);
});

test('padding counts: receive() takes the flow-controlled length the engine passes', () => {
  const w = new ReceiveWindow(1, 300, { minUpdate: 1 });
  w.receive(1 + 100 + 199); // Pad Length byte + data + padding
  assert.is(w.size, 0);
  assert.is(w.takeUpdate(), 300);
});

test('receiving more than the window is FLOW_CONTROL_ERROR: stream scope on a stream, connection on 0 (§6.9.1)', () => {
  const s = new ReceiveWindow(5, 1_000);
  s.receive(999);
  throwsH2(() => s.receive(2), { code: FLOW_CONTROL_ERROR, scope: 'stream', streamId: 5 });
  assert.is(s.size, 1, 'rejected bytes are not counted');
  s.receive(1);
  const conn = new ReceiveWindow(0, 65_535, { target: 65_535 });
  throwsH2(() => conn.receive(65_536), { code: FLOW_CONTROL_ERROR, scope: 'connection', streamId: 0 });
});

test('manual mode: nothing is announced until the application consumes', () => {
  const w = new ReceiveWindow(7, 65_535, { manual: true, updateRatio: 0.5 });
  w.receive(16_384);
  w.receive(16_384);
  w.receive(16_384);
  w.receive(16_383);
  assert.is(w.size, 0);
  assert.is(w.buffered, 65_535);
  assert.is(w.takeUpdate(), 0, 'received but not consumed: backpressure');
  w.consume(30_000);
  assert.is(w.takeUpdate(), 0, '30,000 < 32,768');
  w.consume(2_768);
  assert.is(w.takeUpdate(), 32_768);
  assert.is(w.size, 32_768);
  assert.is(w.buffered, 32_767);
  assert.throws(() => w.consume(32_768), isRange);
  assert.throws(() => w.consume(-1), isRange);
  w.consume(32_767);
  assert.is(w.takeUpdate(), 0, 'one byte short of the threshold; the peer still has 32,768');
  w.receive(1);
  w.consume(1);
  assert.is(w.takeUpdate(), 32_768);
  assert.is(w.size, 65_535);
});

test('automatic mode has nothing to consume', () => {
  const w = new ReceiveWindow(1);
  w.receive(10);
  assert.throws(() => w.consume(1), isRange);
});

test('an exhausted window always refills: threshold is capped at the target', () => {
  const w = new ReceiveWindow(1, 4_096, { minUpdate: 16_384 });
  assert.is(w.threshold, 4_096);
  w.receive(4_095);
  assert.is(w.takeUpdate(), 0);
  w.receive(1);
  assert.is(w.takeUpdate(), 4_096);
});

test('ratio and minimum are configurable: threshold = max(target × ratio, minimum)', () => {
  assert.is(new ReceiveWindow(1, MiB, { updateRatio: 0.25 }).threshold, 262_144);
  assert.is(new ReceiveWindow(1, 65_535, { updateRatio: 0.1, minUpdate: 8_192 }).threshold, 8_192);
  assert.is(new ReceiveWindow(1, 0).threshold, 0);
});

test('setTarget raises the window (announced by the next update) and shrinks it by withholding credit', () => {
  const w = new ReceiveWindow(1, 65_535, { updateRatio: 0.5 });
  w.setTarget(MiB);
  assert.is(w.takeUpdate(), MiB - 65_535);
  assert.is(w.size, MiB);
  w.setTarget(65_535);
  assert.is(w.unacked, 65_535 - MiB, 'debt');
  w.receive(600_000);
  assert.is(w.takeUpdate(), 0, 'the consumed bytes repay the debt first');
  w.receive(403_041);
  assert.is(w.unacked, 20_000);
  assert.is(w.takeUpdate(), 0, 'below 32,768');
  assert.throws(() => w.setTarget(-1), isRange);
  assert.throws(() => w.setTarget(MAX_WINDOW_SIZE + 1), isRange);
  assert.throws(() => new ReceiveWindow(1, MAX_WINDOW_SIZE + 1), isRange);
});

test('our SETTINGS_INITIAL_WINDOW_SIZE change, once acknowledged, moves size and target (§6.9.2)', () => {
  const w = new ReceiveWindow(1);
  w.receive(60_000);
  w.adjustInitial(initialWindowDelta(65_535, MiB));
  assert.is(w.size, MiB - 60_000);
  assert.is(w.target, MiB);
  assert.is(w.takeUpdate(), 0, '60,000 < 256 KiB');
  w.adjustInitial(initialWindowDelta(MiB, 0));
  assert.is(w.size, -60_000, 'negative: the peer must wait');
  assert.is(w.target, 0);
  throwsH2(() => w.receive(1), { code: FLOW_CONTROL_ERROR, scope: 'stream', streamId: 1 });
  assert.is(w.takeUpdate(), 60_000, 'the consumed bytes are still owed');
  assert.is(w.size, 0);
});

test('a SETTINGS decrease below a lowered target clamps the target at 0', () => {
  const w = new ReceiveWindow(1, 65_535, { target: 1_000 });
  w.adjustInitial(-65_535);
  assert.is(w.target, 0);
  assert.is(w.size, 0);
  assert.is(w.size + w.buffered + w.unacked, w.target);
});

test('a local SETTINGS change that would overflow our receive window is a connection FLOW_CONTROL_ERROR', () => {
  const w = new ReceiveWindow(1, 65_535, { target: MAX_WINDOW_SIZE });
  throwsH2(() => w.adjustInitial(1), { code: FLOW_CONTROL_ERROR, scope: 'connection', streamId: 0 });
  const debt = new ReceiveWindow(3, MAX_WINDOW_SIZE, { target: 0 });
  throwsH2(() => debt.adjustInitial(1), { code: FLOW_CONTROL_ERROR, scope: 'connection', streamId: 0 });
  assert.throws(() => new ReceiveWindow(0).adjustInitial(1), isRange);
});

test('a ReceivePolicy is shared, not copied: the windows read their policy through it', () => {
  const tuner = new WindowTuner();
  const policy = new ReceivePolicy({ manual: true, updateRatio: 0.2, minUpdate: 1024, tuner });
  const a = new ReceiveWindow(1, 65_535, policy);
  const b = new ReceiveWindow(3, 65_535, policy);
  assert.is(a.policy, b.policy);
  assert.equal([a.manual, a.updateRatio, a.minUpdate, a.tuner], [true, 0.2, 1024, tuner]);
  assert.ok(a.sample !== null && a.sample !== b.sample); // tuner state is per window
  const plain = new ReceiveWindow(5, 65_535, { target: 100_000 });
  assert.equal([plain.manual, plain.updateRatio, plain.minUpdate, plain.tuner, plain.sample, plain.target], [false, 0.25, 16_384, null, null, 100_000]);
  assert.throws(() => new ReceivePolicy({ updateRatio: 0 }), /updateRatio/);
});

test.run();
