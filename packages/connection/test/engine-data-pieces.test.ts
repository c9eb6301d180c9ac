// The engine with `dataPieces`: DATA split across receive() calls is delivered as it arrives. Same bytes, same
// checks, END_STREAM only when the frame is complete; pieces of a stream reset meanwhile are dropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, FrameType, concatBytes, type RstStreamFrame } from '@strand/frame';
import type { H2Event } from '../src/index.js';
import { GET, ofType, pair } from './pair.js';
import { RawClient } from './raw-peer.js';

const POST: Array<[string, string]> = [[':method', 'POST'], ...GET.slice(1)];

function bodyOf(events: H2Event[], streamId: number): Uint8Array {
  return concatBytes(ofType(events, 'data').filter((e) => e.streamId === streamId).map((e) => e.data));
}

/** A client sends a 40 000-byte body in frames of 16 384; the server gets it in `chunk`-byte receives. */
function upload(chunk: number, pieces: boolean) {
  const p = pair({}, { dataPieces: pieces });
  const big = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 31) & 0xff);
  p.client.request(POST);
  p.client.submitData(1, big, true);
  p.run(chunk);
  return { p, big };
}

test('a body fed 1000 bytes at a time: pieces as the bytes come, the same body, one END_STREAM at the end', () => {
  const { p, big } = upload(1000, true);
  const data = ofType(p.serverEvents, 'data');
  assert.equal(bodyOf(p.serverEvents, 1), big);
  assert.ok(data.length > 3, `${data.length} data events: more than one per frame`);
  assert.ok(data.every((e) => e.data.length <= 1000));
  assert.equal(data.map((e) => e.endStream).filter(Boolean), [true]);
  assert.is(data.at(-1)!.endStream, true);
  // Each frame's length is charged once, on its first piece: 16 384 + 16 384 + 7 232.
  assert.equal(data.map((e) => e.flowControlledLength).filter((n) => n > 0), [16_384, 16_384, 7_232]);
  assert.equal(ofType(p.serverEvents, 'streamReset'), []);
});

test('without dataPieces the same receives give one event per frame (the default is unchanged)', () => {
  const { p, big } = upload(1000, false);
  const data = ofType(p.serverEvents, 'data');
  assert.equal(bodyOf(p.serverEvents, 1), big);
  assert.equal(data.map((e) => e.data.length), [16_384, 16_384, 7_232]);
});

test('byte at a time, client and server both in pieces: the exchange ends the same as in whole frames', () => {
  const run = (pieces: boolean) => {
    const p = pair({ dataPieces: pieces }, { dataPieces: pieces });
    p.client.request(POST);
    p.client.submitData(1, new TextEncoder().encode('ping'.repeat(50)), true);
    p.run(1);
    p.server.respond(1, [[':status', '200']]);
    p.server.submitData(1, new TextEncoder().encode('pong'.repeat(60)), true);
    p.run(1);
    const closed = (events: H2Event[]) => ofType(events, 'streamClosed').map((e) => e.streamId);
    return {
      request: new TextDecoder().decode(bodyOf(p.serverEvents, 1)),
      response: new TextDecoder().decode(bodyOf(p.clientEvents, 1)),
      closed: [closed(p.clientEvents), closed(p.serverEvents)],
      ends: ofType(p.clientEvents, 'data').filter((e) => e.endStream).length,
    };
  };
  assert.equal(run(true), run(false));
  assert.equal(run(true).closed, [[1], [1]]);
});

test('content-length is checked piece by piece: too many bytes reset the stream at the piece that overflows', () => {
  const c = new RawClient({ dataPieces: true });
  c.headers(1, [...POST, ['content-length', '10']], false).flush();
  c.w.data(1, new Uint8Array(20), true);
  const [frame] = c.w.flush();
  c.events.push(...c.server.receive(frame!.subarray(0, 9 + 6))); // 6 bytes: within the length
  c.drain();
  assert.equal(ofType(c.events, 'streamReset'), []);
  c.events.push(...c.server.receive(frame!.subarray(15, 9 + 12))); // 12 now: over
  c.drain();
  const [reset] = ofType(c.events, 'streamReset');
  assert.is(reset?.errorCode, ErrorCode.PROTOCOL_ERROR);
  assert.match(reset!.message, /content-length 10 but 12 bytes/);
  const rst = c.frames.find((f): f is RstStreamFrame => f.type === FrameType.RST_STREAM);
  assert.is(rst?.errorCode, ErrorCode.PROTOCOL_ERROR);
  // The rest of the frame is dropped: no more data events for the stream.
  const before = ofType(c.events, 'data').length;
  c.events.push(...c.server.receive(frame!.subarray(21)));
  c.drain();
  assert.is(ofType(c.events, 'data').length, before);
  assert.equal(c.server.activeStreams, 0);
});

test('content-length short at END_STREAM is malformed on the LAST piece', () => {
  const c = new RawClient({ dataPieces: true });
  c.headers(1, [...POST, ['content-length', '30']], false).flush();
  c.w.data(1, new Uint8Array(20), true);
  const [frame] = c.w.flush();
  c.events.push(...c.server.receive(frame!.subarray(0, 15)));
  c.events.push(...c.server.receive(frame!.subarray(15)));
  c.drain();
  const [reset] = ofType(c.events, 'streamReset');
  assert.is(reset?.errorCode, ErrorCode.PROTOCOL_ERROR);
  assert.match(reset!.message, /content-length 30 but 20 bytes/);
  assert.equal(ofType(c.events, 'data').filter((e) => e.endStream), []);
});

test('the application resets the stream between pieces: the rest of the frame is dropped, the next frame is read', () => {
  const c = new RawClient({ dataPieces: true });
  c.headers(1, POST, false).headers(3, GET, true).flush();
  c.w.data(1, new Uint8Array(100).fill(7), true);
  c.w.ping(new Uint8Array(8), false);
  const wire = concatBytes(c.w.flush());
  c.events.push(...c.server.receive(wire.subarray(0, 40)));
  assert.is(bodyOf(c.events, 1).length, 31);
  c.server.rstStream(1, ErrorCode.CANCEL);
  c.events.push(...c.server.receive(wire.subarray(40, 60))); // a MIDDLE piece
  c.events.push(...c.server.receive(wire.subarray(60))); // the LAST piece, then the PING
  c.drain();
  assert.is(bodyOf(c.events, 1).length, 31, 'nothing more for the reset stream');
  assert.equal(ofType(c.events, 'data').filter((e) => e.endStream), []);
  assert.ok(c.frames.some((f) => f.type === FrameType.PING && f.ack), 'the PING after it was answered');
  assert.is(c.goaway(), undefined);
});

test('a DATA frame on a closed stream in pieces: one STREAM_CLOSED reset, no data events, the connection lives', () => {
  const c = new RawClient({ dataPieces: true });
  c.headers(1, GET, true).flush(); // half-closed (remote) at once
  c.w.data(1, new Uint8Array(50), false);
  const [frame] = c.w.flush();
  for (let i = 0; i < frame!.length; i += 7) c.events.push(...c.server.receive(frame!.subarray(i, i + 7)));
  c.drain();
  assert.equal(ofType(c.events, 'data'), []);
  const rsts = c.frames.filter((f): f is RstStreamFrame => f.type === FrameType.RST_STREAM);
  assert.equal(rsts.map((f) => [f.streamId, f.errorCode]), [[1, ErrorCode.STREAM_CLOSED]]);
  assert.is(c.goaway(), undefined);
});

test('stats count a frame delivered in pieces once', () => {
  const { p } = upload(100, true);
  const { p: whole } = upload(100, false);
  assert.is(p.server.stats.framesReceived, whole.server.stats.framesReceived);
});

test('a padded frame cut right after its pad length octet: its flowControlledLength still reaches the application', () => {
  const c = new RawClient({ dataPieces: true });
  c.headers(1, POST, false).flush();
  c.w.data(1, new Uint8Array(20).fill(9), false, 5); // 1 + 20 + 5 = 26 flow-controlled octets
  const [frame] = c.w.flush();
  c.events.push(...c.server.receive(frame!.subarray(0, 10))); // the header and the pad length octet: no content yet
  c.events.push(...c.server.receive(frame!.subarray(10)));
  c.drain();
  const data = ofType(c.events, 'data');
  assert.is(bodyOf(c.events, 1).length, 20);
  // The options promise: the first data event of a frame carries its flowControlledLength.
  assert.is(data[0]?.flowControlledLength, 26);
  assert.is(data.reduce((sum, e) => sum + e.flowControlledLength, 0), 26);
});

test('DATA inside an open header block is a connection error at its first piece (§6.10), with no data event', () => {
  const c = new RawClient({ dataPieces: true });
  c.w.raw(FrameType.HEADERS, 0, 1, c.hpack.encode(POST)); // no END_HEADERS: a CONTINUATION must come next
  c.flush();
  c.w.data(1, new Uint8Array(50), true);
  const [frame] = c.w.flush();
  c.events.push(...c.server.receive(frame!.subarray(0, 20)));
  c.drain();
  assert.is(c.goaway()?.errorCode, ErrorCode.PROTOCOL_ERROR);
  c.events.push(...c.server.receive(frame!.subarray(20)));
  c.drain();
  assert.equal(ofType(c.events, 'data'), []);
});

test('a connection error between pieces (SETTINGS timeout): the rest of the frame is not read, nothing throws', () => {
  let now = 0;
  const c = new RawClient({ dataPieces: true, clock: () => now, settingsTimeout: 1000 }, false);
  c.headers(1, POST, false).flush();
  c.w.data(1, new Uint8Array(50).fill(1), true);
  const [frame] = c.w.flush();
  c.events.push(...c.server.receive(frame!.subarray(0, 30)));
  now = 5000;
  c.server.tick();
  c.drain();
  assert.is(c.goaway()?.errorCode, ErrorCode.SETTINGS_TIMEOUT);
  c.events.push(...c.server.receive(frame!.subarray(30)));
  c.drain();
  assert.is(bodyOf(c.events, 1).length, 21);
  assert.equal(ofType(c.events, 'data').filter((e) => e.endStream), []);
});

test.run();
