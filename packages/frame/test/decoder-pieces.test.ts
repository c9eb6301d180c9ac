// FrameDecoder with `dataPieces`: a DATA frame whose payload has not all arrived comes out as FIRST/MIDDLE/LAST
// pieces (views, never copies); joined back they are the frame the whole-frame decoder returns.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DataPiece,
  ErrorCode,
  Flag,
  FrameDecoder,
  FrameType,
  FrameWriter,
  H2Error,
  concatBytes,
  decodeFrames,
  encodeFrame,
  type DataFrame,
  type Frame,
} from '@strand/frame';
import { anyFrameArb, hex, splitAt } from './support.js';

/** Decodes `chunks` with pieces on, checks the piece sequence of every DATA frame, and joins them back into frames. */
function decodeJoined(chunks: readonly Uint8Array[]): Frame[] {
  const decoder = new FrameDecoder({ dataPieces: true, maxFrameSize: 16_777_215 });
  const frames: Frame[] = [];
  let open: DataFrame | null = null;
  let parts: Uint8Array[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let f = decoder.next(); f !== null; f = decoder.next()) {
      if (f.type !== FrameType.DATA || f.piece === DataPiece.WHOLE) {
        assert.is(open, null, 'a frame came between the pieces of a DATA frame');
        frames.push(f);
        continue;
      }
      if (f.piece === DataPiece.FIRST) {
        assert.is(open, null, 'two FIRST pieces');
        assert.not.ok(f.endStream, 'a FIRST piece never ends the stream');
        open = f;
        parts = [f.data];
        continue;
      }
      assert.ok(open !== null, 'a later piece without a FIRST');
      assert.is(f.streamId, open.streamId);
      assert.is(f.flags, open.flags);
      assert.is(f.flowControlledLength, 0);
      parts.push(f.data);
      if (f.piece === DataPiece.LAST) {
        frames.push({ ...open, data: concatBytes(parts), endStream: f.endStream, piece: DataPiece.WHOLE });
        open = null;
      } else {
        assert.not.ok(f.endStream);
      }
    }
  }
  assert.is(open, null, 'a DATA frame left unfinished');
  assert.is(decoder.buffered, 0);
  return frames;
}

/** Frames as compared: DATA payloads as plain arrays (pieces are joined into a fresh buffer). */
const normal = (frames: Frame[]): unknown[] => frames.map((f) => (f.type === FrameType.DATA ? { ...f, data: [...f.data] } : f));

test('any frames, any split: joined pieces equal whole-frame decoding (fast-check, 1000 runs)', () => {
  fc.assert(
    fc.property(fc.array(anyFrameArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (frames, cuts) => {
      const wire = concatBytes(frames.map(encodeFrame));
      const whole = decodeFrames(wire, { maxFrameSize: 16_777_215 });
      const chunks = splitAt(wire, cuts.map((c) => c % (wire.length + 1)));
      assert.equal(normal(decodeJoined(chunks)), normal(whole));
    }),
    { numRuns: 1000 },
  );
});

test('fed one byte at a time: one piece per content byte, padding dropped, END_STREAM on the LAST piece only', () => {
  const w = new FrameWriter();
  w.data(5, hex('0102030405'), true, 3); // PADDED: pad length octet + 5 content + 3 padding = 9
  const wire = concatBytes(w.flush());
  const decoder = new FrameDecoder({ dataPieces: true });
  const seen: Array<[number, string, boolean, number, number]> = [];
  for (let i = 0; i < wire.length; i++) {
    decoder.push(wire.subarray(i, i + 1));
    for (let f = decoder.next(); f !== null; f = decoder.next()) {
      assert.ok(f.type === FrameType.DATA);
      seen.push([f.piece, Buffer.from(f.data).toString('hex'), f.endStream, f.flowControlledLength, f.padLength]);
    }
  }
  assert.equal(seen, [
    [DataPiece.FIRST, '', false, 9, 3], // the pad length octet arrived: checks made, flow control known
    [DataPiece.MIDDLE, '01', false, 0, 0],
    [DataPiece.MIDDLE, '02', false, 0, 0],
    [DataPiece.MIDDLE, '03', false, 0, 0],
    [DataPiece.MIDDLE, '04', false, 0, 0],
    [DataPiece.MIDDLE, '05', false, 0, 0], // then padding: nothing until its last octet
    [DataPiece.LAST, '', true, 0, 0],
  ]);
});

test('pieces are views of the pushed chunks, and no chunk is held once its bytes are returned', () => {
  const payload = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
  const w = new FrameWriter();
  w.data(1, payload, false);
  const wire = concatBytes(w.flush());
  const a = wire.slice(0, 1000);
  const b = wire.slice(1000, 2500);
  const c = wire.slice(2500);
  let allocations = 0;
  const decoder = new FrameDecoder({ dataPieces: true, allocate: (n) => (allocations++, new Uint8Array(n)) });
  const pieces: DataFrame[] = [];
  for (const chunk of [a, b, c]) {
    decoder.push(chunk);
    for (let f = decoder.next(); f !== null; f = decoder.next()) pieces.push(f as DataFrame);
    assert.is(decoder.buffered, 0, 'everything pushed was returned');
  }
  assert.equal(pieces.map((p) => [p.piece, p.data.length]), [[DataPiece.FIRST, 991], [DataPiece.MIDDLE, 1500], [DataPiece.LAST, 509]]);
  assert.is(pieces[0]!.data.buffer, a.buffer);
  assert.is(pieces[1]!.data.buffer, b.buffer);
  assert.is(pieces[2]!.data.buffer, c.buffer);
  assert.is(allocations, 0);
});

test('a DATA frame wholly inside one chunk is still one WHOLE frame; other types are still gathered', () => {
  const w = new FrameWriter();
  w.data(1, hex('aabbcc'), true);
  w.ping(hex('0102030405060708'), false);
  const wire = concatBytes(w.flush());
  const decoder = new FrameDecoder({ dataPieces: true });
  decoder.push(wire.subarray(0, 20)); // DATA (9 + 3) and 8 octets of the PING: its header is not even whole
  const data = decoder.next();
  assert.ok(data?.type === FrameType.DATA);
  assert.is(data.piece, DataPiece.WHOLE);
  assert.ok(data.endStream);
  assert.is(decoder.next(), null);
  decoder.push(wire.subarray(20));
  const ping = decoder.next();
  assert.ok(ping?.type === FrameType.PING);
  assert.equal(ping.opaqueData, hex('0102030405060708'));
});

test('the first piece makes the frame checks: DATA on stream 0 and oversized padding are connection errors', () => {
  const cases: Array<[string, string]> = [
    ['000004 00 00 00000000 01', 'stream 0'], // DATA on stream 0, 1 of 4 payload octets in
    ['000004 00 08 00000001 04', 'pad length 4'], // PADDED, pad length 4 ≥ payload 4
  ];
  for (const [wire, what] of cases) {
    const decoder = new FrameDecoder({ dataPieces: true });
    decoder.push(hex(wire));
    try {
      decoder.next();
      assert.unreachable(`${what}: no error`);
    } catch (error) {
      assert.instance(error, H2Error, what);
      assert.is((error as H2Error).code, ErrorCode.PROTOCOL_ERROR, what);
      assert.is((error as H2Error).scope, 'connection', what);
    }
    assert.throws(() => decoder.next(), (e: unknown) => e instanceof H2Error && e.code === ErrorCode.PROTOCOL_ERROR, `${what}: stays failed`);
  }
});

test('buffered: the header of a frame in pieces no longer counts once its FIRST piece is out', () => {
  const decoder = new FrameDecoder({ dataPieces: true });
  decoder.push(hex('000004 00 01 00000003')); // header only (END_STREAM)
  assert.is(decoder.next(), null);
  assert.is(decoder.buffered, 9);
  decoder.push(hex('aa'));
  const first = decoder.next();
  assert.ok(first?.type === FrameType.DATA && first.piece === DataPiece.FIRST);
  assert.is(first.flags & Flag.END_STREAM, Flag.END_STREAM);
  assert.is(decoder.buffered, 0);
  decoder.push(hex('bbccdd'));
  const last = decoder.next();
  assert.ok(last?.type === FrameType.DATA && last.piece === DataPiece.LAST && last.endStream);
  assert.equal(last.data, hex('bbccdd'));
});

test('setMaxFrameSize between pieces: the frame in progress keeps its length, the next header meets the new limit', () => {
  const decoder = new FrameDecoder({ dataPieces: true, maxFrameSize: 32_768 });
  const w = new FrameWriter();
  w.data(1, new Uint8Array(20_000), false); // one frame each: data() does not split
  w.data(1, new Uint8Array(20_000), true);
  const wire = concatBytes(w.flush());
  decoder.push(wire.subarray(0, 100));
  assert.is((decoder.next() as DataFrame).piece, DataPiece.FIRST);
  decoder.setMaxFrameSize(16_384);
  decoder.push(wire.subarray(100, 20_009));
  const last = decoder.next() as DataFrame;
  assert.equal([last.piece, last.data.length], [DataPiece.LAST, 19_909]);
  decoder.push(wire.subarray(20_009, 20_100));
  assert.throws(() => decoder.next(), (e: unknown) => e instanceof H2Error && e.code === ErrorCode.FRAME_SIZE_ERROR);
});

test.run();
