import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, FrameType } from '@strand/frame';
import { StreamState as S, StreamStore } from '../src/index.js';
import { DATA, END_BOTH, END_HEADERS, END_STREAM, HEADERS, PRIORITY, RST, throwsH2, throwsUsage, WINDOW_UPDATE } from './helpers.js';

const { PROTOCOL_ERROR, STREAM_CLOSED, REFUSED_STREAM } = ErrorCode;

test('server: a request opens, half-closes and closes; the closed stream leaves the map', () => {
  const store = new StreamStore('server');
  const s = store.receive(1, HEADERS, END_HEADERS)!;
  assert.is(s.id, 1);
  assert.is(s.local, false);
  assert.is(s.state, S.OPEN);
  assert.is(store.get(1), s);
  assert.is(store.activeRemote, 1);
  assert.is(store.receive(1, DATA, 0), s);
  assert.is(store.receive(1, DATA, END_STREAM)!.state, S.HALF_CLOSED_REMOTE);
  assert.is(store.send(1, HEADERS, END_HEADERS), s);
  assert.is(store.send(1, DATA, END_STREAM), s);
  assert.is(s.state, S.CLOSED_END_STREAM);
  assert.is(store.get(1), undefined);
  assert.is(store.size, 0);
  assert.is(store.activeRemote, 0);
  assert.is(store.stateOf(1), S.CLOSED_END_STREAM);
  assert.is(store.closedRemembered, 1);
  assert.equal(
    { ...store.counters },
    { openedLocal: 0, openedRemote: 1, closedLocal: 0, closedRemote: 1, resetsSent: 0, resetsReceived: 0, refused: 0 },
  );
});

test('client: a request with END_STREAM is half-closed (local) until the response ends', () => {
  const store = new StreamStore('client');
  assert.is(store.nextLocalId(), 1);
  const s = store.send(1, HEADERS, END_BOTH)!;
  assert.is(s.local, true);
  assert.is(s.state, S.HALF_CLOSED_LOCAL);
  assert.is(store.activeLocal, 1);
  assert.is(store.nextLocalId(), 3);
  assert.is(store.receive(1, HEADERS, END_HEADERS), s);
  assert.is(store.receive(1, WINDOW_UPDATE, 0), s);
  assert.is(store.receive(1, DATA, END_STREAM), s);
  assert.is(s.state, S.CLOSED_END_STREAM);
  assert.is(store.activeLocal, 0);
  assert.is(store.counters.closedLocal, 1);
});

test('ext: init creates the engine slot for every new stream', () => {
  const made: string[] = [];
  const store = new StreamStore<{ tag: string }>('server', {
    init: (id, local) => {
      made.push(`${id}:${local}`);
      return { tag: `s${id}` };
    },
  });
  assert.is(store.receive(1, HEADERS, END_HEADERS)!.ext.tag, 's1');
  assert.is(store.sendPushPromise(1, 2).ext.tag, 's2');
  assert.equal(made, ['1:false', '2:true']);
  assert.is(new StreamStore('client').send(1, HEADERS, END_HEADERS)!.ext, undefined);
});

// h2spec 5.1 "half closed (remote)", "closed" and the §5.1 closed-stream rules, through the store.
test('half-closed (remote): DATA and HEADERS → stream STREAM_CLOSED; the stream is then reset by us', () => {
  const store = new StreamStore('server');
  store.receive(1, HEADERS, END_BOTH);
  throwsH2(() => store.receive(1, DATA, END_STREAM), STREAM_CLOSED, 'stream', 1);
  assert.is(store.stateOf(1), S.CLOSED_RESET_SENT);
  assert.is(store.counters.resetsSent, 1);
  assert.is(store.receive(1, DATA, 0), null, 'frames after our RST_STREAM are ignored');
  store.receive(3, HEADERS, END_BOTH);
  throwsH2(() => store.receive(3, HEADERS, END_BOTH), STREAM_CLOSED, 'stream', 3);
});

test('half-closed (remote): WINDOW_UPDATE, PRIORITY and RST_STREAM are accepted', () => {
  const store = new StreamStore('server');
  const s = store.receive(1, HEADERS, END_BOTH)!;
  assert.is(store.receive(1, WINDOW_UPDATE, 0), s);
  assert.is(store.receive(1, PRIORITY, 0), s);
  assert.is(store.receive(1, RST, 0), s);
  assert.is(s.state, S.CLOSED_RESET_RECEIVED);
  assert.is(store.counters.resetsReceived, 1);
});

test('closed after the peer reset it: DATA/HEADERS → stream STREAM_CLOSED once, then ignored', () => {
  const store = new StreamStore('server');
  store.receive(1, HEADERS, END_HEADERS);
  store.receive(1, RST, 0);
  assert.is(store.stateOf(1), S.CLOSED_RESET_RECEIVED);
  assert.is(store.receive(1, PRIORITY, 0), null);
  assert.is(store.receive(1, RST, 0), null, 'never RST_STREAM for RST_STREAM (§5.4.2)');
  throwsH2(() => store.receive(1, DATA, END_STREAM), STREAM_CLOSED, 'stream', 1);
  assert.is(store.stateOf(1), S.CLOSED_RESET_SENT);
  assert.is(store.receive(1, HEADERS, END_BOTH), null);
  assert.is(store.counters.resetsReceived, 2);
  assert.is(store.counters.resetsSent, 1);
  assert.is(store.counters.closedRemote, 1, 'a closed stream is counted once');
});

test('closed by END_STREAM both ways: DATA/HEADERS → connection STREAM_CLOSED; WINDOW_UPDATE/RST ignored', () => {
  const store = new StreamStore('server');
  store.receive(1, HEADERS, END_BOTH);
  store.send(1, HEADERS, END_BOTH);
  throwsH2(() => store.receive(1, DATA, END_STREAM), STREAM_CLOSED, 'connection');
  throwsH2(() => store.receive(1, HEADERS, END_BOTH), STREAM_CLOSED, 'connection');
  assert.is(store.receive(1, WINDOW_UPDATE, 0), null);
  assert.is(store.receive(1, RST, 0), null);
  assert.is(store.stateOf(1), S.CLOSED_END_STREAM, 'unchanged');
});

test('closed by our RST_STREAM: every late frame is discarded', () => {
  const store = new StreamStore('server');
  const s = store.receive(1, HEADERS, END_HEADERS)!;
  assert.is(store.send(1, RST, 0), s);
  assert.is(s.state, S.CLOSED_RESET_SENT);
  for (const [type, flags] of [[HEADERS, END_BOTH], [DATA, 0], [DATA, END_STREAM], [WINDOW_UPDATE, 0], [RST, 0], [PRIORITY, 0]] as const) {
    assert.is(store.receive(1, type, flags), null);
  }
  assert.is(store.counters.resetsSent, 1);
});

test('idle: only HEADERS opens; DATA/RST_STREAM/WINDOW_UPDATE → connection PROTOCOL_ERROR; PRIORITY is fine', () => {
  const store = new StreamStore('server');
  throwsH2(() => store.receive(1, DATA, END_STREAM), PROTOCOL_ERROR, 'connection');
  throwsH2(() => store.receive(1, RST, 0), PROTOCOL_ERROR, 'connection');
  throwsH2(() => store.receive(1, WINDOW_UPDATE, 0), PROTOCOL_ERROR, 'connection');
  assert.is(store.receive(1, PRIORITY, 0), null);
  assert.is(store.stateOf(1), S.IDLE, 'PRIORITY does not use the id');
  assert.is(store.highestRemoteId, 0);
});

test('sending what the state forbids is a StreamUsageError and changes nothing', () => {
  const client = new StreamStore('client');
  const s = client.send(1, HEADERS, END_BOTH)!;
  throwsUsage(() => client.send(1, DATA, 0), /cannot send DATA in state half-closed \(local\)/);
  throwsUsage(() => client.send(1, HEADERS, END_HEADERS));
  assert.is(s.state, S.HALF_CLOSED_LOCAL);
  throwsUsage(() => client.send(3, DATA, 0), /idle/);
  throwsUsage(() => client.send(3, RST, 0), /RST_STREAM/);
  throwsUsage(() => client.send(2, HEADERS, END_HEADERS), /odd/);
  throwsUsage(() => client.send(0, HEADERS, END_HEADERS), /identifier/);
  throwsUsage(() => client.send(2 ** 31, HEADERS, END_HEADERS), /identifier/);
  client.receive(1, HEADERS, END_BOTH);
  throwsUsage(() => client.send(1, WINDOW_UPDATE, 0), /closed/);
  assert.is(client.send(1, PRIORITY, 0), null);
  const server = new StreamStore('server');
  throwsUsage(() => server.send(2, HEADERS, END_HEADERS), /PUSH_PROMISE/);
  assert.equal(client.counters.resetsSent + server.counters.resetsSent, 0);
});

test('frame types without a stream transition are usage errors', () => {
  const store = new StreamStore('server');
  throwsUsage(() => store.receive(1, FrameType.SETTINGS, 0), /0x4/);
  throwsUsage(() => store.receive(1, FrameType.CONTINUATION, 0), /0x9/);
  throwsUsage(() => store.receive(1, FrameType.PUSH_PROMISE, 0), /receivePushPromise/);
  throwsUsage(() => store.send(2, FrameType.PUSH_PROMISE, 0), /sendPushPromise/);
  throwsH2(() => store.receive(0, DATA, 0), PROTOCOL_ERROR, 'connection');
});

test('RST_STREAM on a closed stream is allowed once the stream was used; it turns late frames into ignores', () => {
  const store = new StreamStore('server');
  store.receive(1, HEADERS, END_BOTH);
  store.send(1, HEADERS, END_BOTH);
  assert.is(store.send(1, RST, 0), null);
  assert.is(store.stateOf(1), S.CLOSED_RESET_SENT);
  assert.is(store.send(1, RST, 0), null);
  assert.is(store.counters.resetsSent, 2);
  assert.is(store.receive(1, DATA, 0), null);
  store.receive(5, HEADERS, END_HEADERS);
  throwsUsage(() => store.send(3, RST, 0), /unused/);
});

test('MAX_CONCURRENT_STREAMS (ours): the stream over the limit is refused with REFUSED_STREAM, its frames ignored', () => {
  const store = new StreamStore('server');
  store.setLocalMaxConcurrent(2);
  store.receive(1, HEADERS, END_HEADERS);
  store.receive(3, HEADERS, END_BOTH);
  throwsH2(() => store.receive(5, HEADERS, END_HEADERS), REFUSED_STREAM, 'stream', 5);
  assert.is(store.stateOf(5), S.CLOSED_RESET_SENT);
  assert.is(store.highestRemoteId, 5);
  assert.is(store.receive(5, DATA, END_STREAM), null, 'the request body in flight is discarded');
  assert.is(store.activeRemote, 2);
  assert.equal(
    [store.counters.refused, store.counters.openedRemote, store.counters.closedRemote, store.counters.resetsSent],
    [1, 3, 1, 1],
  );
  store.send(3, HEADERS, END_BOTH); // 3 closes
  assert.is(store.receive(7, HEADERS, END_HEADERS)!.state, S.OPEN);
  store.setLocalMaxConcurrent(0);
  throwsH2(() => store.receive(9, HEADERS, END_BOTH), REFUSED_STREAM, 'stream', 9);
  assert.is(store.get(1)!.state, S.OPEN, 'lowering the limit leaves existing streams alone');
});

test('MAX_CONCURRENT_STREAMS (peer): canOpenLocal says when to queue; opening anyway is not an error', () => {
  const store = new StreamStore('client');
  store.setRemoteMaxConcurrent(1);
  assert.ok(store.canOpenLocal());
  store.send(store.nextLocalId(), HEADERS, END_BOTH);
  assert.not.ok(store.canOpenLocal());
  store.send(store.nextLocalId(), HEADERS, END_BOTH);
  assert.is(store.activeLocal, 2);
  store.receive(1, HEADERS, END_BOTH);
  store.receive(3, RST, 0);
  assert.ok(store.canOpenLocal());
  store.setRemoteMaxConcurrent(Infinity);
  for (const bad of [-1, 1.5, NaN]) assert.throws(() => store.setRemoteMaxConcurrent(bad), RangeError);
  assert.throws(() => store.setLocalMaxConcurrent(-1), RangeError);
});

test('server push: reserved streams do not count; HEADERS on them does (§5.1.2)', () => {
  const store = new StreamStore('server');
  store.setRemoteMaxConcurrent(1);
  store.receive(1, HEADERS, END_BOTH);
  const pushed = store.sendPushPromise(1, store.nextLocalId());
  assert.is(pushed.id, 2);
  assert.is(pushed.state, S.RESERVED_LOCAL);
  assert.ok(pushed.local);
  const pushed2 = store.sendPushPromise(1, store.nextLocalId());
  assert.is(pushed2.id, 4);
  assert.is(store.activeLocal, 0);
  assert.ok(store.canOpenLocal());
  assert.is(store.receive(2, WINDOW_UPDATE, 0), pushed);
  throwsH2(() => store.receive(2, DATA, 0), PROTOCOL_ERROR, 'connection');
  store.send(2, HEADERS, END_HEADERS);
  assert.is(pushed.state, S.HALF_CLOSED_REMOTE);
  assert.is(store.activeLocal, 1);
  assert.not.ok(store.canOpenLocal(), 'the second push must wait');
  store.send(2, DATA, END_STREAM);
  store.send(4, HEADERS, END_BOTH);
  assert.is(pushed2.state, S.CLOSED_END_STREAM);
  store.send(1, HEADERS, END_BOTH);
  throwsUsage(() => store.sendPushPromise(1, 6), /closed/);
  assert.equal([store.counters.openedLocal, store.counters.closedLocal], [2, 2]);
});

test('server push: PUSH_PROMISE rules (§6.6, §8.4)', () => {
  const store = new StreamStore('server');
  store.receive(1, HEADERS, END_HEADERS);
  throwsUsage(() => store.sendPushPromise(3, 2), /idle/);
  throwsUsage(() => store.sendPushPromise(2, 4), /client-initiated/);
  throwsUsage(() => store.sendPushPromise(1, 3), /even/);
  store.sendPushPromise(1, 4);
  throwsUsage(() => store.sendPushPromise(1, 4), /reserved/);
  throwsUsage(() => store.sendPushPromise(1, 2), /unused/);
  throwsH2(() => store.receivePushPromise(1, 2), PROTOCOL_ERROR, 'connection');
  throwsUsage(() => new StreamStore('client').sendPushPromise(1, 2), /client cannot push/);
});

test('client push: a promised stream is reserved (remote), opened by HEADERS, refused over our limit', () => {
  const store = new StreamStore('client');
  store.setLocalMaxConcurrent(1);
  store.send(1, HEADERS, END_BOTH);
  const p2 = store.receivePushPromise(1, 2);
  const p4 = store.receivePushPromise(1, 4);
  assert.equal([p2.state, p2.local, store.highestRemoteId, store.activeRemote], [S.RESERVED_REMOTE, false, 4, 0]);
  throwsH2(() => store.receive(2, WINDOW_UPDATE, 0), PROTOCOL_ERROR, 'connection');
  assert.is(store.receive(2, HEADERS, END_HEADERS), p2);
  assert.is(p2.state, S.HALF_CLOSED_LOCAL);
  assert.is(store.activeRemote, 1);
  throwsH2(() => store.receive(4, HEADERS, END_HEADERS), REFUSED_STREAM, 'stream', 4);
  assert.is(p4.state, S.CLOSED_RESET_SENT);
  assert.is(store.receive(4, DATA, 0), null);
  assert.is(store.receive(2, DATA, END_STREAM)!.state, S.CLOSED_END_STREAM);
  throwsUsage(() => store.send(4, HEADERS, END_HEADERS));
});

test('client push: invalid PUSH_PROMISE frames are connection PROTOCOL_ERRORs', () => {
  const store = new StreamStore('client');
  store.send(1, HEADERS, END_BOTH);
  store.send(3, HEADERS, END_HEADERS);
  store.receive(3, HEADERS, END_BOTH); // 3 is half-closed (remote)
  throwsH2(() => store.receivePushPromise(5, 2), PROTOCOL_ERROR, 'connection'); // idle associated stream
  throwsH2(() => store.receivePushPromise(3, 2), PROTOCOL_ERROR, 'connection'); // §6.6 half-closed (remote)
  throwsH2(() => store.receivePushPromise(1, 3), PROTOCOL_ERROR, 'connection'); // odd promised id
  throwsH2(() => store.receivePushPromise(2, 4), PROTOCOL_ERROR, 'connection'); // associated not client-initiated
  throwsH2(() => store.receivePushPromise(1, 0), PROTOCOL_ERROR, 'connection');
  store.receivePushPromise(1, 6);
  throwsH2(() => store.receivePushPromise(1, 6), PROTOCOL_ERROR, 'connection'); // not idle
  throwsH2(() => store.receivePushPromise(1, 4), PROTOCOL_ERROR, 'connection'); // below the highest: §5.1.1
  throwsH2(() => store.receive(6, DATA, 0), PROTOCOL_ERROR, 'connection'); // reserved (remote)
  throwsH2(() => new StreamStore('server').receivePushPromise(1, 2), PROTOCOL_ERROR, 'connection'); // §8.4
});

test('client push: a PUSH_PROMISE on a stream we reset still reserves the promised stream (§5.1, §6.6)', () => {
  const store = new StreamStore('client');
  store.send(1, HEADERS, END_BOTH);
  store.send(1, RST, 0);
  const promised = store.receivePushPromise(1, 2);
  assert.is(promised.state, S.RESERVED_REMOTE);
  assert.is(store.get(1), undefined, 'the engine sees the associated stream is gone and cancels the push');
  assert.is(store.send(2, RST, 0), promised);
  assert.is(promised.state, S.CLOSED_RESET_SENT);
});

test('abandon: GOAWAY victims close without a frame; late frames are ignored', () => {
  const store = new StreamStore('client');
  for (let i = 0; i < 4; i++) store.send(store.nextLocalId(), HEADERS, END_BOTH);
  for (const s of store.streams()) if (s.id > 3) assert.is(store.abandon(s.id), s);
  assert.equal([...store.streams()].map((s) => s.id), [1, 3]);
  assert.is(store.abandon(5), undefined);
  assert.is(store.stateOf(7), S.CLOSED_RESET_SENT);
  assert.is(store.receive(7, DATA, 0), null);
  assert.equal([store.activeLocal, store.counters.closedLocal, store.counters.resetsSent], [2, 2, 0]);
});

test('constructor and stateOf validate their arguments', () => {
  assert.throws(() => new StreamStore('peer' as never), TypeError);
  assert.throws(() => new StreamStore('server', { closedMemory: -1 }), RangeError);
  assert.throws(() => new StreamStore('server', { closedMemory: 1.5 }), RangeError);
  throwsUsage(() => new StreamStore('server').stateOf(0));
});

test.run();
