// A million short streams must leave the store bounded: no live streams, at most `closedMemory` closed ones.
// Sizes are asserted, never time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '@strand/frame';
import { DEFAULT_CLOSED_MEMORY, StreamState as S, StreamStore } from '../src/index.js';
import { DATA, END_BOTH, END_HEADERS, END_STREAM, HEADERS, RST, throwsH2 } from './helpers.js';

const STREAMS = 1_000_000;

test('server: 1,000,000 requests opened and closed leave the map empty and the ring at its bound', () => {
  const store = new StreamStore('server');
  store.setLocalMaxConcurrent(100);
  let id = 1;
  for (let i = 0; i < STREAMS; i++, id += 2) {
    store.receive(id, HEADERS, i % 3 === 0 ? END_HEADERS : END_BOTH);
    switch (i % 3) {
      case 0: // the peer gives up on it
        store.receive(id, RST, 0);
        break;
      case 1: // a normal response
        store.send(id, HEADERS, END_HEADERS);
        store.send(id, DATA, END_STREAM);
        break;
      default: // we reset it
        store.send(id, RST, 0);
    }
  }
  const last = id - 2;
  assert.is(store.size, 0);
  assert.is(store.activeRemote, 0);
  assert.is(store.closedRemembered, DEFAULT_CLOSED_MEMORY);
  assert.is(store.highestRemoteId, last);
  assert.equal(
    [store.counters.openedRemote, store.counters.closedRemote, store.counters.resetsReceived, store.counters.resetsSent],
    [STREAMS, STREAMS, Math.ceil(STREAMS / 3), Math.floor(STREAMS / 3)],
  );
  // Recent closures keep their reason; old ones are "closed long ago" and their late frames are discarded.
  assert.is(store.stateOf(last), (STREAMS - 1) % 3 === 0 ? S.CLOSED_RESET_RECEIVED : S.CLOSED_END_STREAM);
  throwsH2(() => store.receive(last, DATA, 0), ErrorCode.STREAM_CLOSED, (STREAMS - 1) % 3 === 0 ? 'stream' : 'connection', (STREAMS - 1) % 3 === 0 ? last : 0);
  assert.is(store.stateOf(1), S.CLOSED_FORGOTTEN);
  assert.is(store.receive(1, DATA, 0), null);
});

test('client: 1,000,000 requests with many in flight stay bounded by the concurrency limit and the ring', () => {
  const store = new StreamStore('client', { closedMemory: 64 });
  store.setRemoteMaxConcurrent(50);
  const inFlight: number[] = [];
  let maxSize = 0;
  for (let i = 0; i < STREAMS; i++) {
    if (!store.canOpenLocal()) {
      const oldest = inFlight.shift()!;
      store.receive(oldest, HEADERS, END_BOTH);
    }
    const id = store.nextLocalId();
    store.send(id, HEADERS, END_BOTH);
    inFlight.push(id);
    if (store.size > maxSize) maxSize = store.size;
  }
  assert.is(maxSize, 50);
  assert.is(store.size, 50);
  assert.is(store.closedRemembered, 64);
  assert.is(store.counters.openedLocal, STREAMS);
  assert.is(store.counters.closedLocal, STREAMS - 50);
});

test.run();
