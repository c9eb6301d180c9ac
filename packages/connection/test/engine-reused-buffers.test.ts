// What a caller that reuses its buffers (strand-proxy's upstream read slabs) relies on: retainedInput, how many of the
// last received bytes the engine may still read (never less than it keeps), and copyQueuedViews, which takes queued
// DATA off a buffer about to be written over.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Flag, FrameType, concatBytes } from '@strand/frame';
import { RawClient, REQUEST } from './raw-peer.js';
import { GET, ofType, pair } from './pair.js';

function bytesOf(c: RawClient): Uint8Array {
  return concatBytes(c.w.flush());
}

test('nothing retained between whole frames; the unparsed tail of a frame that has not fully arrived is', () => {
  const c = new RawClient();
  assert.is(c.server.retainedInput, 0);
  c.w.headers(1, c.hpack.encode(REQUEST), { endStream: false });
  c.w.data(1, new Uint8Array(100), true);
  const bytes = bytesOf(c);
  const dataFrame = 9 + 100;
  c.server.receive(bytes.subarray(0, bytes.length - dataFrame + 4));
  assert.is(c.server.retainedInput, 4, 'four bytes of the next frame header are kept');
  c.server.receive(bytes.subarray(bytes.length - dataFrame + 4, bytes.length - 50));
  // 50 payload bytes wait for the other 50; the parsed header's 9 are counted too (an upper bound is safe).
  assert.is(c.server.retainedInput, 59);
  c.server.receive(bytes.subarray(bytes.length - 50));
  assert.is(c.server.retainedInput, 0);
});

test('a header block waiting for CONTINUATION retains everything (Infinity) until END_HEADERS', () => {
  const c = new RawClient();
  const block = c.hpack.encode(REQUEST);
  c.w.raw(FrameType.HEADERS, Flag.END_STREAM, 1, block.subarray(0, 3));
  c.server.receive(bytesOf(c));
  assert.is(c.server.retainedInput, Infinity);
  c.w.raw(FrameType.CONTINUATION, Flag.END_HEADERS, 1, block.subarray(3));
  c.server.receive(bytesOf(c));
  assert.is(c.server.retainedInput, 0);
});

/** A server stream with `chunks` queued behind a client stream window of `window` bytes (manual flow control). */
function queuedBehindWindow(window: number, chunks: Uint8Array[]) {
  const p = pair({ settings: { initialWindowSize: window }, manualFlowControl: true }, {});
  p.client.request(GET);
  p.run();
  p.server.respond(1, [[':status', '200']]);
  for (const c of chunks) p.server.submitData(1, c);
  p.server.end(1);
  p.run();
  return p;
}

/** The response body the client got, consuming as it goes until the stream ended. */
function drainBody(p: ReturnType<typeof pair>): Uint8Array {
  for (let round = 0; round < 100 && ofType(p.clientEvents, 'streamClosed').length === 0; round++) {
    p.client.consume(1, 40);
    p.run();
  }
  return concatBytes(ofType(p.clientEvents, 'data').map((e) => e.data));
}

test('copyQueuedViews copies the queued views of one buffer (a partly sent one whole): the peer gets the old bytes', () => {
  const slab = new Uint8Array(300).map((_, i) => i & 0xff);
  const expected = concatBytes([slab.subarray(0, 100), new Uint8Array(50).fill(7), slab.subarray(100, 300)]);
  const p = queuedBehindWindow(40, [slab.subarray(0, 100), new Uint8Array(50).fill(7), slab.subarray(100, 300)]);
  assert.is(p.server.queuedBytes(1), 310, 'the first 40 bytes went out before the window closed');
  // The first chunk is partly sent (60 of its bytes queued) and is copied whole, with the third; the other one not.
  assert.is(p.server.copyQueuedViews(slab.buffer), 300);
  assert.is(p.server.copyQueuedViews(slab.buffer), 0, 'nothing queued is a view of the slab any more');
  slab.fill(0xee); // the caller writes over its buffer
  assert.equal(drainBody(p), expected);
});

test('without copyQueuedViews the same overwrite reaches the peer (the test above can fail)', () => {
  const slab = new Uint8Array(300).map((_, i) => i & 0xff);
  const p = queuedBehindWindow(40, [slab.subarray(0, 100), slab.subarray(100, 300)]);
  slab.fill(0xee);
  const body = drainBody(p);
  assert.is(body.length, 300);
  assert.is(body[299], 0xee);
});

test.run();
