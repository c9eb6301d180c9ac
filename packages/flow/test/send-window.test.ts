import { ErrorCode, MAX_WINDOW_SIZE } from '@strand/frame';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SendWindow, applyInitialWindowDelta, consumeSent, initialWindowDelta, sendable } from '../src/index.js';
import { throwsH2 } from './helpers.js';

const { PROTOCOL_ERROR, FLOW_CONTROL_ERROR } = ErrorCode;
const isRange = (e: unknown) => e instanceof RangeError;

test('defaults to 65,535 and available = min(stream, connection)', () => {
  const conn = new SendWindow(0);
  const s = new SendWindow(1);
  assert.is(conn.size, 65_535);
  assert.is(sendable(s, conn), 65_535);
  const big = new SendWindow(3, 1 << 20);
  assert.is(sendable(big, conn), 65_535);
  consumeSent(big, conn, 60_000);
  assert.is(big.size, (1 << 20) - 60_000);
  assert.is(conn.size, 5_535);
  assert.is(sendable(s, conn), 5_535);
  assert.is(sendable(big, conn), 5_535);
});

test('sending more than allowed is an engine bug: RangeError, nothing counted', () => {
  const conn = new SendWindow(0, 100);
  const s = new SendWindow(1, 50);
  assert.throws(() => consumeSent(s, conn, 51), isRange);
  assert.is(s.size, 50);
  assert.is(conn.size, 100);
  assert.throws(() => s.consume(51), isRange);
  assert.throws(() => s.consume(-1), isRange);
  s.consume(50);
  assert.is(s.available, 0);
});

test('§6.9.2: SETTINGS_INITIAL_WINDOW_SIZE 65535 → 0 blocks the stream; WINDOW_UPDATE reopens it', () => {
  const conn = new SendWindow(0);
  const s = new SendWindow(1);
  const delta = initialWindowDelta(65_535, 0);
  assert.is(s.adjustInitial(delta), false);
  assert.is(s.size, 0);
  assert.is(sendable(s, conn), 0);
  assert.is(conn.size, 65_535, 'SETTINGS never touches the connection window');
  assert.is(s.update(1), true, 'opened: ≤0 → >0');
  assert.is(sendable(s, conn), 1);
});

test('§6.9.2: window negative after a decrease; sending stays blocked until updates make it positive', () => {
  const conn = new SendWindow(0);
  const s = new SendWindow(1);
  consumeSent(s, conn, 60_000); // 5,535 left
  s.adjustInitial(initialWindowDelta(65_535, 16_384)); // −49,151 → −43,616
  assert.is(s.size, 5_535 - 49_151);
  assert.is(s.available, 0);
  assert.is(sendable(s, conn), 0);
  consumeSent(s, conn, 0); // an empty DATA frame (e.g. END_STREAM) is fine on a negative window
  assert.throws(() => consumeSent(s, conn, 1), isRange);
  assert.is(s.update(40_000), false, 'still negative: not opened');
  assert.is(s.size, -3_616);
  assert.is(s.update(3_616), false, 'exactly 0: not opened');
  assert.is(s.update(10), true);
  assert.is(sendable(s, conn), 10);
  assert.is(s.update(10), false, 'already open');
});

test('a SETTINGS increase reopens a negative or empty window and reports it', () => {
  const s = new SendWindow(1, 10);
  s.consume(10);
  assert.is(s.adjustInitial(+5), true);
  assert.is(s.adjustInitial(-20), false);
  assert.is(s.adjustInitial(+10), false, '−15 → −5 stays closed');
});

test('§6.9.2: a SETTINGS delta that pushes a stream window past 2^31-1 is a connection FLOW_CONTROL_ERROR', () => {
  const s = new SendWindow(5);
  s.update(MAX_WINDOW_SIZE - 65_535); // exactly the maximum
  const delta = initialWindowDelta(65_535, 65_536);
  throwsH2(() => s.adjustInitial(delta), { code: FLOW_CONTROL_ERROR, scope: 'connection', streamId: 0 });
  const fresh = new SendWindow(7);
  throwsH2(() => fresh.adjustInitial(initialWindowDelta(65_535, MAX_WINDOW_SIZE + 1)), {
    code: FLOW_CONTROL_ERROR,
    scope: 'connection',
    streamId: 0,
  });
});

test('§6.9.1: WINDOW_UPDATE overflow is a stream error on a stream, a connection error on stream 0', () => {
  const s = new SendWindow(9);
  throwsH2(() => s.update(MAX_WINDOW_SIZE), { code: FLOW_CONTROL_ERROR, scope: 'stream', streamId: 9 });
  const conn = new SendWindow(0);
  throwsH2(() => conn.update(MAX_WINDOW_SIZE - 65_534), { code: FLOW_CONTROL_ERROR, scope: 'connection', streamId: 0 });
  assert.is(conn.update(MAX_WINDOW_SIZE - 65_535), false);
  assert.is(conn.size, MAX_WINDOW_SIZE);
});

test('§6.9: zero increment scopes through SendWindow.update', () => {
  throwsH2(() => new SendWindow(11).update(0), { code: PROTOCOL_ERROR, scope: 'stream', streamId: 11 });
  throwsH2(() => new SendWindow(0).update(0), { code: PROTOCOL_ERROR, scope: 'connection', streamId: 0 });
});

test('the connection window ignores SETTINGS_INITIAL_WINDOW_SIZE (§6.9.2)', () => {
  assert.throws(() => new SendWindow(0).adjustInitial(1), isRange);
});

test('applyInitialWindowDelta adjusts the whole set and lists the streams that opened', () => {
  const windows = [new SendWindow(1), new SendWindow(3), new SendWindow(5)];
  windows[0]!.consume(65_535);
  windows[1]!.consume(1_000);
  assert.is(applyInitialWindowDelta(windows, -65_535), 0);
  assert.equal(windows.map((w) => w.size), [-65_535, -1_000, 0]);
  const opened: SendWindow[] = [];
  assert.is(applyInitialWindowDelta(new Set(windows), 65_535, opened), 2);
  assert.equal(opened.map((w) => w.streamId), [3, 5]);
  assert.equal(windows.map((w) => w.size), [0, 64_535, 65_535]);
  throwsH2(() => applyInitialWindowDelta(windows, MAX_WINDOW_SIZE), {
    code: FLOW_CONTROL_ERROR,
    scope: 'connection',
    streamId: 0,
  });
});

test.run();
