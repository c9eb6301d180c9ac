// Shared test helpers: fast-check arbitraries producing valid decoded frames (exactly the shape the decoder
// returns), and decoding helpers.
import fc from 'fast-check';
import { Flag, FrameDecoder, FrameType, UNKNOWN_FRAME_TYPE, type Frame, type PrioritySpec, type Setting } from '@strand/frame';

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Decodes everything from `chunks` pushed one by one (draining after each push). */
export function decodeChunks(chunks: readonly Uint8Array[], maxFrameSize?: number): Frame[] {
  const decoder = new FrameDecoder(maxFrameSize === undefined ? {} : { maxFrameSize });
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let f = decoder.next(); f !== null; f = decoder.next()) frames.push(f);
  }
  if (decoder.buffered !== 0) throw new Error(`${decoder.buffered} octets left over`);
  return frames;
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, inside the buffer). */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

// ---- arbitraries ----

const MAX31 = 0x7fff_ffff;
export const streamIdArb = fc.integer({ min: 1, max: MAX31 });
const uint31 = fc.integer({ min: 0, max: MAX31 });
const uint32 = fc.integer({ min: 0, max: 0xffff_ffff });
/** Mostly small payloads, sometimes past the writer's 1 KiB copy threshold. */
export const bytesArb = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1024, maxLength: 3000 }) },
);
const latin1 = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1'));
const nonEmptyLatin1 = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1'));

/** Flag bits a type does not define, so arbitraries can set them and check they are ignored and kept. */
function undefinedFlags(defined: number) {
  return fc.integer({ min: 0, max: 255 }).map((f) => f & ~defined);
}

/** [padded, padLength]: padded with any 0..255 (0 = PADDED with an empty padding) or not padded. */
const padArb = fc.oneof(fc.constant<[boolean, number]>([false, 0]), fc.tuple(fc.constant(true), fc.integer({ min: 0, max: 255 })));

export const priorityArb: fc.Arbitrary<PrioritySpec> = fc.record({
  exclusive: fc.boolean(),
  dependency: uint31,
  weight: fc.integer({ min: 1, max: 256 }),
}, { noNullPrototype: true });

const dataArb = fc
  .record({ extra: undefinedFlags(0x09), streamId: streamIdArb, data: bytesArb, endStream: fc.boolean(), pad: padArb })
  .map(({ extra, streamId, data, endStream, pad: [padded, padLength] }): Frame => ({
    type: FrameType.DATA,
    flags: extra | (endStream ? Flag.END_STREAM : 0) | (padded ? Flag.PADDED : 0),
    streamId,
    data,
    padLength,
    endStream,
    flowControlledLength: data.length + (padded ? 1 + padLength : 0),
    piece: 0,
  }));

const headersArb = fc
  .record({
    extra: undefinedFlags(0x2d),
    streamId: streamIdArb,
    fragment: bytesArb,
    endStream: fc.boolean(),
    endHeaders: fc.boolean(),
    priority: fc.option(priorityArb, { nil: undefined }),
    pad: padArb,
  })
  .map(({ extra, streamId, fragment, endStream, endHeaders, priority, pad: [padded, padLength] }): Frame => ({
    type: FrameType.HEADERS,
    flags:
      extra |
      (endStream ? Flag.END_STREAM : 0) |
      (endHeaders ? Flag.END_HEADERS : 0) |
      (padded ? Flag.PADDED : 0) |
      (priority ? Flag.PRIORITY : 0),
    streamId,
    fragment,
    endStream,
    endHeaders,
    priority,
    padLength,
  }));

const priorityFrameArb = fc
  .record({ flags: undefinedFlags(0), streamId: streamIdArb, priority: priorityArb })
  .map(({ flags, streamId, priority }): Frame => ({
    type: FrameType.PRIORITY,
    flags,
    streamId,
    // a self-dependency is a stream error, so keep clear of it
    priority: priority.dependency === streamId ? { ...priority, dependency: streamId - 1 } : priority,
  }));

const rstArb = fc
  .record({ flags: undefinedFlags(0), streamId: streamIdArb, errorCode: uint32 })
  .map((r): Frame => ({ type: FrameType.RST_STREAM, ...r }));

/** A setting with a value legal for its identifier (RFC 9113 §6.5.2, RFC 8441, RFC 9218); ids 1..9 often. */
export const settingArb: fc.Arbitrary<Setting> = fc
  .oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 0xffff }))
  .chain((id) => {
    let value: fc.Arbitrary<number> = uint32;
    if (id === 2 || id === 8 || id === 9) value = fc.integer({ min: 0, max: 1 });
    else if (id === 4) value = uint31;
    else if (id === 5) value = fc.integer({ min: 16384, max: 16_777_215 });
    return value.map((v): Setting => [id, v]);
  });

const settingsArb = fc
  .record({
    extra: undefinedFlags(0x01),
    ack: fc.boolean(),
    settings: fc.array(settingArb, { maxLength: 12 }),
  })
  .map(({ extra, ack, settings }): Frame => ({
    type: FrameType.SETTINGS,
    flags: extra | (ack ? Flag.ACK : 0),
    streamId: 0,
    ack,
    settings: ack ? [] : settings,
  }));

const pushPromiseArb = fc
  .record({
    extra: undefinedFlags(0x0c),
    streamId: streamIdArb,
    promised: fc.integer({ min: 1, max: MAX31 >>> 1 }).map((n) => n * 2),
    fragment: bytesArb,
    endHeaders: fc.boolean(),
    pad: padArb,
  })
  .map(({ extra, streamId, promised, fragment, endHeaders, pad: [padded, padLength] }): Frame => ({
    type: FrameType.PUSH_PROMISE,
    flags: extra | (endHeaders ? Flag.END_HEADERS : 0) | (padded ? Flag.PADDED : 0),
    streamId,
    promisedStreamId: promised,
    fragment,
    endHeaders,
    padLength,
  }));

const pingArb = fc
  .record({ extra: undefinedFlags(0x01), ack: fc.boolean(), opaqueData: fc.uint8Array({ minLength: 8, maxLength: 8 }) })
  .map(({ extra, ack, opaqueData }): Frame => ({
    type: FrameType.PING,
    flags: extra | (ack ? Flag.ACK : 0),
    streamId: 0,
    ack,
    opaqueData,
  }));

const goawayArb = fc
  .record({ flags: undefinedFlags(0), lastStreamId: uint31, errorCode: uint32, debugData: bytesArb })
  .map(({ flags, lastStreamId, errorCode, debugData }): Frame => ({
    type: FrameType.GOAWAY,
    flags,
    streamId: 0,
    lastStreamId,
    errorCode,
    debugData,
  }));

const windowUpdateArb = fc
  .record({ flags: undefinedFlags(0), streamId: uint31, increment: fc.integer({ min: 1, max: MAX31 }) })
  .map((r): Frame => ({ type: FrameType.WINDOW_UPDATE, ...r }));

const continuationArb = fc
  .record({ extra: undefinedFlags(0x04), streamId: streamIdArb, fragment: bytesArb, endHeaders: fc.boolean() })
  .map(({ extra, streamId, fragment, endHeaders }): Frame => ({
    type: FrameType.CONTINUATION,
    flags: extra | (endHeaders ? Flag.END_HEADERS : 0),
    streamId,
    fragment,
    endHeaders,
  }));

const altsvcArb = fc
  .record({
    flags: undefinedFlags(0),
    streamId: fc.oneof(fc.constant(0), streamIdArb),
    origin: fc.oneof(fc.constant(''), nonEmptyLatin1),
    fieldValue: latin1,
  })
  .map(({ flags, streamId, origin, fieldValue }): Frame => ({
    type: FrameType.ALTSVC,
    flags,
    streamId,
    origin,
    fieldValue,
    ignore: streamId === 0 ? origin === '' : origin !== '',
  }));

const originArb = fc.oneof(
  fc
    .record({ flags: undefinedFlags(0x0f), origins: fc.array(latin1, { maxLength: 5 }) })
    .map(({ flags, origins }): Frame => ({ type: FrameType.ORIGIN, flags, streamId: 0, origins, ignore: false })),
  // ignored ones: on a stream, or with an incompatible flag; their payload is not parsed
  fc
    .record({ flags: fc.integer({ min: 1, max: 15 }), streamId: fc.oneof(fc.constant(0), streamIdArb) })
    .map(({ flags, streamId }): Frame => ({ type: FrameType.ORIGIN, flags, streamId, origins: [], ignore: true })),
);

const priorityUpdateArb = fc
  .record({ flags: undefinedFlags(0), prioritizedStreamId: streamIdArb, fieldValue: latin1 })
  .map(({ flags, prioritizedStreamId, fieldValue }): Frame => ({
    type: FrameType.PRIORITY_UPDATE,
    flags,
    streamId: 0,
    prioritizedStreamId,
    fieldValue,
  }));

const KNOWN_TYPES = new Set<number>(Object.values(FrameType));
const unknownArb = fc
  .record({
    frameType: fc.integer({ min: 0, max: 255 }).filter((t) => !KNOWN_TYPES.has(t)),
    flags: fc.integer({ min: 0, max: 255 }),
    streamId: uint31,
    payload: bytesArb,
  })
  .map(({ frameType, flags, streamId, payload }): Frame => ({
    type: UNKNOWN_FRAME_TYPE,
    flags,
    streamId,
    frameType,
    payload,
  }));

/** One arbitrary per frame kind, keyed by name. */
export const frameArbs: Record<string, fc.Arbitrary<Frame>> = {
  DATA: dataArb,
  HEADERS: headersArb,
  PRIORITY: priorityFrameArb,
  RST_STREAM: rstArb,
  SETTINGS: settingsArb,
  PUSH_PROMISE: pushPromiseArb,
  PING: pingArb,
  GOAWAY: goawayArb,
  WINDOW_UPDATE: windowUpdateArb,
  CONTINUATION: continuationArb,
  ALTSVC: altsvcArb,
  ORIGIN: originArb,
  PRIORITY_UPDATE: priorityUpdateArb,
  UNKNOWN: unknownArb,
};

export const anyFrameArb: fc.Arbitrary<Frame> = fc.oneof(...Object.values(frameArbs));
