// FrameWriter and encodeFrame: exact bytes, chunking and ownership, argument checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, Flag, FrameType, FrameWriter, UNKNOWN_FRAME_TYPE, concatBytes, decodeFrames, encodeFrame } from '@strand/frame';
import { hex, toHex } from './support.js';

/** Runs `write` on a fresh writer and returns the flushed bytes as hex. */
function written(write: (w: FrameWriter) => void): string {
  const w = new FrameWriter();
  write(w);
  return toHex(concatBytes(w.flush()));
}
const h = (s: string) => s.replace(/\s+/g, '');

test('exact bytes of every control frame', () => {
  assert.is(written((w) => w.settings([[1, 8192], [3, 5000]])), h('00000c 04 00 00000000 0001 00002000 0003 00001388'));
  assert.is(written((w) => w.settingsAck()), h('000000 04 01 00000000'));
  assert.is(written((w) => w.ping(hex('6465616462656566'), true)), h('000008 06 01 00000000 6465616462656566'));
  assert.is(written((w) => w.goaway(30, ErrorCode.COMPRESSION_ERROR, 'hpack is broken')), h('000017 07 00 00000000 0000001e 00000009 687061636b2069732062726f6b656e'));
  assert.is(written((w) => w.goaway(0x7fffffff, 0xffffffff)), h('000008 07 00 00000000 7fffffff ffffffff'));
  assert.is(written((w) => w.windowUpdate(50, 1000)), h('000004 08 00 00000032 000003e8'));
  assert.is(written((w) => w.rstStream(5, ErrorCode.CANCEL)), h('000004 03 00 00000005 00000008'));
  assert.is(written((w) => w.priority(9, { exclusive: false, dependency: 11, weight: 8 })), h('000005 02 00 00000009 0000000b 07'));
  assert.is(written((w) => w.priority(9, { exclusive: true, dependency: 11, weight: 256 })), h('000005 02 00 00000009 8000000b ff'));
  assert.is(written((w) => w.priorityUpdate(3, 'u=1')), h('000007 10 00 00000000 00000003 753d31'));
  assert.is(written((w) => w.altsvc(0, 'a', 'h=1')), h('000006 0a 00 00000000 0001 61 683d31'));
  assert.is(written((w) => w.origin(['a.b', 'cd'])), h('000009 0c 00 00000000 0003 612e62 0002 6364'));
  assert.is(written((w) => w.raw(0xee, 0xa5, 0x80000007, hex('0102'))), h('000002 ee a5 80000007 0102'));
});

test('exact bytes of DATA, HEADERS and PUSH_PROMISE, padding zeroed', () => {
  assert.is(written((w) => w.data(2, hex('48656c6c6f'), true)), h('000005 00 01 00000002 48656c6c6f'));
  assert.is(written((w) => w.data(2, hex('48'), false, 3)), h('000005 00 08 00000002 03 48 000000'));
  assert.is(
    written((w) => w.headers(3, hex('aabb'), { endStream: true, priority: { exclusive: true, dependency: 20, weight: 10 }, padLength: 2 })),
    h('00000a 01 2d 00000003 02 80000014 09 aabb 0000'),
  );
  assert.is(written((w) => w.headers(1, hex('aabb'))), h('000002 01 04 00000001 aabb'));
  assert.is(written((w) => w.pushPromise(10, 12, hex('aa'), { padLength: 1 })), h('000007 05 0c 0000000a 01 0000000c aa 00'));
  assert.is(written((w) => w.pushPromise(1, 2, hex('aa'))), h('000005 05 04 00000001 00000002 aa'));
});

test('headers() splits an oversized block into HEADERS + CONTINUATION at maxFrameSize', () => {
  const block = Uint8Array.from({ length: 25 }, (_, i) => i);
  const w = new FrameWriter();
  w.headers(7, block, { endStream: true, padLength: 1 }, 10); // first frame: 10 − 2 = 8 octets of block
  const frames = decodeFrames(concatBytes(w.flush()));
  assert.equal(
    frames.map((f) => [f.type, f.flags, 'fragment' in f ? f.fragment.length : -1]),
    [
      [FrameType.HEADERS, Flag.END_STREAM | Flag.PADDED, 8],
      [FrameType.CONTINUATION, 0, 10],
      [FrameType.CONTINUATION, Flag.END_HEADERS, 7],
    ],
  );
  // exactly one frame's worth: no CONTINUATION, END_HEADERS on HEADERS
  const one = new FrameWriter();
  one.headers(1, new Uint8Array(16_384));
  assert.equal(decodeFrames(concatBytes(one.flush())).map((f) => f.flags), [Flag.END_HEADERS]);
  // empty block
  assert.is(written((x) => x.headers(1, new Uint8Array(0), { endStream: true })), h('000000 01 05 00000001'));
  // PUSH_PROMISE: the promised id counts against the first frame's budget
  const push = new FrameWriter();
  push.pushPromise(1, 2, hex('aabbcc'), {}, 5);
  assert.is(toHex(concatBytes(push.flush())), h('000005 05 00 00000001 00000002 aa 000002 09 04 00000001 bbcc'));
});

test('small DATA is coalesced into the buffer; DATA ≥ copyThreshold is passed by reference as its own chunk', () => {
  const w = new FrameWriter();
  const big = new Uint8Array(5000).fill(7);
  w.windowUpdate(0, 100);
  w.data(1, hex('0102'), false);
  w.data(1, big, true);
  w.ping(new Uint8Array(8));
  assert.is(w.pendingBytes, 13 + 11 + 9 + 5000 + 17);
  const chunks = w.flush();
  assert.is(chunks.length, 3);
  assert.is(chunks[0]!.length, 13 + 11 + 9); // WINDOW_UPDATE + small DATA + big DATA's header
  assert.is(chunks[1], big); // the caller's array itself, no copy
  assert.is(chunks[2]!.length, 17);
  assert.is(w.pendingBytes, 0);
  assert.equal(w.flush(), []);
});

test('copyThreshold is configurable; a padded referenced payload gets header, payload and zero padding chunks', () => {
  const w = new FrameWriter({ copyThreshold: 4 });
  const payload = hex('01020304');
  w.data(1, payload, true, 3);
  const chunks = w.flush();
  assert.is(chunks.length, 3);
  assert.is(toHex(chunks[0]!), h('000008 00 09 00000001 03'));
  assert.is(chunks[1], payload);
  assert.is(toHex(chunks[2]!), '000000');
  const [f] = decodeFrames(concatBytes(chunks));
  assert.ok(f?.type === FrameType.DATA && f.padLength === 3 && f.endStream && f.flowControlledLength === 8);
});

test('raw() references large payloads too', () => {
  const w = new FrameWriter({ copyThreshold: 2 });
  const payload = hex('010203');
  w.raw(0xfe, 0, 1, payload);
  const chunks = w.flush();
  assert.is(chunks[1], payload);
});

test('flushed bytes are never overwritten by later writes; frames larger than a slab get their own', () => {
  const w = new FrameWriter({ slabSize: 64 });
  w.ping(hex('0101010101010101'));
  const first = w.flush();
  const snapshot = toHex(concatBytes(first));
  for (let i = 0; i < 20; i++) w.ping(hex('0202020202020202'));
  w.goaway(1, 0, new Uint8Array(200)); // bigger than a slab
  const second = w.flush();
  assert.is(toHex(concatBytes(first)), snapshot);
  const frames = decodeFrames(concatBytes(second));
  assert.is(frames.length, 21);
  assert.ok(frames[20]!.type === FrameType.GOAWAY && frames[20]!.debugData.length === 200);
});

test('encodeFrame accepts hand-written frames with derivable fields left out', () => {
  assert.is(toHex(encodeFrame({ type: FrameType.DATA, streamId: 1, data: hex('aa') })), h('000001 00 00 00000001 aa'));
  assert.is(toHex(encodeFrame({ type: FrameType.HEADERS, streamId: 1, fragment: hex('aa'), endHeaders: true })), h('000001 01 04 00000001 aa'));
  assert.is(toHex(encodeFrame({ type: FrameType.SETTINGS, streamId: 0 })), h('000000 04 00 00000000'));
  assert.is(toHex(encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: true })), h('000000 04 01 00000000'));
  assert.is(toHex(encodeFrame({ type: FrameType.GOAWAY, streamId: 0, lastStreamId: 1, errorCode: 2 })), h('000008 07 00 00000000 00000001 00000002'));
  assert.is(toHex(encodeFrame({ type: FrameType.PUSH_PROMISE, streamId: 1, promisedStreamId: 2, fragment: hex('') })), h('000004 05 00 00000001 00000002'));
  assert.is(toHex(encodeFrame({ type: FrameType.CONTINUATION, streamId: 1, fragment: hex('bb') })), h('000001 09 00 00000001 bb'));
  assert.is(toHex(encodeFrame({ type: FrameType.ORIGIN, streamId: 0, origins: [] })), h('000000 0c 00 00000000'));
  assert.is(
    toHex(encodeFrame({ type: UNKNOWN_FRAME_TYPE, frameType: 0x20, flags: 3, streamId: 0, payload: hex('01') })),
    h('000001 20 03 00000000 01'),
  );
});

test('encodeFrame: defined flags come from the fields, undefined bits are kept, PADDED with padLength 0 pads emptily', () => {
  // endStream false clears a stray END_STREAM bit; 0x40 is not defined for DATA and is kept
  assert.is(toHex(encodeFrame({ type: FrameType.DATA, flags: 0x41, streamId: 1, data: hex('aa') })), h('000001 00 40 00000001 aa'));
  assert.is(toHex(encodeFrame({ type: FrameType.DATA, flags: Flag.PADDED, streamId: 1, data: hex('aa') })), h('000002 00 08 00000001 00 aa'));
  // PRIORITY flag without a priority is cleared on HEADERS
  assert.is(toHex(encodeFrame({ type: FrameType.HEADERS, flags: Flag.PRIORITY, streamId: 1, fragment: hex('') })), h('000000 01 00 00000001'));
  // protocol violations stay encodable, for test clients
  assert.is(toHex(encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 0 })), h('000004 08 00 00000000 00000000'));
});

test('arguments that do not fit their wire fields are RangeErrors', () => {
  const w = new FrameWriter();
  const bad: Array<[string, () => void]> = [
    ['stream id 2^31', () => w.data(0x8000_0000, hex(''))],
    ['negative stream id', () => w.windowUpdate(-1, 1)],
    ['fractional stream id', () => w.rstStream(1.5, 0)],
    ['pad 256', () => w.data(1, hex(''), false, 256)],
    ['negative pad', () => w.headers(1, hex(''), { padLength: -1 })],
    ['weight 0', () => w.priority(1, { exclusive: false, dependency: 0, weight: 0 })],
    ['weight 257', () => w.headers(1, hex(''), { priority: { exclusive: false, dependency: 0, weight: 257 } })],
    ['dependency 2^31', () => w.priority(1, { exclusive: false, dependency: 0x8000_0000, weight: 1 })],
    ['increment 2^31', () => w.windowUpdate(1, 0x8000_0000)],
    ['error code 2^32', () => w.rstStream(1, 0x1_0000_0000)],
    ['ping 7 octets', () => w.ping(new Uint8Array(7))],
    ['setting id 65536', () => w.settings([[0x10000, 0]])],
    ['setting value -1', () => w.settings([[1, -1]])],
    ['non-Latin-1 origin', () => w.origin(['é€'])],
    ['non-Latin-1 altsvc', () => w.altsvc(0, 'a', '€')],
    ['origin entry too long', () => w.origin(['a'.repeat(0x10000)])],
    ['altsvc origin too long', () => w.altsvc(0, 'a'.repeat(0x10000), '')],
    ['priority update value', () => w.priorityUpdate(1, '\u0100')],
    ['max frame size ≤ overhead', () => w.headers(1, hex('aa'), { padLength: 10 }, 11)],
    ['max frame size 2^24', () => w.pushPromise(1, 2, hex('aa'), {}, 0x100_0000)],
    ['raw type 256', () => w.raw(256, 0, 0, hex(''))],
    ['raw flags 256', () => w.raw(0, 256, 0, hex(''))],
    ['raw stream id 2^32', () => w.raw(0, 0, 0x1_0000_0000, hex(''))],
    ['DATA beyond 2^24-1', () => w.data(1, new Uint8Array(16_777_216))],
    ['raw beyond 2^24-1', () => w.raw(0, 0, 1, new Uint8Array(16_777_216))],
    ['small DATA padded beyond 2^24-1', () => new FrameWriter({ copyThreshold: Infinity }).data(1, new Uint8Array(16_777_215), false, 1)],
    ['frame pad 256', () => w.write({ type: FrameType.DATA, streamId: 1, data: hex(''), padLength: 256 })],
    ['frame promised id', () => w.write({ type: FrameType.PUSH_PROMISE, streamId: 1, promisedStreamId: -2, fragment: hex('') })],
  ];
  for (const [name, call] of bad) assert.throws(call, RangeError, name);
  assert.is(w.pendingBytes, 0, 'nothing written by failed calls');
});

test('a string GOAWAY debug text is UTF-8', () => {
  const [f] = decodeFrames(hex(written((w) => w.goaway(0, ErrorCode.NO_ERROR, 'é'))));
  assert.ok(f?.type === FrameType.GOAWAY);
  assert.equal(f.debugData, hex('c3a9'));
});

test.run();
