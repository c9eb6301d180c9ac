import { DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_LENGTH, Flag, FrameType, UNKNOWN_FRAME_TYPE } from './constants.js';
import { EMPTY_BYTES, latin1Bytes, writeFrameHeader, writeUint16, writeUint32 } from './bytes.js';
import {
  checkMaxFrameSizeArg,
  checkPayloadLength,
  checkPriority,
  checkUint31,
  checkUint32,
  checkUint8,
} from './checks.js';
import type { FrameInit, PrioritySpec } from './types.js';

export interface FrameWriterOptions {
  /**
   * DATA (and `raw`) payloads shorter than this are copied into the internal buffer so small frames
   * coalesce; longer ones are kept by reference and become their own chunk. Default 1024.
   */
  copyThreshold?: number;
  /** Size of each internal buffer slab. Default 16384. */
  slabSize?: number;
  /**
   * Allocates a slab (default `new Uint8Array(size)`). A Node caller passes `Buffer.allocUnsafe` so the chunks
   * it writes are Buffers already (net.Socket converts every plain Uint8Array it is given, one object per write).
   * The writer only hands out bytes it has written, so uninitialised memory never leaves it.
   */
  allocate?: (size: number) => Uint8Array;
}

export interface HeadersOptions {
  endStream?: boolean;
  /** RFC 7540-style priority (PRIORITY flag), deprecated by RFC 9113 §5.3.2 but still encodable. */
  priority?: PrioritySpec;
  /** 1..255 adds padding (PADDED flag); 0 or absent sends none. */
  padLength?: number;
}

export interface PushPromiseOptions {
  padLength?: number;
}

const NO_OPTIONS: HeadersOptions = {};
const DEFAULT_COPY_THRESHOLD = 1024;
const DEFAULT_SLAB_SIZE = 16_384;
const utf8 = new TextEncoder();

/** Pad field of the primitives: -1 = not padded, otherwise the pad length (0..255) with the PADDED flag. */
type Pad = number;

/**
 * Serializes frames for the hot path. Headers and control frames are written into an internal buffer;
 * large DATA payloads are kept by reference. `flush()` hands back everything written since the last flush
 * as a list of chunks for one writev/cork: e.g. [frame headers + small frames, big DATA payload, ...].
 *
 * Ownership: the writer never writes into bytes it has handed out (a full slab is replaced, not reused), and
 * DATA payloads given by reference must stay unmodified until the flushed chunks have been written.
 * Header blocks are always copied (an HPACK encoder may reuse its output buffer).
 *
 * Arguments are checked only for fitting their wire fields (RangeError); protocol rules are the caller's.
 */
export class FrameWriter {
  private slab: Uint8Array;
  /** Octets of `slab` written so far. */
  private used = 0;
  /** Start of the part of `slab` written but not yet turned into a chunk. */
  private segmentStart = 0;
  private chunks: Uint8Array[] = [];
  private chunkBytes = 0;
  private readonly copyThreshold: number;
  private readonly slabSize: number;
  private readonly allocate: (size: number) => Uint8Array;

  constructor(options: FrameWriterOptions = {}) {
    this.copyThreshold = options.copyThreshold ?? DEFAULT_COPY_THRESHOLD;
    this.slabSize = options.slabSize ?? DEFAULT_SLAB_SIZE;
    this.allocate = options.allocate ?? allocateBytes;
    this.slab = EMPTY_BYTES; // allocated by the first frame
  }

  /** Octets written and not yet flushed. */
  get pendingBytes(): number {
    return this.chunkBytes + this.used - this.segmentStart;
  }

  /**
   * Drops the current slab once everything is flushed, so an idle connection holds no buffer; the next frame
   * allocates a fresh one. Returns false (and keeps the slab) while bytes are pending.
   */
  release(): boolean {
    if (this.pendingBytes > 0) return false;
    this.slab = EMPTY_BYTES;
    this.used = 0;
    this.segmentStart = 0;
    return true;
  }

  /** Everything written since the last flush, in order; the writer keeps no reference to the list. */
  flush(): Uint8Array[] {
    this.seal();
    const out = this.chunks;
    this.chunks = [];
    this.chunkBytes = 0;
    return out;
  }

  // ---- frames ----

  /** DATA (RFC 9113 §6.1). `padLength` 1..255 pads it; the payload is referenced when ≥ copyThreshold. */
  data(streamId: number, payload: Uint8Array, endStream = false, padLength = 0): void {
    checkUint31(streamId, 'stream id');
    this.writeData(streamId, endStream ? Flag.END_STREAM : 0, payload, padArgument(padLength));
  }

  /**
   * HEADERS (RFC 9113 §6.2) carrying a whole field block, split into HEADERS + CONTINUATION frames (§6.10)
   * so that no payload exceeds `maxFrameSize` (the peer's SETTINGS_MAX_FRAME_SIZE).
   */
  headers(streamId: number, block: Uint8Array, options = NO_OPTIONS, maxFrameSize = DEFAULT_MAX_FRAME_SIZE): void {
    checkUint31(streamId, 'stream id');
    const pad = padArgument(options.padLength);
    const priority = options.priority;
    const overhead = (pad >= 0 ? pad + 1 : 0) + (priority === undefined ? 0 : 5);
    checkMaxFrameSizeArg(maxFrameSize, overhead);
    const first = Math.min(block.length, maxFrameSize - overhead);
    let flags = options.endStream === true ? Flag.END_STREAM : 0;
    if (first === block.length) flags |= Flag.END_HEADERS;
    this.writeHeaders(streamId, flags, pad, priority, block, 0, first);
    this.writeContinuations(streamId, block, first, maxFrameSize);
  }

  /** PUSH_PROMISE (RFC 9113 §6.6) with its field block, split into CONTINUATION frames like `headers`. */
  pushPromise(
    streamId: number,
    promisedStreamId: number,
    block: Uint8Array,
    options: PushPromiseOptions = NO_OPTIONS,
    maxFrameSize = DEFAULT_MAX_FRAME_SIZE,
  ): void {
    checkUint31(streamId, 'stream id');
    checkUint31(promisedStreamId, 'promised stream id');
    const pad = padArgument(options.padLength);
    const overhead = (pad >= 0 ? pad + 1 : 0) + 4;
    checkMaxFrameSizeArg(maxFrameSize, overhead);
    const first = Math.min(block.length, maxFrameSize - overhead);
    const flags = first === block.length ? Flag.END_HEADERS : 0;
    this.writePushPromise(streamId, flags, pad, promisedStreamId, block, 0, first);
    this.writeContinuations(streamId, block, first, maxFrameSize);
  }

  /** PRIORITY (RFC 9113 §6.3). */
  priority(streamId: number, priority: PrioritySpec): void {
    checkUint31(streamId, 'stream id');
    this.writePriority(streamId, 0, priority);
  }

  /** RST_STREAM (RFC 9113 §6.4). */
  rstStream(streamId: number, errorCode: number): void {
    checkUint31(streamId, 'stream id');
    this.writeUint32Frame(FrameType.RST_STREAM, 0, streamId, errorCode, 'error code');
  }

  /** SETTINGS (RFC 9113 §6.5) with parameters in the given order. */
  settings(entries: ReadonlyArray<readonly [id: number, value: number]>): void {
    this.writeSettings(0, entries);
  }

  /** SETTINGS with the ACK flag and no payload (RFC 9113 §6.5.3). */
  settingsAck(): void {
    this.writeSettings(Flag.ACK, []);
  }

  /** PING (RFC 9113 §6.7); `opaqueData` must be 8 octets. */
  ping(opaqueData: Uint8Array, ack = false): void {
    this.writePing(ack ? Flag.ACK : 0, opaqueData);
  }

  /** GOAWAY (RFC 9113 §6.8). A string debug text is sent as UTF-8. */
  goaway(lastStreamId: number, errorCode: number, debugData: Uint8Array | string = EMPTY_BYTES): void {
    this.writeGoaway(0, lastStreamId, errorCode, typeof debugData === 'string' ? utf8.encode(debugData) : debugData);
  }

  /** WINDOW_UPDATE (RFC 9113 §6.9). */
  windowUpdate(streamId: number, increment: number): void {
    checkUint31(streamId, 'stream id');
    checkUint31(increment, 'window increment');
    this.writeUint32Frame(FrameType.WINDOW_UPDATE, 0, streamId, increment, 'window increment');
  }

  /** PRIORITY_UPDATE (RFC 9218 §7.1), on stream 0; `fieldValue` is the ASCII Priority Field Value. */
  priorityUpdate(prioritizedStreamId: number, fieldValue: string): void {
    this.writePriorityUpdate(0, 0, prioritizedStreamId, fieldValue);
  }

  /** ALTSVC (RFC 7838 §4): origin non-empty on stream 0, empty on a stream. */
  altsvc(streamId: number, origin: string, fieldValue: string): void {
    checkUint31(streamId, 'stream id');
    this.writeAltsvc(0, streamId, origin, fieldValue);
  }

  /** ORIGIN (RFC 8336 §2), on stream 0. */
  origin(origins: readonly string[]): void {
    this.writeOrigin(0, 0, origins);
  }

  /**
   * Any frame, unchecked: type, flags and all 32 bits of the stream id (reserved bit included) as given.
   * For test clients that must send malformed or unknown frames.
   */
  raw(type: number, flags: number, streamId: number, payload: Uint8Array): void {
    checkUint8(type, 'frame type');
    checkUint8(flags, 'flags');
    checkUint32(streamId, 'stream id');
    checkPayloadLength(payload.length, 'raw frame');
    if (payload.length < this.copyThreshold) {
      this.writeCopy(type, flags, streamId, payload, 0, payload.length);
    } else {
      const at = this.reserve(FRAME_HEADER_LENGTH); // before reading this.slab: reserve may replace it
      writeFrameHeader(this.slab, at, payload.length, type, flags, streamId);
      this.reference(payload);
    }
  }

  /**
   * Exactly one frame as described, no splitting (used by `encodeFrame`). Defined flags are recomputed from
   * the typed fields; other bits of `frame.flags` are kept. A DATA/HEADERS/PUSH_PROMISE with the PADDED flag
   * in `flags` and padLength 0 gets an empty padding (a pad length octet of 0).
   */
  write(frame: FrameInit): void {
    const flags = frame.flags ?? 0;
    if (frame.type === UNKNOWN_FRAME_TYPE) {
      this.raw(frame.frameType, flags, frame.streamId, frame.payload);
      return;
    }
    checkUint31(frame.streamId, 'stream id');
    switch (frame.type) {
      case FrameType.DATA:
        this.writeData(
          frame.streamId,
          withFlag(flags, Flag.END_STREAM, frame.endStream),
          frame.data,
          padField(frame.padLength, flags),
        );
        return;
      case FrameType.HEADERS: {
        const f = withFlag(withFlag(flags, Flag.END_STREAM, frame.endStream), Flag.END_HEADERS, frame.endHeaders);
        const fragment = frame.fragment;
        this.writeHeaders(frame.streamId, f, padField(frame.padLength, flags), frame.priority, fragment, 0, fragment.length);
        return;
      }
      case FrameType.PRIORITY:
        this.writePriority(frame.streamId, flags, frame.priority);
        return;
      case FrameType.RST_STREAM:
        this.writeUint32Frame(FrameType.RST_STREAM, flags, frame.streamId, frame.errorCode, 'error code');
        return;
      case FrameType.SETTINGS:
        this.writeSettings(withFlag(flags, Flag.ACK, frame.ack), frame.settings ?? [], frame.streamId);
        return;
      case FrameType.PUSH_PROMISE: {
        checkUint31(frame.promisedStreamId, 'promised stream id');
        const fragment = frame.fragment;
        const f = withFlag(flags, Flag.END_HEADERS, frame.endHeaders);
        const pad = padField(frame.padLength, flags);
        this.writePushPromise(frame.streamId, f, pad, frame.promisedStreamId, fragment, 0, fragment.length);
        return;
      }
      case FrameType.PING:
        this.writePing(withFlag(flags, Flag.ACK, frame.ack), frame.opaqueData, frame.streamId);
        return;
      case FrameType.GOAWAY:
        this.writeGoaway(flags, frame.lastStreamId, frame.errorCode, frame.debugData ?? EMPTY_BYTES, frame.streamId);
        return;
      case FrameType.WINDOW_UPDATE:
        checkUint31(frame.increment, 'window increment');
        this.writeUint32Frame(FrameType.WINDOW_UPDATE, flags, frame.streamId, frame.increment, 'window increment');
        return;
      case FrameType.CONTINUATION: {
        const fragment = frame.fragment;
        checkPayloadLength(fragment.length, 'CONTINUATION');
        const f = withFlag(flags, Flag.END_HEADERS, frame.endHeaders);
        this.writeCopy(FrameType.CONTINUATION, f, frame.streamId, fragment, 0, fragment.length);
        return;
      }
      case FrameType.ALTSVC:
        this.writeAltsvc(flags, frame.streamId, frame.origin, frame.fieldValue);
        return;
      case FrameType.ORIGIN:
        this.writeOrigin(flags, frame.streamId, frame.origins);
        return;
      case FrameType.PRIORITY_UPDATE:
        this.writePriorityUpdate(flags, frame.streamId, frame.prioritizedStreamId, frame.fieldValue);
        return;
    }
  }

  // ---- primitives: one frame each; stream ids and pads are already checked, other fields are checked here ----

  private writeData(streamId: number, flags: number, payload: Uint8Array, pad: Pad): void {
    const n = payload.length;
    if (n < this.copyThreshold) {
      const at = this.beginPadded(FrameType.DATA, flags, streamId, pad, n);
      this.slab.set(payload, at);
      return;
    }
    const length = pad >= 0 ? n + 1 + pad : n;
    checkPayloadLength(length, 'DATA');
    const at = this.reserve(pad >= 0 ? FRAME_HEADER_LENGTH + 1 : FRAME_HEADER_LENGTH);
    writeFrameHeader(this.slab, at, length, FrameType.DATA, padFlags(flags, pad), streamId);
    if (pad >= 0) this.slab[at + FRAME_HEADER_LENGTH] = pad;
    this.reference(payload);
    if (pad > 0) {
      const padAt = this.reserve(pad);
      this.slab.fill(0, padAt, padAt + pad);
    }
  }

  private writeHeaders(
    streamId: number,
    flags: number,
    pad: Pad,
    priority: PrioritySpec | undefined,
    block: Uint8Array,
    from: number,
    to: number,
  ): void {
    if (priority !== undefined) checkPriority(priority);
    const f = priority === undefined ? flags & ~Flag.PRIORITY : flags | Flag.PRIORITY;
    let at = this.beginPadded(FrameType.HEADERS, f, streamId, pad, (priority === undefined ? 0 : 5) + to - from);
    if (priority !== undefined) {
      writePrioritySpec(this.slab, at, priority);
      at += 5;
    }
    this.slab.set(from === 0 && to === block.length ? block : block.subarray(from, to), at);
  }

  private writePushPromise(
    streamId: number,
    flags: number,
    pad: Pad,
    promisedStreamId: number,
    block: Uint8Array,
    from: number,
    to: number,
  ): void {
    const at = this.beginPadded(FrameType.PUSH_PROMISE, flags, streamId, pad, 4 + to - from);
    writeUint32(this.slab, at, promisedStreamId);
    this.slab.set(from === 0 && to === block.length ? block : block.subarray(from, to), at + 4);
  }

  /** CONTINUATION frames for `block[from..)`, each at most `maxFrameSize`, END_HEADERS on the last (§6.10). */
  private writeContinuations(streamId: number, block: Uint8Array, from: number, maxFrameSize: number): void {
    while (from < block.length) {
      const to = Math.min(block.length, from + maxFrameSize);
      this.writeCopy(FrameType.CONTINUATION, to === block.length ? Flag.END_HEADERS : 0, streamId, block, from, to);
      from = to;
    }
  }

  private writePriority(streamId: number, flags: number, priority: PrioritySpec): void {
    checkPriority(priority);
    const at = this.reserve(FRAME_HEADER_LENGTH + 5);
    writeFrameHeader(this.slab, at, 5, FrameType.PRIORITY, flags, streamId);
    writePrioritySpec(this.slab, at + FRAME_HEADER_LENGTH, priority);
  }

  private writeUint32Frame(type: number, flags: number, streamId: number, value: number, what: string): void {
    checkUint32(value, what);
    const at = this.reserve(FRAME_HEADER_LENGTH + 4);
    writeFrameHeader(this.slab, at, 4, type, flags, streamId);
    writeUint32(this.slab, at + FRAME_HEADER_LENGTH, value);
  }

  private writeSettings(flags: number, entries: ReadonlyArray<readonly [number, number]>, streamId = 0): void {
    const length = entries.length * 6;
    checkPayloadLength(length, 'SETTINGS');
    for (const [id, value] of entries) {
      if ((id & 0xffff) !== id) throw new RangeError(`setting id must be an integer in [0, 65535], got ${id}`);
      checkUint32(value, 'setting value');
    }
    let at = this.reserve(FRAME_HEADER_LENGTH + length);
    writeFrameHeader(this.slab, at, length, FrameType.SETTINGS, flags, streamId);
    at += FRAME_HEADER_LENGTH;
    for (const [id, value] of entries) {
      writeUint16(this.slab, at, id);
      writeUint32(this.slab, at + 2, value);
      at += 6;
    }
  }

  private writePing(flags: number, opaqueData: Uint8Array, streamId = 0): void {
    if (opaqueData.length !== 8) throw new RangeError(`PING opaque data must be 8 octets, got ${opaqueData.length}`);
    this.writeCopy(FrameType.PING, flags, streamId, opaqueData, 0, 8);
  }

  private writeGoaway(flags: number, lastStreamId: number, errorCode: number, debugData: Uint8Array, streamId = 0): void {
    checkUint31(lastStreamId, 'last stream id');
    checkUint32(errorCode, 'error code');
    const length = 8 + debugData.length;
    checkPayloadLength(length, 'GOAWAY');
    const at = this.reserve(FRAME_HEADER_LENGTH + length);
    writeFrameHeader(this.slab, at, length, FrameType.GOAWAY, flags, streamId);
    writeUint32(this.slab, at + 9, lastStreamId);
    writeUint32(this.slab, at + 13, errorCode);
    this.slab.set(debugData, at + 17);
  }

  private writePriorityUpdate(flags: number, streamId: number, prioritizedStreamId: number, fieldValue: string): void {
    checkUint31(prioritizedStreamId, 'prioritized stream id');
    const value = latin1Bytes(fieldValue, 'PRIORITY_UPDATE field value');
    const length = 4 + value.length;
    checkPayloadLength(length, 'PRIORITY_UPDATE');
    const at = this.reserve(FRAME_HEADER_LENGTH + length);
    writeFrameHeader(this.slab, at, length, FrameType.PRIORITY_UPDATE, flags, streamId);
    writeUint32(this.slab, at + 9, prioritizedStreamId);
    this.slab.set(value, at + 13);
  }

  private writeAltsvc(flags: number, streamId: number, origin: string, fieldValue: string): void {
    const originBytes = latin1Bytes(origin, 'ALTSVC origin');
    const value = latin1Bytes(fieldValue, 'ALTSVC field value');
    if (originBytes.length > 0xffff) throw new RangeError(`ALTSVC origin of ${originBytes.length} octets is too long`);
    const length = 2 + originBytes.length + value.length;
    checkPayloadLength(length, 'ALTSVC');
    const at = this.reserve(FRAME_HEADER_LENGTH + length);
    writeFrameHeader(this.slab, at, length, FrameType.ALTSVC, flags, streamId);
    writeUint16(this.slab, at + 9, originBytes.length);
    this.slab.set(originBytes, at + 11);
    this.slab.set(value, at + 11 + originBytes.length);
  }

  private writeOrigin(flags: number, streamId: number, origins: readonly string[]): void {
    const encoded = origins.map((o) => latin1Bytes(o, 'ORIGIN entry'));
    let length = 0;
    for (const e of encoded) {
      if (e.length > 0xffff) throw new RangeError(`ORIGIN entry of ${e.length} octets is too long`);
      length += 2 + e.length;
    }
    checkPayloadLength(length, 'ORIGIN');
    let at = this.reserve(FRAME_HEADER_LENGTH + length);
    writeFrameHeader(this.slab, at, length, FrameType.ORIGIN, flags, streamId);
    at += FRAME_HEADER_LENGTH;
    for (const e of encoded) {
      writeUint16(this.slab, at, e.length);
      this.slab.set(e, at + 2);
      at += 2 + e.length;
    }
  }

  /** A frame whose payload is `src[from..to)`, copied. */
  private writeCopy(type: number, flags: number, streamId: number, src: Uint8Array, from: number, to: number): void {
    const at = this.reserve(FRAME_HEADER_LENGTH + to - from);
    writeFrameHeader(this.slab, at, to - from, type, flags, streamId);
    this.slab.set(from === 0 && to === src.length ? src : src.subarray(from, to), at + FRAME_HEADER_LENGTH);
  }

  /**
   * Reserves a whole padded-capable frame of `bodyLength` content octets (fixed fields + data), writes its
   * header, pad length octet and zero padding, and returns where the body goes (RFC 9113 §6.1 layout).
   */
  private beginPadded(type: number, flags: number, streamId: number, pad: Pad, bodyLength: number): number {
    const length = pad >= 0 ? bodyLength + 1 + pad : bodyLength;
    checkPayloadLength(length, type === FrameType.DATA ? 'DATA' : type === FrameType.HEADERS ? 'HEADERS' : 'PUSH_PROMISE');
    const at = this.reserve(FRAME_HEADER_LENGTH + length);
    writeFrameHeader(this.slab, at, length, type, padFlags(flags, pad), streamId);
    let body = at + FRAME_HEADER_LENGTH;
    if (pad >= 0) {
      this.slab[body++] = pad;
      this.slab.fill(0, body + bodyLength, body + bodyLength + pad); // §6.1: padding octets MUST be zero
    }
    return body;
  }

  // ---- buffer management ----

  /** `n` contiguous writable octets in `slab`; returns their offset. Never reuses handed-out bytes. */
  private reserve(n: number): number {
    const at = this.used;
    if (this.slab.length - at >= n) {
      this.used = at + n;
      return at;
    }
    this.seal();
    this.slab = this.allocate(n > this.slabSize ? n : this.slabSize);
    this.segmentStart = 0;
    this.used = n;
    return 0;
  }

  /** Turns the written part of the slab into a chunk. */
  private seal(): void {
    if (this.used > this.segmentStart) {
      this.chunks.push(this.slab.subarray(this.segmentStart, this.used));
      this.chunkBytes += this.used - this.segmentStart;
      this.segmentStart = this.used;
    }
  }

  private reference(payload: Uint8Array): void {
    this.seal();
    this.chunks.push(payload);
    this.chunkBytes += payload.length;
  }
}

function withFlag(flags: number, flag: number, on: boolean | undefined): number {
  return on === true ? flags | flag : flags & ~flag;
}

function padFlags(flags: number, pad: Pad): number {
  return pad >= 0 ? flags | Flag.PADDED : flags & ~Flag.PADDED;
}

/** Public `padLength` argument: 0/absent = no padding. */
function padArgument(padLength: number | undefined): Pad {
  if (padLength === undefined || padLength === 0) return -1;
  checkUint8(padLength, 'pad length');
  return padLength;
}

/** Pad of a frame object: padded when padLength > 0 or the PADDED flag is set (empty padding). */
function padField(padLength: number | undefined, flags: number): Pad {
  const pad = padLength ?? 0;
  if (pad === 0 && (flags & Flag.PADDED) === 0) return -1;
  checkUint8(pad, 'pad length');
  return pad;
}

function writePrioritySpec(b: Uint8Array, o: number, priority: PrioritySpec): void {
  writeUint32(b, o, priority.exclusive ? (priority.dependency | 0x8000_0000) >>> 0 : priority.dependency);
  b[o + 4] = priority.weight - 1;
}

function allocateBytes(size: number): Uint8Array {
  return new Uint8Array(size);
}
