// Property tests: arbitrary valid frame → encode → decode gives it back, for every type; FrameWriter output
// decodes to the frames it was asked to write, with field blocks split and reassembled.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  Flag,
  FrameType,
  FrameWriter,
  UNKNOWN_FRAME_TYPE,
  concatBytes,
  decodeFrames,
  encodeFrame,
  type Frame,
} from '@strand/frame';
import { anyFrameArb, bytesArb, decodeChunks, frameArbs, priorityArb, settingArb, splitAt, streamIdArb } from './support.js';

const BIG = 16_777_215;

for (const [name, arb] of Object.entries(frameArbs)) {
  test(`${name}: encodeFrame → decode is the identity, and FrameWriter.write writes the same bytes`, () => {
    fc.assert(
      fc.property(arb, (frame) => {
        const bytes = encodeFrame(frame);
        assert.equal(decodeFrames(bytes, { maxFrameSize: BIG }), [frame]);
        const writer = new FrameWriter();
        writer.write(frame);
        assert.is(writer.pendingBytes, bytes.length);
        const chunks = writer.flush();
        assert.equal(concatBytes(chunks), bytes);
        assert.equal(decodeChunks(chunks, BIG), [frame]);
      }),
      { numRuns: 1000 },
    );
  });
}

test('a stream of arbitrary frames cut at arbitrary points decodes to the same frames', () => {
  fc.assert(
    fc.property(
      fc.array(anyFrameArb, { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (frames, rawCuts) => {
        const bytes = concatBytes(frames.map(encodeFrame));
        const cuts = rawCuts.map((c) => c % (bytes.length + 1));
        assert.equal(decodeChunks(splitAt(bytes, cuts), BIG), frames);
      },
    ),
    { numRuns: 1000 },
  );
});

// ---- FrameWriter's own methods ----

/** One writer call and the logical frame it must produce (field blocks reassembled). */
interface Op {
  apply(w: FrameWriter): void;
  expect: Frame;
}

const padArg = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 }));
const maxFrameSizeArg = fc.oneof(fc.constant(16_384), fc.integer({ min: 262, max: 5000 }));
const blockArb = fc.oneof({ weight: 4, arbitrary: bytesArb }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 16_000, maxLength: 40_000 }) });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({ id: streamIdArb, data: fc.oneof(bytesArb, fc.uint8Array({ maxLength: 16_000 })), end: fc.boolean(), pad: padArg })
    .map(({ id, data, end, pad }): Op => ({
      apply: (w) => w.data(id, data, end, pad),
      expect: {
        type: FrameType.DATA,
        flags: (end ? Flag.END_STREAM : 0) | (pad > 0 ? Flag.PADDED : 0),
        streamId: id,
        data,
        padLength: pad,
        endStream: end,
        flowControlledLength: data.length + (pad > 0 ? pad + 1 : 0),
        piece: 0,
      },
    })),
  fc
    .record({
      id: streamIdArb,
      block: blockArb,
      end: fc.boolean(),
      priority: fc.option(priorityArb, { nil: undefined }),
      pad: padArg,
      max: maxFrameSizeArg,
    })
    .map(({ id, block, end, priority, pad, max }): Op => ({
      apply: (w) => w.headers(id, block, { endStream: end, priority, padLength: pad }, max),
      expect: {
        type: FrameType.HEADERS,
        flags:
          Flag.END_HEADERS | (end ? Flag.END_STREAM : 0) | (pad > 0 ? Flag.PADDED : 0) | (priority ? Flag.PRIORITY : 0),
        streamId: id,
        fragment: block,
        endStream: end,
        endHeaders: true,
        priority,
        padLength: pad,
      },
    })),
  fc
    .record({
      id: streamIdArb,
      promised: fc.integer({ min: 1, max: 0x3fff_ffff }).map((n) => n * 2),
      block: blockArb,
      pad: padArg,
      max: maxFrameSizeArg,
    })
    .map(({ id, promised, block, pad, max }): Op => ({
      apply: (w) => w.pushPromise(id, promised, block, { padLength: pad }, max),
      expect: {
        type: FrameType.PUSH_PROMISE,
        flags: Flag.END_HEADERS | (pad > 0 ? Flag.PADDED : 0),
        streamId: id,
        promisedStreamId: promised,
        fragment: block,
        endHeaders: true,
        padLength: pad,
      },
    })),
  fc.record({ id: streamIdArb, p: priorityArb }).map(({ id, p }): Op => {
    const priority = p.dependency === id ? { ...p, dependency: 0 } : p;
    return { apply: (w) => w.priority(id, priority), expect: { type: FrameType.PRIORITY, flags: 0, streamId: id, priority } };
  }),
  fc.record({ id: streamIdArb, code: fc.integer({ min: 0, max: 0xffff_ffff }) }).map(({ id, code }): Op => ({
    apply: (w) => w.rstStream(id, code),
    expect: { type: FrameType.RST_STREAM, flags: 0, streamId: id, errorCode: code },
  })),
  fc.array(settingArb, { maxLength: 8 }).map((settings): Op => ({
    apply: (w) => w.settings(settings),
    expect: { type: FrameType.SETTINGS, flags: 0, streamId: 0, ack: false, settings },
  })),
  fc.constant<Op>({
    apply: (w) => w.settingsAck(),
    expect: { type: FrameType.SETTINGS, flags: Flag.ACK, streamId: 0, ack: true, settings: [] },
  }),
  fc.record({ data: fc.uint8Array({ minLength: 8, maxLength: 8 }), ack: fc.boolean() }).map(({ data, ack }): Op => ({
    apply: (w) => w.ping(data, ack),
    expect: { type: FrameType.PING, flags: ack ? Flag.ACK : 0, streamId: 0, ack, opaqueData: data },
  })),
  fc
    .record({ last: fc.integer({ min: 0, max: 0x7fff_ffff }), code: fc.integer({ min: 0, max: 0xffff_ffff }), debug: bytesArb })
    .map(({ last, code, debug }): Op => ({
      apply: (w) => w.goaway(last, code, debug),
      expect: { type: FrameType.GOAWAY, flags: 0, streamId: 0, lastStreamId: last, errorCode: code, debugData: debug },
    })),
  fc
    .record({ id: fc.integer({ min: 0, max: 0x7fff_ffff }), inc: fc.integer({ min: 1, max: 0x7fff_ffff }) })
    .map(({ id, inc }): Op => ({
      apply: (w) => w.windowUpdate(id, inc),
      expect: { type: FrameType.WINDOW_UPDATE, flags: 0, streamId: id, increment: inc },
    })),
  fc.record({ id: streamIdArb, value: fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) }).map(
    ({ id, value }): Op => ({
      apply: (w) => w.priorityUpdate(id, value),
      expect: { type: FrameType.PRIORITY_UPDATE, flags: 0, streamId: 0, prioritizedStreamId: id, fieldValue: value },
    }),
  ),
  fc.record({ onStream: fc.boolean(), id: streamIdArb }).map(({ onStream, id }): Op => {
    const streamId = onStream ? id : 0;
    const origin = onStream ? '' : 'https://example.com';
    return {
      apply: (w) => w.altsvc(streamId, origin, 'h3=":443"; ma=60'),
      expect: { type: FrameType.ALTSVC, flags: 0, streamId, origin, fieldValue: 'h3=":443"; ma=60', ignore: false },
    };
  }),
  fc.array(fc.webUrl(), { maxLength: 4 }).map((origins): Op => ({
    apply: (w) => w.origin(origins),
    expect: { type: FrameType.ORIGIN, flags: 0, streamId: 0, origins, ignore: false },
  })),
  fc
    .record({ type: fc.integer({ min: 0x11, max: 0xff }), flags: fc.integer({ min: 0, max: 255 }), id: streamIdArb, payload: bytesArb })
    .map(({ type, flags, id, payload }): Op => ({
      apply: (w) => w.raw(type, flags, id, payload),
      expect: { type: UNKNOWN_FRAME_TYPE, flags, streamId: id, frameType: type, payload },
    })),
);

/** Merges each HEADERS/PUSH_PROMISE with its CONTINUATION frames into one frame carrying the whole block. */
function reassemble(frames: Frame[]): Frame[] {
  const out: Frame[] = [];
  for (const f of frames) {
    const open = out[out.length - 1];
    if (f.type === FrameType.CONTINUATION) {
      assert.ok(open && (open.type === FrameType.HEADERS || open.type === FrameType.PUSH_PROMISE), 'CONTINUATION follows a block');
      assert.ok(!open.endHeaders, 'block still open');
      assert.is(f.streamId, open.streamId);
      assert.is(f.flags & ~Flag.END_HEADERS, 0);
      open.fragment = concatBytes([open.fragment, f.fragment]);
      if (f.endHeaders) {
        open.endHeaders = true;
        open.flags |= Flag.END_HEADERS;
      }
    } else {
      if (open && (open.type === FrameType.HEADERS || open.type === FrameType.PUSH_PROMISE)) assert.ok(open.endHeaders);
      out.push(f);
    }
  }
  return out;
}

test('FrameWriter methods: flushed chunks decode to the frames asked for, field blocks reassembled', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 10 }), fc.boolean(), (ops, flushEach) => {
      const writer = new FrameWriter();
      const chunks: Uint8Array[] = [];
      for (const op of ops) {
        op.apply(writer);
        if (flushEach) chunks.push(...writer.flush());
      }
      chunks.push(...writer.flush());
      assert.is(writer.pendingBytes, 0);
      assert.equal(reassemble(decodeChunks(chunks, BIG)), ops.map((o) => o.expect));
    }),
    { numRuns: 1000 },
  );
});

test('headers()/pushPromise() split at maxFrameSize: HEADERS then CONTINUATION, END_HEADERS on the last only', () => {
  fc.assert(
    fc.property(
      streamIdArb,
      fc.uint8Array({ maxLength: 3000 }),
      fc.option(priorityArb, { nil: undefined }),
      padArg,
      fc.integer({ min: 262, max: 1200 }),
      fc.boolean(),
      (id, block, priority, pad, max, push) => {
        const writer = new FrameWriter();
        if (push) writer.pushPromise(id, 2, block, { padLength: pad }, max);
        else writer.headers(id, block, { priority, padLength: pad }, max);
        const overhead = (pad > 0 ? pad + 1 : 0) + (push ? 4 : priority ? 5 : 0);
        const first = Math.min(block.length, max - overhead);
        const frames = decodeFrames(concatBytes(writer.flush()), { maxFrameSize: 16_384 });
        assert.is(frames.length, 1 + Math.ceil((block.length - first) / max));
        const head = frames[0]!;
        assert.is(head.type, push ? FrameType.PUSH_PROMISE : FrameType.HEADERS);
        frames.forEach((f, i) => {
          assert.ok(f.type === FrameType.CONTINUATION || i === 0);
          if (f.type === FrameType.CONTINUATION) assert.ok(f.fragment.length <= max && f.fragment.length > 0);
          if (f.type === FrameType.HEADERS || f.type === FrameType.PUSH_PROMISE || f.type === FrameType.CONTINUATION) {
            assert.is(f.endHeaders, i === frames.length - 1);
          }
        });
        assert.equal(reassemble(frames).length, 1);
      },
    ),
    { numRuns: 1000 },
  );
});

test.run();
