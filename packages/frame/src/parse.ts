import { ErrorCode, Flag, FrameType, UNKNOWN_FRAME_TYPE, frameTypeName } from './constants.js';
import { connectionError, streamError } from './errors.js';
import { latin1String, readUint16, readUint31, readUint32 } from './bytes.js';
import { priorityError } from './rules.js';
import { settingError } from './settings.js';
import type {
  AltsvcFrame,
  ContinuationFrame,
  DataFrame,
  Frame,
  GoawayFrame,
  HeadersFrame,
  OriginFrame,
  PingFrame,
  PriorityFrame,
  PrioritySpec,
  PriorityUpdateFrame,
  PushPromiseFrame,
  RstStreamFrame,
  Setting,
  SettingsFrame,
  WindowUpdateFrame,
} from './types.js';

/** RFC 8336 §2.1: flags reserved for backwards-incompatible changes; a frame carrying any is ignored. */
const ORIGIN_INCOMPATIBLE_FLAGS = 0x0f;

/**
 * Decodes and validates one frame payload, `buf[start .. start+length)`, whose header was already read.
 * Applies every stateless rule of RFC 9113 §4.2 and §6 and of RFC 7838, RFC 8336 and RFC 9218 §7.1, except
 * the length-versus-SETTINGS_MAX_FRAME_SIZE check, which the decoder makes before buffering the payload.
 * Throws H2Error with the code and scope the RFCs require.
 */
export function parseFrame(
  type: number,
  flags: number,
  streamId: number,
  buf: Uint8Array,
  start: number,
  length: number,
): Frame {
  switch (type) {
    case FrameType.DATA:
      return parseData(flags, streamId, buf, start, length);
    case FrameType.HEADERS:
      return parseHeaders(flags, streamId, buf, start, length);
    case FrameType.PRIORITY:
      return parsePriority(flags, streamId, buf, start, length);
    case FrameType.RST_STREAM:
      return parseRstStream(flags, streamId, buf, start, length);
    case FrameType.SETTINGS:
      return parseSettings(flags, streamId, buf, start, length);
    case FrameType.PUSH_PROMISE:
      return parsePushPromise(flags, streamId, buf, start, length);
    case FrameType.PING:
      return parsePing(flags, streamId, buf, start, length);
    case FrameType.GOAWAY:
      return parseGoaway(flags, streamId, buf, start, length);
    case FrameType.WINDOW_UPDATE:
      return parseWindowUpdate(flags, streamId, buf, start, length);
    case FrameType.CONTINUATION:
      return parseContinuation(flags, streamId, buf, start, length);
    case FrameType.ALTSVC:
      return parseAltsvc(flags, streamId, buf, start, length);
    case FrameType.ORIGIN:
      return parseOrigin(flags, streamId, buf, start, length);
    case FrameType.PRIORITY_UPDATE:
      return parsePriorityUpdate(flags, streamId, buf, start, length);
    default:
      // RFC 9113 §4.1 / §5.5: unknown types are passed up for the engine to ignore.
      return { type: UNKNOWN_FRAME_TYPE, flags, streamId, frameType: type, payload: buf.subarray(start, start + length) };
  }
}

// ---- shared rules ----

function requireStream(type: number, streamId: number, section: string): void {
  if (streamId === 0) {
    throw connectionError(
      ErrorCode.PROTOCOL_ERROR,
      `${frameTypeName(type)} frame on stream 0; it must belong to a stream (${section})`,
    );
  }
}

function requireConnection(type: number, streamId: number, section: string): void {
  if (streamId !== 0) {
    throw connectionError(
      ErrorCode.PROTOCOL_ERROR,
      `${frameTypeName(type)} frame on stream ${streamId}; it must be sent on stream 0 (${section})`,
    );
  }
}

function frameSizeError(type: number, length: number, rule: string, section: string): never {
  throw connectionError(
    ErrorCode.FRAME_SIZE_ERROR,
    `${frameTypeName(type)} frame payload of ${length} octets; ${rule} (${section})`,
  );
}

/**
 * Reads and checks the Pad Length of a frame that may carry the PADDED flag (RFC 9113 §6.1, §6.2, §6.6).
 * `fixed` is the size of the mandatory fields after the pad length octet. Returns 0 when not padded.
 */
function padLengthOf(type: number, flags: number, buf: Uint8Array, start: number, length: number, fixed: number): number {
  if ((flags & Flag.PADDED) === 0) {
    if (length < fixed) frameSizeError(type, length, `at least ${fixed} required`, 'RFC 9113 §4.2');
    return 0;
  }
  if (length < fixed + 1) {
    frameSizeError(type, length, `PADDED needs at least ${fixed + 1}`, 'RFC 9113 §4.2');
  }
  const padLength = buf[start];
  if (padLength > length - 1 - fixed) {
    throw connectionError(
      ErrorCode.PROTOCOL_ERROR,
      `${frameTypeName(type)} frame pad length ${padLength} leaves no room in a ${length}-octet payload` +
        ` (RFC 9113 §${type === FrameType.DATA ? '6.1' : type === FrameType.HEADERS ? '6.2' : '6.6'})`,
    );
  }
  return padLength;
}

function readPriority(buf: Uint8Array, o: number): PrioritySpec {
  return { exclusive: (buf[o] & 0x80) !== 0, dependency: readUint31(buf, o), weight: buf[o + 4] + 1 };
}

// ---- RFC 9113 §6 ----

function parseData(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): DataFrame {
  requireStream(FrameType.DATA, streamId, 'RFC 9113 §6.1');
  const padLength = padLengthOf(FrameType.DATA, flags, buf, start, length, 0);
  const from = (flags & Flag.PADDED) === 0 ? start : start + 1;
  return {
    type: FrameType.DATA,
    flags,
    streamId,
    data: buf.subarray(from, start + length - padLength),
    padLength,
    endStream: (flags & Flag.END_STREAM) !== 0,
    flowControlledLength: length,
    piece: 0,
  };
}

/**
 * The stateless checks of a DATA frame delivered in pieces (RFC 9113 §6.1), made on its first piece: `padOctet` is
 * the pad length octet (ignored unless PADDED; the caller has it when PADDED). Returns the pad length.
 */
export function checkDataStart(flags: number, streamId: number, padOctet: Uint8Array, at: number, length: number): number {
  requireStream(FrameType.DATA, streamId, 'RFC 9113 §6.1');
  return padLengthOf(FrameType.DATA, flags, padOctet, at, length, 0);
}

function parseHeaders(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): HeadersFrame {
  requireStream(FrameType.HEADERS, streamId, 'RFC 9113 §6.2');
  const hasPriority = (flags & Flag.PRIORITY) !== 0;
  const padLength = padLengthOf(FrameType.HEADERS, flags, buf, start, length, hasPriority ? 5 : 0);
  let from = (flags & Flag.PADDED) === 0 ? start : start + 1;
  let priority: PrioritySpec | undefined;
  if (hasPriority) {
    priority = readPriority(buf, from);
    from += 5;
  }
  // A self-dependency is a stream error (§5.3.1) but the fragment must still reach HPACK, so it is not
  // thrown here: see priorityError().
  return {
    type: FrameType.HEADERS,
    flags,
    streamId,
    fragment: buf.subarray(from, start + length - padLength),
    endStream: (flags & Flag.END_STREAM) !== 0,
    endHeaders: (flags & Flag.END_HEADERS) !== 0,
    priority,
    padLength,
  };
}

function parsePriority(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): PriorityFrame {
  requireStream(FrameType.PRIORITY, streamId, 'RFC 9113 §6.3');
  if (length !== 5) {
    throw streamError(
      ErrorCode.FRAME_SIZE_ERROR,
      streamId,
      `PRIORITY frame payload of ${length} octets on stream ${streamId}; it must be 5 (RFC 9113 §6.3)`,
    );
  }
  const priority = readPriority(buf, start);
  const selfDependency = priorityError(streamId, priority);
  if (selfDependency !== null) throw selfDependency;
  return { type: FrameType.PRIORITY, flags, streamId, priority };
}

function parseRstStream(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): RstStreamFrame {
  requireStream(FrameType.RST_STREAM, streamId, 'RFC 9113 §6.4');
  if (length !== 4) frameSizeError(FrameType.RST_STREAM, length, 'it must be 4', 'RFC 9113 §6.4');
  return { type: FrameType.RST_STREAM, flags, streamId, errorCode: readUint32(buf, start) };
}

function parseSettings(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): SettingsFrame {
  requireConnection(FrameType.SETTINGS, streamId, 'RFC 9113 §6.5');
  const ack = (flags & Flag.ACK) !== 0;
  if (ack && length !== 0) frameSizeError(FrameType.SETTINGS, length, 'an ACK must be empty', 'RFC 9113 §6.5');
  if (length % 6 !== 0) frameSizeError(FrameType.SETTINGS, length, 'it must be a multiple of 6', 'RFC 9113 §6.5');
  const settings: Setting[] = [];
  for (let o = start, end = start + length; o < end; o += 6) {
    const id = readUint16(buf, o);
    const value = readUint32(buf, o + 2);
    const error = settingError(id, value);
    if (error !== null) throw error;
    settings.push([id, value]);
  }
  return { type: FrameType.SETTINGS, flags, streamId, ack, settings };
}

function parsePushPromise(
  flags: number,
  streamId: number,
  buf: Uint8Array,
  start: number,
  length: number,
): PushPromiseFrame {
  requireStream(FrameType.PUSH_PROMISE, streamId, 'RFC 9113 §6.6');
  const padLength = padLengthOf(FrameType.PUSH_PROMISE, flags, buf, start, length, 4);
  const from = (flags & Flag.PADDED) === 0 ? start : start + 1;
  const promisedStreamId = readUint31(buf, from);
  // §6.6 with §5.1.1: the promised stream is a new server-initiated, hence even and non-zero, identifier.
  if (promisedStreamId === 0 || (promisedStreamId & 1) === 1) {
    throw connectionError(
      ErrorCode.PROTOCOL_ERROR,
      `PUSH_PROMISE on stream ${streamId} promises stream ${promisedStreamId}; ` +
        'a pushed stream id must be even and non-zero (RFC 9113 §6.6, §5.1.1)',
    );
  }
  return {
    type: FrameType.PUSH_PROMISE,
    flags,
    streamId,
    promisedStreamId,
    fragment: buf.subarray(from + 4, start + length - padLength),
    endHeaders: (flags & Flag.END_HEADERS) !== 0,
    padLength,
  };
}

function parsePing(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): PingFrame {
  requireConnection(FrameType.PING, streamId, 'RFC 9113 §6.7');
  if (length !== 8) frameSizeError(FrameType.PING, length, 'it must be 8', 'RFC 9113 §6.7');
  return {
    type: FrameType.PING,
    flags,
    streamId,
    ack: (flags & Flag.ACK) !== 0,
    opaqueData: buf.subarray(start, start + 8),
  };
}

function parseGoaway(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): GoawayFrame {
  requireConnection(FrameType.GOAWAY, streamId, 'RFC 9113 §6.8');
  if (length < 8) frameSizeError(FrameType.GOAWAY, length, 'at least 8 required', 'RFC 9113 §6.8, §4.2');
  return {
    type: FrameType.GOAWAY,
    flags,
    streamId,
    lastStreamId: readUint31(buf, start),
    errorCode: readUint32(buf, start + 4),
    debugData: buf.subarray(start + 8, start + length),
  };
}

function parseWindowUpdate(
  flags: number,
  streamId: number,
  buf: Uint8Array,
  start: number,
  length: number,
): WindowUpdateFrame {
  if (length !== 4) frameSizeError(FrameType.WINDOW_UPDATE, length, 'it must be 4', 'RFC 9113 §6.9');
  const increment = readUint31(buf, start);
  if (increment === 0) {
    // §6.9: a zero increment is a stream error on a stream, a connection error on the connection window.
    if (streamId === 0) {
      throw connectionError(ErrorCode.PROTOCOL_ERROR, 'WINDOW_UPDATE with increment 0 on stream 0 (RFC 9113 §6.9)');
    }
    throw streamError(
      ErrorCode.PROTOCOL_ERROR,
      streamId,
      `WINDOW_UPDATE with increment 0 on stream ${streamId} (RFC 9113 §6.9)`,
    );
  }
  return { type: FrameType.WINDOW_UPDATE, flags, streamId, increment };
}

function parseContinuation(
  flags: number,
  streamId: number,
  buf: Uint8Array,
  start: number,
  length: number,
): ContinuationFrame {
  requireStream(FrameType.CONTINUATION, streamId, 'RFC 9113 §6.10');
  return {
    type: FrameType.CONTINUATION,
    flags,
    streamId,
    fragment: buf.subarray(start, start + length),
    endHeaders: (flags & Flag.END_HEADERS) !== 0,
  };
}

// ---- extensions ----

function parseAltsvc(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): AltsvcFrame {
  const originLength = length >= 2 ? readUint16(buf, start) : -1;
  if (originLength < 0 || originLength > length - 2) {
    // RFC 9113 §4.2: too small for its mandatory fields. Connection scope on stream 0, else the stream's.
    const detail =
      originLength < 0
        ? `ALTSVC frame payload of ${length} octets has no room for Origin-Len (RFC 7838 §4, RFC 9113 §4.2)`
        : `ALTSVC Origin-Len ${originLength} exceeds the ${length - 2} octets after it (RFC 7838 §4, RFC 9113 §4.2)`;
    throw streamId === 0
      ? connectionError(ErrorCode.FRAME_SIZE_ERROR, detail)
      : streamError(ErrorCode.FRAME_SIZE_ERROR, streamId, detail);
  }
  const valueStart = start + 2 + originLength;
  return {
    type: FrameType.ALTSVC,
    flags,
    streamId,
    origin: latin1String(buf, start + 2, valueStart),
    fieldValue: latin1String(buf, valueStart, start + length),
    // RFC 7838 §4: stream 0 needs an origin; any other stream must not carry one.
    ignore: streamId === 0 ? originLength === 0 : originLength !== 0,
  };
}

function parseOrigin(flags: number, streamId: number, buf: Uint8Array, start: number, length: number): OriginFrame {
  const origins: string[] = [];
  // RFC 8336 §2.1: ignored on any stream but 0 and when a reserved incompatible flag is set; not parsed then.
  const ignore = streamId !== 0 || (flags & ORIGIN_INCOMPATIBLE_FLAGS) !== 0;
  if (!ignore) {
    const end = start + length;
    for (let o = start; o < end; ) {
      if (end - o < 2) {
        throw connectionError(
          ErrorCode.FRAME_SIZE_ERROR,
          `ORIGIN frame ends inside an Origin-Len field at octet ${o - start} (RFC 8336 §2, RFC 9113 §4.2)`,
        );
      }
      const originLength = readUint16(buf, o);
      o += 2;
      if (originLength > end - o) {
        throw connectionError(
          ErrorCode.FRAME_SIZE_ERROR,
          `ORIGIN entry of ${originLength} octets overruns the payload by ${originLength - (end - o)} (RFC 8336 §2, RFC 9113 §4.2)`,
        );
      }
      origins.push(latin1String(buf, o, o + originLength));
      o += originLength;
    }
  }
  return { type: FrameType.ORIGIN, flags, streamId, origins, ignore };
}

function parsePriorityUpdate(
  flags: number,
  streamId: number,
  buf: Uint8Array,
  start: number,
  length: number,
): PriorityUpdateFrame {
  requireConnection(FrameType.PRIORITY_UPDATE, streamId, 'RFC 9218 §7.1');
  if (length < 4) frameSizeError(FrameType.PRIORITY_UPDATE, length, 'at least 4 required', 'RFC 9218 §7.1, RFC 9113 §4.2');
  const prioritizedStreamId = readUint31(buf, start);
  if (prioritizedStreamId === 0) {
    throw connectionError(ErrorCode.PROTOCOL_ERROR, 'PRIORITY_UPDATE for prioritized stream 0 (RFC 9218 §7.1)');
  }
  return {
    type: FrameType.PRIORITY_UPDATE,
    flags,
    streamId,
    prioritizedStreamId,
    fieldValue: latin1String(buf, start + 4, start + length),
  };
}
