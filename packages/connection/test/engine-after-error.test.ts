// Two engine fixes found by the issue #5 attack suite and fuzzer (conformance/attacks, conformance/fuzz):
// nothing is written after the GOAWAY of a connection error, and our MAX_CONCURRENT_STREAMS binds from the moment it is
// sent, not only once the peer ACKs it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, FrameType } from '@strand/frame';
import { StreamUsageError } from '@strand/stream';
import { RawClient, REQUEST } from './raw-peer.js';

test('after a connection error the application can make the engine write nothing but the GOAWAY', () => {
  const c = new RawClient();
  c.headers(1, REQUEST, true);
  c.w.data(0, new Uint8Array(1)); // DATA on stream 0: connection error PROTOCOL_ERROR (§6.1)
  c.flush();
  assert.ok(c.events.some((e) => e.type === 'headers' && e.streamId === 1), 'the request arrived before the error');
  const s = c.server;
  assert.throws(() => s.respond(1, [[':status', '200']], true), (e: unknown) => e instanceof StreamUsageError && /connection has failed/.test(e.message));
  s.ping();
  s.settings({ maxConcurrentStreams: 5 });
  s.priority(1, { dependency: 0, weight: 16, exclusive: false });
  s.priorityUpdate(1, 'u=1');
  s.rstStream(1);
  s.consume(1, 1);
  c.drain();
  const last = c.frames[c.frames.length - 1]!;
  assert.is(last.type, FrameType.GOAWAY);
  assert.is(c.goaway()!.errorCode, ErrorCode.PROTOCOL_ERROR);
  assert.is(c.frames.filter((f) => f.type === FrameType.GOAWAY).length, 1);
});

function serverWithoutAck(maxConcurrentStreams: number) {
  const c = new RawClient({ settings: { maxConcurrentStreams } }, false); // no ACK of the server's SETTINGS
  const open = (id: number) => c.headers(id, [[':method', 'POST'], ...REQUEST.slice(1)], false).flush();
  return { server: c.server, w: c.w, send: () => c.flush(), open, frames: c.frames };
}

test('MAX_CONCURRENT_STREAMS binds before the peer ACKs it: the stream over it is REFUSED_STREAM', () => {
  const { server, open, frames } = serverWithoutAck(2);
  open(1);
  open(3);
  open(5);
  assert.is(server.activeStreams, 2);
  const reset = frames.find((f) => f.type === FrameType.RST_STREAM);
  assert.ok(reset && reset.type === FrameType.RST_STREAM);
  assert.is(reset.streamId, 5);
  assert.is(reset.errorCode, ErrorCode.REFUSED_STREAM);
  assert.is(frames.filter((f) => f.type === FrameType.GOAWAY).length, 0);
});

test('a higher MAX_CONCURRENT_STREAMS applies only once ACKed; a lower pending one keeps binding', () => {
  const { server, w, send, open, frames } = serverWithoutAck(1);
  w.settingsAck(); // ACK of the first SETTINGS (limit 1)
  send();
  server.settings({ maxConcurrentStreams: 3 });
  open(1);
  open(3);
  assert.is(server.activeStreams, 1, 'the raise to 3 is not in force before its ACK');
  w.settingsAck();
  send();
  open(5);
  assert.is(server.activeStreams, 2, 'in force once ACKed');
  server.settings({ maxConcurrentStreams: 1 }); // lowered again: binds at once for new streams
  open(7);
  assert.is(server.activeStreams, 2);
  assert.equal(frames.filter((f) => f.type === FrameType.RST_STREAM).map((f) => f.streamId), [3, 7]);
});

test.run();
