// FrameDecoder buffering: resumable at every byte, views vs copies, buffered accounting, max frame size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ErrorCode,
  FrameDecoder,
  FrameType,
  FrameWriter,
  H2Error,
  UNKNOWN_FRAME_TYPE,
  concatBytes,
  decodeFrames,
  type Frame,
} from '@strand/frame';
import { decodeChunks, hex } from './support.js';

/** A mixed stream of every frame type, with padding, priority, a referenced DATA payload and a split header block. */
function mixedStream(): Uint8Array {
  const w = new FrameWriter();
  const block = Uint8Array.from({ length: 1100 }, (_, i) => i * 7);
  w.settings([[1, 4096], [3, 100], [4, 1 << 20], [0x99, 7]]);
  w.settingsAck();
  w.headers(1, block.subarray(0, 60), { endStream: false, priority: { exclusive: true, dependency: 0, weight: 200 }, padLength: 5 });
  w.headers(3, block.subarray(0, 400), { endStream: true }, 150); // HEADERS + 2 CONTINUATION
  w.data(1, block.subarray(0, 100), false);
  w.data(1, block.subarray(0, 200), false, 10);
  w.data(1, block, true); // ≥ 1 KiB: kept by reference in the writer
  w.priority(5, { exclusive: false, dependency: 3, weight: 16 });
  w.rstStream(3, ErrorCode.CANCEL);
  w.pushPromise(1, 2, block.subarray(0, 50), { padLength: 3 });
  w.ping(hex('0102030405060708'), false);
  w.ping(hex('0102030405060708'), true);
  w.windowUpdate(0, 1 << 30);
  w.windowUpdate(1, 1);
  w.altsvc(0, 'https://a.example', 'h3=":443"');
  w.origin(['https://a.example', 'https://b.example']);
  w.priorityUpdate(1, 'u=2, i');
  w.raw(0xfa, 0xff, 9, hex('deadbeef'));
  w.data(1, new Uint8Array(0), true);
  w.goaway(3, ErrorCode.NO_ERROR, 'done');
  return concatBytes(w.flush());
}

const stream = mixedStream();
const oneShot = decodeFrames(stream);

test('the mixed stream decodes to the expected frame sequence', () => {
  assert.equal(
    oneShot.map((f) => f.type),
    [4, 4, 1, 1, 9, 9, 0, 0, 0, 2, 3, 5, 6, 6, 8, 8, 10, 12, 16, UNKNOWN_FRAME_TYPE, 0, 7],
  );
});

test('split at every possible point: identical frames', () => {
  for (let cut = 0; cut <= stream.length; cut++) {
    assert.equal(decodeChunks([stream.subarray(0, cut), stream.subarray(cut)]), oneShot, `cut at ${cut}`);
  }
});

test('fed one byte at a time, draining after each byte: identical frames', () => {
  const bytes: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i++) bytes.push(stream.subarray(i, i + 1));
  assert.equal(decodeChunks(bytes), oneShot);
});

test('all bytes pushed one at a time before draining (thousands of queued chunks): identical frames', () => {
  const decoder = new FrameDecoder();
  for (let i = 0; i < stream.length; i++) decoder.push(stream.slice(i, i + 1));
  assert.is(decoder.buffered, stream.length);
  const frames: Frame[] = [];
  for (let f = decoder.next(); f !== null; f = decoder.next()) frames.push(f);
  assert.equal(frames, oneShot);
  assert.is(decoder.buffered, 0);
});

test('a frame wholly inside one chunk is returned as views into that chunk, not copies', () => {
  const wire = hex('000005 00 01 00000001 68656c6c6f 000004 08 00 00000001 00000100');
  const decoder = new FrameDecoder();
  decoder.push(wire);
  const data = decoder.next();
  assert.ok(data?.type === FrameType.DATA);
  assert.is(data.data.buffer, wire.buffer);
  assert.is(data.data.byteOffset, 9);
  assert.is(data.data.length, 5);
});

test('a straddling frame is gathered into a buffer from the allocate option, every byte overwritten', () => {
  const frame = hex('000005 00 01 00000001 68656c6c6f');
  const sizes: number[] = [];
  const decoder = new FrameDecoder({
    allocate: (size) => {
      sizes.push(size);
      return new Uint8Array(size).fill(0xee); // stale bytes that must not survive
    },
  });
  decoder.push(frame.slice(0, 12));
  decoder.push(frame.slice(12));
  const f = decoder.next();
  assert.ok(f?.type === FrameType.DATA);
  assert.equal(f.data, hex('68656c6c6f'));
  assert.equal(sizes, [5]);
});

test('only a frame that straddles chunks is copied; a header split from its payload still gets a view', () => {
  const frame = hex('000005 00 01 00000001 68656c6c6f');
  // payload straddles: copy
  let decoder = new FrameDecoder();
  const a = frame.slice(0, 11);
  const b = frame.slice(11);
  decoder.push(a);
  assert.is(decoder.next(), null);
  decoder.push(b);
  let f = decoder.next();
  assert.ok(f?.type === FrameType.DATA);
  assert.equal(f.data, hex('68656c6c6f'));
  assert.is.not(f.data.buffer, a.buffer);
  assert.is.not(f.data.buffer, b.buffer);
  // header straddles, payload whole in the next chunk: view into that chunk
  decoder = new FrameDecoder();
  const h1 = frame.slice(0, 4);
  const rest = frame.slice(4);
  decoder.push(h1);
  assert.is(decoder.next(), null);
  decoder.push(rest);
  f = decoder.next();
  assert.ok(f?.type === FrameType.DATA);
  assert.is(f.data.buffer, rest.buffer);
});

test('buffered counts octets held, including a header already read', () => {
  const decoder = new FrameDecoder();
  assert.is(decoder.buffered, 0);
  decoder.push(new Uint8Array(0)); // ignored
  assert.is(decoder.buffered, 0);
  const wire = hex('000005 00 00 00000001 68656c6c6f');
  decoder.push(wire.subarray(0, 5));
  assert.is(decoder.next(), null);
  assert.is(decoder.buffered, 5);
  decoder.push(wire.subarray(5, 12));
  assert.is(decoder.next(), null); // header read, payload incomplete
  assert.is(decoder.buffered, 12);
  decoder.push(wire.subarray(12));
  assert.ok(decoder.next());
  assert.is(decoder.buffered, 0);
  assert.is(decoder.next(), null);
});

test('zero-length frames decode with empty views', () => {
  const [f] = decodeFrames(hex('000000 09 04 00000001'));
  assert.ok(f?.type === FrameType.CONTINUATION);
  assert.is(f.fragment.length, 0);
  assert.ok(f.endHeaders);
});

test('maxFrameSize: default 16384 accepted exactly; larger is a connection FRAME_SIZE_ERROR', () => {
  const ok = new FrameWriter({ copyThreshold: Infinity });
  ok.data(1, new Uint8Array(16_384));
  assert.is(decodeFrames(concatBytes(ok.flush())).length, 1);
  const decoder = new FrameDecoder();
  decoder.push(hex('004001 00 00 00000001')); // 16385, payload not even sent yet
  try {
    decoder.next();
    assert.unreachable();
  } catch (e) {
    assert.instance(e, H2Error);
    assert.is((e as H2Error).code, ErrorCode.FRAME_SIZE_ERROR);
    assert.is((e as H2Error).scope, 'connection');
    assert.match((e as H2Error).message, /16385 octets.*16384.*RFC 9113 §4\.2/);
  }
});

test('setMaxFrameSize raises the limit from the next header; invalid sizes are RangeErrors', () => {
  const big = new FrameWriter();
  big.data(1, new Uint8Array(100_000), true);
  const bytes = concatBytes(big.flush());
  const decoder = new FrameDecoder({ maxFrameSize: 16_384 });
  assert.is(decoder.maxFrameSizeLimit, 16_384);
  decoder.setMaxFrameSize(100_000);
  assert.is(decoder.maxFrameSizeLimit, 100_000);
  decoder.push(bytes);
  const f = decoder.next();
  assert.ok(f?.type === FrameType.DATA && f.data.length === 100_000);
  assert.is(new FrameDecoder({ maxFrameSize: 16_777_215 }).maxFrameSizeLimit, 16_777_215);
  for (const bad of [16_383, 16_777_216, 20_000.5, Number.NaN]) {
    assert.throws(() => decoder.setMaxFrameSize(bad), RangeError);
    assert.throws(() => new FrameDecoder({ maxFrameSize: bad }), RangeError);
  }
});

test('a connection error is sticky: later next() calls throw the same error, even after more bytes', () => {
  const decoder = new FrameDecoder();
  decoder.push(hex('000008 06 00 00000001 0000000000000000')); // PING on stream 1
  let first: unknown;
  try {
    decoder.next();
  } catch (e) {
    first = e;
  }
  assert.instance(first, H2Error);
  assert.is(decoder.error, first);
  decoder.push(hex('000004 08 00 00000000 00000001'));
  assert.throws(() => decoder.next(), (e: unknown) => e === first);
});

test('a stream error consumes its frame; the next frame still decodes', () => {
  const decoder = new FrameDecoder();
  // PRIORITY with length 4 on stream 3 (stream FRAME_SIZE_ERROR), then WINDOW_UPDATE 0 on stream 5
  // (stream PROTOCOL_ERROR), then a valid PING.
  decoder.push(hex('000004 02 00 00000003 00000001 000004 08 00 00000005 00000000 000008 06 00 00000000 0102030405060708'));
  assert.throws(() => decoder.next(), (e: unknown) => e instanceof H2Error && e.scope === 'stream' && e.streamId === 3);
  assert.throws(() => decoder.next(), (e: unknown) => e instanceof H2Error && e.scope === 'stream' && e.streamId === 5);
  assert.is(decoder.error, null);
  const ping = decoder.next();
  assert.ok(ping?.type === FrameType.PING);
  assert.equal(ping.opaqueData, hex('0102030405060708'));
});

test('unknown frame types are passed up with type UNKNOWN_FRAME_TYPE, raw type, flags and payload', () => {
  const [f] = decodeFrames(hex('000003 ee a5 80000007 010203'));
  assert.equal(f, {
    type: UNKNOWN_FRAME_TYPE,
    flags: 0xa5,
    streamId: 7, // reserved bit masked
    frameType: 0xee,
    payload: hex('010203'),
  });
});

test('unknown flags are ignored (kept in flags, never an error)', () => {
  // DATA with every undefined flag bit set (0xf6) and neither END_STREAM nor PADDED
  const [data] = decodeFrames(hex('000002 00 f6 00000001 abcd'));
  assert.ok(data?.type === FrameType.DATA);
  assert.is(data.flags, 0xf6);
  assert.is(data.endStream, false);
  assert.is(data.padLength, 0);
  assert.equal(data.data, hex('abcd'));
  // SETTINGS, PING, GOAWAY, WINDOW_UPDATE, RST_STREAM, PRIORITY, CONTINUATION with all undefined bits
  const frames = decodeFrames(
    hex(
      '000000 04 fe 00000000' +
        '000008 06 fe 00000000 0000000000000000' +
        '000008 07 ff 00000000 0000000000000000' +
        '000004 08 ff 00000001 00000001' +
        '000004 03 ff 00000001 00000000' +
        '000005 02 ff 00000001 0000000010' +
        '000000 09 fb 00000001',
    ),
  );
  assert.equal(frames.map((f) => f.flags), [0xfe, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xfb]);
  assert.ok(frames[0]!.type === FrameType.SETTINGS && !frames[0]!.ack);
  assert.ok(frames[1]!.type === FrameType.PING && !frames[1]!.ack);
  assert.ok(frames[6]!.type === FrameType.CONTINUATION && !frames[6]!.endHeaders);
});

test('the reserved bit is masked off stream ids and 31-bit fields', () => {
  const frames = decodeFrames(
    hex(
      '000004 08 00 80000001 80000005' + // WINDOW_UPDATE: R bit on stream id and increment
        '000008 07 00 00000000 80000003 00000000' + // GOAWAY last stream id with R bit
        '000004 05 04 80000001 80000002' + // PUSH_PROMISE promised id with R bit
        '000004 10 00 00000000 80000009', // PRIORITY_UPDATE prioritized id with R bit
    ),
  );
  assert.ok(frames[0]!.type === FrameType.WINDOW_UPDATE && frames[0]!.streamId === 1 && frames[0]!.increment === 5);
  assert.ok(frames[1]!.type === FrameType.GOAWAY && frames[1]!.lastStreamId === 3);
  assert.ok(frames[2]!.type === FrameType.PUSH_PROMISE && frames[2]!.promisedStreamId === 2 && frames[2]!.streamId === 1);
  assert.ok(frames[3]!.type === FrameType.PRIORITY_UPDATE && frames[3]!.prioritizedStreamId === 9);
});

test('decodeFrames rejects trailing partial bytes', () => {
  assert.throws(() => decodeFrames(hex('000004 08 00 00000001 000000')), /octets left/);
});

test('Buffer chunks work as input (views are Buffers, fields correct)', () => {
  const [f] = decodeFrames(Buffer.from('0000020001000000016869', 'hex'));
  assert.ok(f?.type === FrameType.DATA && f.endStream);
  assert.is(Buffer.from(f.data).toString(), 'hi');
});

test.run();
