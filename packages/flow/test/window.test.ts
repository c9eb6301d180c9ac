import { ErrorCode, MAX_WINDOW_SIZE } from '@strand/frame';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adjustWindow, checkIncrement, increaseWindow, initialWindowDelta } from '../src/index.js';
import { throwsH2 } from './helpers.js';

const { PROTOCOL_ERROR, FLOW_CONTROL_ERROR } = ErrorCode;

test('zero WINDOW_UPDATE increment on a stream is a stream PROTOCOL_ERROR (§6.9)', () => {
  throwsH2(() => checkIncrement(7, 0), { code: PROTOCOL_ERROR, scope: 'stream', streamId: 7 });
  throwsH2(() => increaseWindow(100, 0, 7), { code: PROTOCOL_ERROR, scope: 'stream', streamId: 7 });
});

test('zero WINDOW_UPDATE increment on stream 0 is a connection PROTOCOL_ERROR (§6.9)', () => {
  const e = throwsH2(() => checkIncrement(0, 0), { code: PROTOCOL_ERROR, scope: 'connection', streamId: 0 });
  assert.is(e.detail, 'WINDOW_UPDATE with an increment of 0');
});

test('increments that cannot come off the wire are a RangeError', () => {
  for (const bad of [-1, MAX_WINDOW_SIZE + 1, Number.NaN]) {
    assert.throws(() => checkIncrement(1, bad), (e: unknown) => e instanceof RangeError);
  }
  checkIncrement(1, 1);
  checkIncrement(1, MAX_WINDOW_SIZE);
});

test('increaseWindow reaches exactly 2^31-1 and rejects one more with the right scope (§6.9.1)', () => {
  assert.is(increaseWindow(65_535, MAX_WINDOW_SIZE - 65_535, 3), MAX_WINDOW_SIZE);
  assert.is(increaseWindow(-500, 600, 3), 100);
  throwsH2(() => increaseWindow(65_535, MAX_WINDOW_SIZE - 65_534, 3), {
    code: FLOW_CONTROL_ERROR,
    scope: 'stream',
    streamId: 3,
  });
  throwsH2(() => increaseWindow(1, MAX_WINDOW_SIZE, 0), { code: FLOW_CONTROL_ERROR, scope: 'connection', streamId: 0 });
});

test('adjustWindow: may go negative; overflow of a stream window is a connection FLOW_CONTROL_ERROR (§6.9.2)', () => {
  assert.is(adjustWindow(1_000, -65_535, 5), -64_535);
  assert.is(adjustWindow(0, MAX_WINDOW_SIZE, 5), MAX_WINDOW_SIZE);
  throwsH2(() => adjustWindow(1, MAX_WINDOW_SIZE, 5), { code: FLOW_CONTROL_ERROR, scope: 'connection', streamId: 0 });
});

test('initialWindowDelta: difference, and a value above 2^31-1 is a connection FLOW_CONTROL_ERROR (§6.5.2)', () => {
  assert.is(initialWindowDelta(65_535, 0), -65_535);
  assert.is(initialWindowDelta(65_535, 1 << 20), (1 << 20) - 65_535);
  assert.is(initialWindowDelta(0, MAX_WINDOW_SIZE), MAX_WINDOW_SIZE);
  throwsH2(() => initialWindowDelta(65_535, MAX_WINDOW_SIZE + 1), {
    code: FLOW_CONTROL_ERROR,
    scope: 'connection',
    streamId: 0,
  });
});

test.run();
