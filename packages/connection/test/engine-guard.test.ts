import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, FrameType } from '@strand/frame';
import { H2Connection } from '../src/index.js';
import { RawClient, REQUEST } from './raw-peer.js';

const CALM = ErrorCode.ENHANCE_YOUR_CALM;

test('rapid reset: the 1001st RST_STREAM in a burst draws GOAWAY ENHANCE_YOUR_CALM', () => {
  const c = new RawClient({ clock: () => 0 });
  for (let i = 0; i < 1000; i++) c.headers(2 * i + 1, REQUEST, false).w.rstStream(2 * i + 1, ErrorCode.CANCEL);
  c.flush();
  assert.is(c.goaway(), undefined, '1000 resets are within the burst');
  c.headers(2001, REQUEST, false).w.rstStream(2001, ErrorCode.CANCEL);
  c.flush();
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /^rapid reset: more than 1000 RST_STREAM/);
  assert.is(c.server.guard.tripped, 'rapid reset');
});

test('rapid reset: the bucket refills at 33 per second', () => {
  let now = 0;
  const c = new RawClient({ clock: () => now });
  let id = 1;
  for (let i = 0; i < 1000; i++, id += 2) c.headers(id, REQUEST, false).w.rstStream(id, ErrorCode.CANCEL);
  c.flush();
  now += 1000; // 33 tokens back
  for (let i = 0; i < 33; i++, id += 2) c.headers(id, REQUEST, false).w.rstStream(id, ErrorCode.CANCEL);
  c.flush();
  assert.is(c.goaway(), undefined);
  c.headers(id, REQUEST, false).w.rstStream(id, ErrorCode.CANCEL);
  c.flush();
  assert.is(c.goaway()!.errorCode, CALM);
});

test('provoked resets (MadeYouReset): stream errors the peer causes are bucketed too', () => {
  const c = new RawClient({ clock: () => 0, abuse: { provokedResetBurst: 10 } });
  // WINDOW_UPDATE overflow on an open stream: a stream error each time (RFC 9113 §6.9.1).
  for (let i = 0; i < 11; i++) {
    const id = 2 * i + 1;
    c.headers(id, REQUEST, false).w.windowUpdate(id, 0x7fffffff);
  }
  c.flush();
  const resets = c.frames.filter((f) => f.type === FrameType.RST_STREAM);
  assert.is(resets.length, 10);
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /^provoked resets/);
});

test('SETTINGS with more than 32 entries', () => {
  const c = new RawClient();
  c.w.settings(Array.from({ length: 33 }, (_, i) => [0x100 + i, 1] as [number, number]));
  c.flush();
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /^settings entries: SETTINGS with 33 entries/);
});

test('empty DATA flood (CVE-2019-9518)', () => {
  const c = new RawClient();
  c.headers(1, [[':method', 'POST'], ...REQUEST.slice(1)], false);
  for (let i = 0; i < 100; i++) c.w.data(1, new Uint8Array(0));
  c.flush();
  assert.is(c.goaway(), undefined);
  c.w.data(1, new Uint8Array(0));
  c.flush();
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /^empty frames/);
});

test('CONTINUATION flood: more than 64 frames in one block', () => {
  const c = new RawClient();
  c.w.raw(FrameType.HEADERS, 0, 1, c.hpack.encode(REQUEST));
  for (let i = 0; i < 65; i++) c.w.raw(FrameType.CONTINUATION, 0, 1, new Uint8Array([0x40, 1, 0x61, 1, 0x62]));
  c.flush();
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /more than 64 CONTINUATION frames/);
});

test('CONTINUATION byte budget trips before the block is buffered', () => {
  const c = new RawClient({ limits: { maxHeaderBlockBytes: 32 * 1024 } });
  c.w.raw(FrameType.HEADERS, 0, 1, new Uint8Array(16_000));
  c.w.raw(FrameType.CONTINUATION, 0, 1, new Uint8Array(16_000));
  c.w.raw(FrameType.CONTINUATION, 0, 1, new Uint8Array(16_000));
  c.flush();
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /header block larger than 32768 bytes/);
});

test('header list just over the limit: 431 and the connection keeps serving', () => {
  const c = new RawClient({ settings: { maxHeaderListSize: 1000 } });
  c.headers(1, [...REQUEST, ['x-big', 'a'.repeat(1000)]]);
  c.flush();
  assert.is(c.goaway(), undefined);
  const response = c.events.find((e) => e.type === 'headers');
  assert.is(response, undefined, 'the application never sees the request');
  c.headers(3, REQUEST).flush();
  assert.ok(c.events.some((e) => e.type === 'headers' && e.streamId === 3));
});

test('HPACK bomb: far over the header list limit draws GOAWAY', () => {
  const c = new RawClient({ settings: { maxHeaderListSize: 16 * 1024 } });
  // One 4 KiB entry indexed, then referenced 100 times: ~400 KiB of list from a ~4 KiB block.
  const fixed = new Uint8Array(encodeBomb());
  c.w.raw(FrameType.HEADERS, 0x4 | 0x1, 1, fixed);
  c.flush();
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /far over the limit/);
});

function encodeBomb(): number[] {
  const out = [0x82, 0x86, 0x84, 0x41, 0x01, 0x61]; // :method GET, :scheme http, :path /, :authority "a"
  out.push(0x40, 0x01, 0x78); // literal with incremental indexing, new name "x"
  // value length 4000 with a 7-bit prefix: 127, then 4000 - 127 = 3873 = 0b111100100001
  out.push(0x7f, 0xa1, 0x1e);
  for (let i = 0; i < 4000; i++) out.push(0x61);
  for (let i = 0; i < 100; i++) out.push(0xbe); // indexed: dynamic entry 62
  return out;
}

test('slowloris: no preface within the timeout', () => {
  let now = 0;
  const server = new H2Connection({ role: 'server', clock: () => now, prefaceTimeout: 5000, settingsTimeout: 0 });
  server.pull();
  assert.is(server.tick(), 1000, 'first the idle buffer compaction');
  now = 1000;
  assert.is(server.tick(), 5000, 'then the preface deadline');
  server.receive(new TextEncoder().encode('PRI * HTTP/2.0\r\n')); // a partial preface does not reset the clock
  now = 5000;
  server.tick();
  const [error] = server.takeEvents().filter((e) => e.type === 'connectionError');
  assert.ok(error && error.type === 'connectionError');
  assert.is(error.errorCode, ErrorCode.PROTOCOL_ERROR);
  assert.is(error.message, 'no connection preface and SETTINGS within 5000 ms');
  assert.ok(server.finished);
});

test('nextDeadline() reports a passed deadline without acting on it; tick() acts', () => {
  let now = 0;
  const server = new H2Connection({ role: 'server', clock: () => now, prefaceTimeout: 5000, settingsTimeout: 0 });
  server.pull();
  now = 6000;
  assert.is(server.nextDeadline(), 1000, 'the earliest deadline, already passed (buffer release)');
  assert.not.ok(server.finished);
  assert.is(server.tick(), Infinity);
  assert.ok(server.finished, 'the preface deadline expired');
});

test('stalled header block times out', () => {
  let now = 0;
  const c = new RawClient({ clock: () => now, headerBlockTimeout: 3000 });
  c.w.raw(FrameType.HEADERS, 0, 1, c.hpack.encode(REQUEST));
  c.flush();
  now = 2999;
  assert.is(c.server.tick(), 3000);
  now = 3000;
  c.server.tick();
  c.drain();
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /header block not finished within 3000 ms/);
});

test('idle timeout: GOAWAY NO_ERROR after the last stream closed', () => {
  let now = 0;
  const c = new RawClient({ clock: () => now, idleTimeout: 1000 });
  c.headers(1, REQUEST).flush();
  c.server.respond(1, [[':status', '204']], true);
  c.drain();
  now = 500;
  assert.is(c.server.tick(), 1000, 'idle since the stream closed at t=0');
  now = 1000;
  c.server.tick();
  c.drain();
  assert.is(c.goaway()!.errorCode, ErrorCode.NO_ERROR);
  assert.is(c.goaway()!.lastStreamId, 1);
  assert.ok(c.server.finished);
});

test('data dribble: tiny WINDOW_UPDATEs while data waits', () => {
  const c = new RawClient({ abuse: { maxDribbleUpdates: 5 } });
  c.w.settings([[0x4, 1]]); // INITIAL_WINDOW_SIZE = 1
  c.headers(1, REQUEST).flush();
  c.server.respond(1, [[':status', '200']]);
  c.server.submitData(1, new Uint8Array(10_000), true);
  c.drain();
  for (let i = 0; i < 6; i++) c.w.windowUpdate(1, 1);
  c.flush();
  assert.is(c.goaway()!.errorCode, CALM);
  assert.match(c.goawayText(), /^data dribble/);
});

test.run();
