import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, FrameType, encodeFrame } from '@strand/frame';
import { Encoder } from '@strand/hpack';
import { GET, ofType, pair } from './pair.js';

const text = new TextEncoder();
const utf8 = new TextDecoder();

function body(events: ReturnType<typeof pair>['clientEvents'], streamId: number): string {
  return ofType(events, 'data')
    .filter((e) => e.streamId === streamId)
    .map((e) => utf8.decode(e.data))
    .join('');
}

test('request → response with body and trailers', () => {
  const p = pair();
  const id = p.client.request(GET, { endStream: true });
  assert.is(id, 1);
  p.run();
  const [req] = ofType(p.serverEvents, 'headers');
  assert.equal(req!.headers, GET);
  assert.is(req!.kind, 'request');
  assert.is(req!.endStream, true);
  p.server.respond(1, [[':status', '200'], ['content-type', 'text/plain']]);
  p.server.submitData(1, text.encode('hello '));
  p.server.submitData(1, text.encode('world'));
  p.server.end(1, [['grpc-status', '0']]);
  p.run();
  const headers = ofType(p.clientEvents, 'headers');
  assert.equal(headers.map((h) => h.kind), ['response', 'trailers']);
  assert.equal(headers[0]!.headers, [[':status', '200'], ['content-type', 'text/plain']]);
  assert.equal(headers[1]!.headers, [['grpc-status', '0']]);
  assert.is(headers[1]!.endStream, true);
  assert.is(body(p.clientEvents, 1), 'hello world');
  assert.equal(ofType(p.clientEvents, 'streamClosed').map((e) => e.streamId), [1]);
  assert.equal(ofType(p.serverEvents, 'streamClosed').map((e) => e.streamId), [1]);
  assert.is(p.client.activeStreams, 0);
  assert.is(p.server.activeStreams, 0);
});

test('the same exchange fed one byte at a time gives the same events', () => {
  const run = (chunk: number) => {
    const p = pair();
    p.client.request(GET, { endStream: true });
    p.run(chunk);
    p.server.respond(1, [[':status', '200']]);
    p.server.submitData(1, text.encode('x'.repeat(1000)), true);
    p.run(chunk);
    return p.clientEvents.map((e) => (e.type === 'data' ? { ...e, data: utf8.decode(e.data) } : e));
  };
  assert.equal(run(1), run(Infinity));
});

test('a body larger than every window arrives whole (flow control and WINDOW_UPDATE)', () => {
  const p = pair({}, { settings: { initialWindowSize: 65_535 } });
  const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
  p.client.request([[':method', 'POST'], ...GET.slice(1)]);
  p.client.submitData(1, big, true);
  p.run();
  const data = ofType(p.serverEvents, 'data');
  const total = data.reduce((n, e) => n + e.data.length, 0);
  assert.is(total, big.length);
  assert.ok(data.every((e) => e.data.length <= 16_384), 'frames respect the peer max frame size');
  assert.is(data[data.length - 1]!.endStream, true);
});

test('1xx informational then final response', () => {
  const p = pair();
  p.client.request(GET, { endStream: true });
  p.run();
  p.server.respond(1, [[':status', '103'], ['link', '</a.css>; rel=preload']]);
  p.server.respond(1, [[':status', '200']], true);
  p.run();
  assert.equal(ofType(p.clientEvents, 'headers').map((h) => h.kind), ['informational', 'response']);
});

test('client respects the server MAX_CONCURRENT_STREAMS by queueing', () => {
  const p = pair({}, { settings: { maxConcurrentStreams: 2 } });
  p.run();
  const ids = [0, 1, 2, 3].map(() => p.client.request(GET, { endStream: true }));
  assert.equal(ids, [1, 3, 5, 7]);
  p.run();
  assert.equal(ofType(p.serverEvents, 'headers').map((h) => h.streamId), [1, 3]);
  p.server.respond(1, [[':status', '200']], true);
  p.run();
  assert.equal(ofType(p.serverEvents, 'headers').map((h) => h.streamId), [1, 3, 5]);
  assert.equal(ofType(p.serverEvents, 'streamReset'), []);
});

test('data and end() on a stream queued for a concurrency slot go out only once it opens', () => {
  const p = pair({}, { settings: { maxConcurrentStreams: 1 } });
  p.run();
  p.client.request(GET, { endStream: true });
  const id = p.client.request([[':method', 'POST'], ...GET.slice(1)]);
  assert.is(p.client.submitData(id, text.encode('queued')), true);
  p.client.end(id);
  assert.is(p.client.queuedBytes(id), 6);
  p.run();
  assert.equal(ofType(p.serverEvents, 'headers').map((h) => h.streamId), [1]);
  assert.equal(ofType(p.serverEvents, 'data'), [], 'nothing of the queued stream reached the server');
  p.server.respond(1, [[':status', '200']], true);
  p.run();
  assert.equal(ofType(p.serverEvents, 'headers').map((h) => [h.streamId, h.endStream]), [[1, true], [id, false]]);
  assert.is(body(p.serverEvents, id), 'queued');
  assert.is(ofType(p.serverEvents, 'data').at(-1)!.endStream, true);
  assert.is(p.client.queuedBytes(id), 0);
});

test('RST_STREAM from the client reaches the server as a remote reset', () => {
  const p = pair();
  p.client.request(GET);
  p.run();
  p.client.rstStream(1, ErrorCode.CANCEL);
  p.run();
  const [reset] = ofType(p.serverEvents, 'streamReset');
  assert.equal({ id: reset!.streamId, code: reset!.errorCode, remote: reset!.remote }, { id: 1, code: ErrorCode.CANCEL, remote: true });
});

test('graceful close: in-flight stream finishes, then both sides are finished', () => {
  const p = pair();
  p.client.request(GET, { endStream: true });
  p.run();
  p.server.close();
  p.run();
  assert.ok(!p.server.finished, 'a stream is still open');
  assert.throws(() => p.client.request(GET), /GOAWAY/);
  p.server.respond(1, [[':status', '200']], true);
  p.run();
  assert.ok(p.server.finished);
  const goaways = ofType(p.clientEvents, 'goaway');
  assert.equal(goaways.map((g) => g.lastStreamId), [0x7fffffff, 1]);
});

test('GOAWAY with a lower last-stream-id fails our later streams as retryable', () => {
  const p = pair();
  p.client.request(GET, { endStream: true });
  p.client.request(GET, { endStream: true });
  p.client.request(GET, { endStream: true });
  p.run();
  // The server says it processed only stream 1 (RFC 9113 §6.8): streams 3 and 5 never reached the application.
  const events = p.client.receive(encodeFrame({ type: FrameType.GOAWAY, streamId: 0, lastStreamId: 1, errorCode: ErrorCode.NO_ERROR }));
  const resets = ofType(events, 'streamReset');
  assert.equal(resets.map((r) => [r.streamId, r.errorCode, r.retryable]), [[3, ErrorCode.REFUSED_STREAM, true], [5, ErrorCode.REFUSED_STREAM, true]]);
  assert.equal(ofType(events, 'streamClosed').map((e) => e.streamId), [3, 5]);
  assert.equal(ofType(events, 'goaway').map((g) => g.lastStreamId), [1]);
  assert.throws(() => p.client.request(GET), /GOAWAY/);
  assert.is(p.client.activeStreams, 1, 'stream 1 still runs');
});

test('an unknown frame type is ignored by the protocol and reported as unknownFrame (§5.5)', () => {
  const p = pair();
  p.run();
  // length 3, type 0xfa, flags 0x05, stream 7, payload 01 02 03
  const events = p.server.receive(Uint8Array.of(0, 0, 3, 0xfa, 0x05, 0, 0, 0, 7, 1, 2, 3));
  assert.equal(events.map((e) => e.type), ['unknownFrame']);
  const [frame] = ofType(events, 'unknownFrame');
  assert.equal({ type: frame!.frameType, flags: frame!.flags, id: frame!.streamId, payload: [...frame!.payload] }, { type: 0xfa, flags: 5, id: 7, payload: [1, 2, 3] });
  assert.is(p.server.pull().reduce((n, c) => n + c.length, 0), 0, 'nothing is sent in answer');
  assert.is(p.server.finished, false);
});

test('PING round trip reports an RTT from the injected clock', () => {
  let now = 1000;
  const p = pair({ clock: () => now });
  p.run();
  p.client.ping();
  const bytes = p.client.pull();
  now += 25;
  for (const b of bytes) p.server.receive(b);
  for (const b of p.server.pull()) p.clientEvents.push(...p.client.receive(b));
  const [ack] = ofType(p.clientEvents, 'pingAck');
  assert.is(ack!.rttMs, 25);
});

test('SETTINGS ACK timeout sends GOAWAY SETTINGS_TIMEOUT', () => {
  let now = 0;
  const p = pair({}, { clock: () => now, settingsTimeout: 1000 });
  p.server.pull(); // the server's SETTINGS are "sent" but never reach the client
  now = 999;
  assert.is(p.server.tick(), 1000);
  now = 1000;
  p.server.tick();
  const [err] = ofType(p.server.takeEvents(), 'connectionError');
  assert.is(err!.errorCode, ErrorCode.SETTINGS_TIMEOUT);
  assert.ok(p.server.finished);
});

test('server push: PUSH_PROMISE then the pushed response, when the client enables push', () => {
  const p = pair({ settings: { enablePush: true } });
  p.client.request(GET, { endStream: true });
  p.run();
  const promised = p.server.pushPromise(1, [[':method', 'GET'], [':scheme', 'https'], [':authority', 'example.com'], [':path', '/style.css']]);
  assert.is(promised, 2);
  p.server.respond(promised, [[':status', '200']]);
  p.server.submitData(promised, text.encode('body{}'), true);
  p.server.respond(1, [[':status', '200']], true);
  p.run();
  const [push] = ofType(p.clientEvents, 'pushPromise');
  assert.equal({ on: push!.streamId, id: push!.promisedStreamId, path: push!.headers[3] }, { on: 1, id: 2, path: [':path', '/style.css'] });
  assert.is(body(p.clientEvents, 2), 'body{}');
  assert.equal(ofType(p.clientEvents, 'headers').map((h) => [h.streamId, h.kind]), [[2, 'response'], [1, 'response']]);
});

test('server push is refused by default (clients send ENABLE_PUSH = 0)', () => {
  const p = pair();
  p.client.request(GET, { endStream: true });
  p.run();
  assert.throws(() => p.server.pushPromise(1, GET), /disabled push/);
});

test('priority header and PRIORITY_UPDATE reach the stream (RFC 9218)', () => {
  const p = pair();
  p.client.request([...GET, ['priority', 'u=1, i']]);
  p.run();
  assert.equal(p.server.getPriority(1), { urgency: 1, incremental: true, weight: 16, parent: 0 });
  p.client.priorityUpdate(1, 'u=6');
  p.run();
  assert.equal(p.server.getPriority(1), { urgency: 6, incremental: false, weight: 16, parent: 0 });
  assert.equal(ofType(p.serverEvents, 'priorityUpdate').map((e) => e.fieldValue), ['u=6']);
});

test('RFC 7540 weight and parent are readable by the application', () => {
  const p = pair();
  p.client.request(GET, { priority: { exclusive: false, dependency: 0, weight: 200 } });
  p.run();
  assert.equal(ofType(p.serverEvents, 'headers')[0]!.priority, { exclusive: false, dependency: 0, weight: 200 });
  assert.is(p.server.getPriority(1)!.weight, 200);
  p.client.priority(1, { exclusive: false, dependency: 0, weight: 42 });
  p.run();
  assert.equal(p.server.getPriority(1), { urgency: 3, incremental: false, weight: 42, parent: 0 });
});

test('extended CONNECT (RFC 8441) is accepted once the server has sent ENABLE_CONNECT_PROTOCOL', () => {
  const p = pair({}, { settings: { enableConnectProtocol: true } });
  p.run();
  assert.is(p.client.remoteSettings.enableConnectProtocol, true);
  p.client.request([[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'https'], [':authority', 'example.com'], [':path', '/chat']]);
  p.run();
  const [req] = ofType(p.serverEvents, 'headers');
  assert.is(req!.kind, 'request');
  assert.equal(ofType(p.serverEvents, 'streamReset'), []);
});

/** A client and server on a settable clock (`clock.now`), after one finished exchange: the connection is idle. */
function idleAfterOneRequest() {
  const clock = { now: 0 };
  const p = pair({ clock: () => clock.now }, { clock: () => clock.now });
  p.client.request(GET, { endStream: true });
  p.run();
  p.server.respond(1, [[':status', '204']], true);
  p.run();
  return { p, clock };
}

test('an idle connection releases its write buffers and works again afterwards', () => {
  const { p, clock } = idleAfterOneRequest();
  clock.now = 1000;
  p.server.tick();
  assert.is((p.server as unknown as { compacted: boolean }).compacted, true);
  p.client.request(GET, { endStream: true });
  p.run();
  assert.is((p.server as unknown as { compacted: boolean }).compacted, false);
  p.server.respond(3, [[':status', '200']], true);
  p.run();
  assert.equal(ofType(p.clientEvents, 'headers').map((h) => [h.streamId, h.headers[0]]), [[1, [':status', '204']], [3, [':status', '200']]]);
});

test('idle compaction that cannot act (bytes still unwritten) does not leave a deadline in the past', () => {
  const { p, clock } = idleAfterOneRequest();
  p.server.ping(); // queued in the writer and never pulled: the peer is not reading
  clock.now = 1000;
  p.server.tick();
  assert.is((p.server as unknown as { compacted: boolean }).compacted, false, 'the writer still holds the PING');
  assert.ok(p.server.nextDeadline() > clock.now, `next deadline ${p.server.nextDeadline()} is not in the past (a timer would spin)`);
  clock.now = p.server.nextDeadline();
  p.server.tick();
  assert.ok(p.server.nextDeadline() > clock.now);
  p.run(); // the bytes go out: compaction can act at its next try
  clock.now += 1000;
  p.server.tick();
  assert.is((p.server as unknown as { compacted: boolean }).compacted, true);
});

test('a push that crosses our ENABLE_PUSH = 0 before the ACK is declined with CANCEL, not accepted', () => {
  const p = pair(); // the client sends ENABLE_PUSH = 0
  p.client.request(GET, { endStream: true });
  p.client.pull();
  // A server that has not read our SETTINGS yet: its own SETTINGS (no ACK of ours), then a push.
  p.client.receive(encodeFrame({ type: FrameType.SETTINGS, streamId: 0, settings: [] }));
  const hpack = new Encoder();
  const push = encodeFrame({ type: FrameType.PUSH_PROMISE, streamId: 1, promisedStreamId: 2, fragment: hpack.encode(GET), endHeaders: true });
  const events = p.client.receive(push);
  assert.equal(ofType(events, 'pushPromise'), []);
  assert.equal(ofType(events, 'streamReset').map((r) => [r.streamId, r.errorCode]), [[2, ErrorCode.CANCEL]]);
  assert.is(p.client.activeStreams, 1, 'only the request is live');
});

test.run();
