// RFC 9113 §5.1.1 stream identifiers: parity, strictly increasing per side, implicit close, exhaustion.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, MAX_STREAM_ID } from '@strand/frame';
import { isClientStreamId, isStreamId, StreamState as S, StreamStore } from '../src/index.js';
import { DATA, END_BOTH, END_HEADERS, HEADERS, PRIORITY, RST, throwsH2, throwsUsage, WINDOW_UPDATE } from './helpers.js';

const { PROTOCOL_ERROR, STREAM_CLOSED } = ErrorCode;

test('isStreamId / isClientStreamId', () => {
  assert.equal([1, 2, MAX_STREAM_ID].map(isStreamId), [true, true, true]);
  assert.equal([0, -1, MAX_STREAM_ID + 1, 1.5, NaN].map(isStreamId), [false, false, false, false, false]);
  assert.equal([1, 2, 3, MAX_STREAM_ID].map(isClientStreamId), [true, false, true, true]);
});

test('parity: a server rejects HEADERS on an even id (h2spec 5.1.1 #1)', () => {
  throwsH2(() => new StreamStore('server').receive(2, HEADERS, END_BOTH), PROTOCOL_ERROR, 'connection');
});

test('parity: a client rejects HEADERS on any idle stream (§5.1 idle: server-initiated or its own)', () => {
  throwsH2(() => new StreamStore('client').receive(2, HEADERS, END_HEADERS), PROTOCOL_ERROR, 'connection');
  throwsH2(() => new StreamStore('client').receive(1, HEADERS, END_HEADERS), PROTOCOL_ERROR, 'connection');
});

test('monotonic: a new id lower than the last one is a connection PROTOCOL_ERROR (h2spec 5.1.1 #2)', () => {
  const store = new StreamStore('server');
  store.receive(5, HEADERS, END_BOTH);
  store.send(5, HEADERS, END_BOTH);
  assert.is(store.stateOf(3), S.CLOSED_UNUSED);
  throwsH2(() => store.receive(3, HEADERS, END_BOTH), PROTOCOL_ERROR, 'connection');
  // The same id again is not new: it is the closed stream 5, and the closed-stream rules apply.
  throwsH2(() => store.receive(5, HEADERS, END_BOTH), STREAM_CLOSED, 'connection');
});

test('implicit close: the first use of an id closes every lower idle id of that side', () => {
  const store = new StreamStore('server');
  store.receive(7, HEADERS, END_HEADERS);
  assert.equal([1, 3, 5].map((id) => store.stateOf(id)), [S.CLOSED_UNUSED, S.CLOSED_UNUSED, S.CLOSED_UNUSED]);
  assert.is(store.stateOf(9), S.IDLE);
  assert.is(store.stateOf(2), S.IDLE, 'the other side is untouched');
  throwsH2(() => store.receive(3, DATA, 0), PROTOCOL_ERROR, 'connection');
  throwsH2(() => store.receive(3, WINDOW_UPDATE, 0), PROTOCOL_ERROR, 'connection');
  throwsH2(() => store.receive(3, RST, 0), PROTOCOL_ERROR, 'connection');
  assert.is(store.receive(3, PRIORITY, 0), null);
  assert.is(store.counters.openedRemote, 1, 'skipped ids are not streams');
});

test('local ids: 1, 3, 5 … for a client, 2, 4, 6 … for a server; skipping closes the skipped ones', () => {
  const client = new StreamStore('client');
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push(client.send(client.nextLocalId(), HEADERS, END_BOTH)!.id);
  assert.equal(ids, [1, 3, 5]);
  client.send(11, HEADERS, END_BOTH);
  assert.is(client.nextLocalId(), 13);
  assert.is(client.stateOf(7), S.CLOSED_UNUSED);
  throwsUsage(() => client.send(7, HEADERS, END_BOTH), /unused/);
  throwsUsage(() => client.send(9, RST, 0), /unused/);
  throwsH2(() => client.receive(9, DATA, 0), PROTOCOL_ERROR, 'connection');
  const server = new StreamStore('server');
  assert.is(server.nextLocalId(), 2);
  server.receive(1, HEADERS, END_HEADERS);
  server.sendPushPromise(1, server.nextLocalId());
  assert.is(server.nextLocalId(), 4);
  assert.is(server.highestLocalId, 2);
});

test('exhaustion: nextLocalId() is -1 and exhausted is true once 2^31-1 is passed', () => {
  const client = new StreamStore('client');
  assert.not.ok(client.exhausted);
  client.send(MAX_STREAM_ID - 2, HEADERS, END_BOTH);
  assert.is(client.nextLocalId(), MAX_STREAM_ID);
  client.send(client.nextLocalId(), HEADERS, END_BOTH);
  assert.is(client.nextLocalId(), -1);
  assert.ok(client.exhausted);
  const server = new StreamStore('server');
  server.receive(1, HEADERS, END_HEADERS);
  server.sendPushPromise(1, MAX_STREAM_ID - 1);
  assert.is(server.nextLocalId(), -1);
  assert.ok(server.exhausted);
  // The peer's ids run out too: the highest client id is accepted, there is no higher one.
  server.receive(MAX_STREAM_ID, HEADERS, END_BOTH);
  assert.is(server.highestRemoteId, MAX_STREAM_ID);
});

test('forgotten vs unused: ids below the ring are "closed long ago" only if the ring has evicted that high', () => {
  const store = new StreamStore('server', { closedMemory: 2 });
  for (const id of [1, 3, 5, 7]) {
    store.receive(id, HEADERS, END_BOTH);
    store.send(id, RST, 0);
  }
  assert.is(store.closedRemembered, 2);
  assert.equal([1, 3, 5, 7].map((id) => store.stateOf(id)), [
    S.CLOSED_FORGOTTEN,
    S.CLOSED_FORGOTTEN,
    S.CLOSED_RESET_SENT,
    S.CLOSED_RESET_SENT,
  ]);
  assert.is(store.receive(1, DATA, 0), null, 'late frames on forgotten streams are discarded');
  assert.is(store.receive(3, HEADERS, END_BOTH), null);
  store.receive(11, HEADERS, END_HEADERS);
  assert.is(store.stateOf(9), S.CLOSED_UNUSED, 'above every evicted id: never opened');
  throwsH2(() => store.receive(9, HEADERS, END_HEADERS), PROTOCOL_ERROR, 'connection');
  // A stream error answered on a forgotten stream puts it back in the ring as reset by us.
  assert.is(store.send(1, RST, 0), null);
  assert.is(store.stateOf(1), S.CLOSED_RESET_SENT);
});

test('closedMemory 0 forgets every closed stream at once', () => {
  const store = new StreamStore('server', { closedMemory: 0 });
  store.receive(1, HEADERS, END_BOTH);
  store.send(1, HEADERS, END_BOTH);
  assert.is(store.closedRemembered, 0);
  assert.is(store.stateOf(1), S.CLOSED_FORGOTTEN);
  assert.is(store.receive(1, DATA, 0), null);
});

test.run();
