// Byte builders for the frames a conformance case sends, on top of @strand/frame's encoder. They never
// check protocol rules: a case may ask for a frame the RFC forbids (stream 0, bad length, bad padding,
// reserved bit), and these helpers write exactly that.
import { encodeFrame, Flag, FrameType, UNKNOWN_FRAME_TYPE, concatBytes } from '@strand/frame';

/** Any frame as given: type, flags, all 32 bits of the stream id, payload (length = payload length). */
export function frame(type: number, flags: number, streamId: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeFrame({ type: UNKNOWN_FRAME_TYPE, frameType: type, flags, streamId, payload });
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** Bytes from a binary string such as '\x00\x03\x00' (each char code is one octet). */
export function bytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i) & 0xff;
  return out;
}

/** ASCII text as octets. */
export const ascii = bytes;

/** RFC 9113 §6.3 priority fields with the weight as on the wire (0-255, meaning 1-256). */
export interface PriorityFields {
  dependsOn: number;
  exclusive: boolean;
  weight: number;
}

function prioritySpec(p: PriorityFields) {
  return { dependency: p.dependsOn, exclusive: p.exclusive, weight: p.weight + 1 };
}

/** SETTINGS (§6.5) on stream 0: each pair is [identifier, value], written as given. */
export function settingsFrame(pairs: ReadonlyArray<readonly [number, number]>): Uint8Array {
  return encodeFrame({ type: FrameType.SETTINGS, streamId: 0, settings: pairs.map(([id, value]): [number, number] => [id, value]) });
}

export function settingsAckFrame(): Uint8Array {
  return encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: true });
}

export interface HeadersFields {
  streamId: number;
  block: Uint8Array;
  endStream: boolean;
  endHeaders: boolean;
  /** Octets of zero padding; the frame is PADDED when set (§6.2). */
  padLength?: number;
  priority?: PriorityFields;
}

/** HEADERS (§6.2) with optional padding and priority, as one frame however long the block is. */
export function headersFrame(h: HeadersFields): Uint8Array {
  return encodeFrame({
    type: FrameType.HEADERS,
    streamId: h.streamId,
    fragment: h.block,
    endStream: h.endStream,
    endHeaders: h.endHeaders,
    ...(h.padLength !== undefined ? { flags: Flag.PADDED, padLength: h.padLength } : {}),
    ...(h.priority ? { priority: prioritySpec(h.priority) } : {}),
  });
}

export function continuationFrame(streamId: number, endHeaders: boolean, block: Uint8Array): Uint8Array {
  return encodeFrame({ type: FrameType.CONTINUATION, streamId, fragment: block, endHeaders });
}

/** DATA (§6.1); with `padLength`, the frame is PADDED and carries that many zero octets after the data. */
export function dataFrame(streamId: number, endStream: boolean, data: Uint8Array, padLength?: number): Uint8Array {
  return encodeFrame({
    type: FrameType.DATA,
    streamId,
    data,
    endStream,
    ...(padLength !== undefined ? { flags: Flag.PADDED, padLength } : {}),
  });
}

export function priorityFrame(streamId: number, p: PriorityFields): Uint8Array {
  return encodeFrame({ type: FrameType.PRIORITY, streamId, priority: prioritySpec(p) });
}

export function rstStreamFrame(streamId: number, code: number): Uint8Array {
  return encodeFrame({ type: FrameType.RST_STREAM, streamId, errorCode: code });
}

/** PING on stream 0; `data` is zero-padded (or cut) to 8 octets. */
export function pingFrame(ack: boolean, data: Uint8Array): Uint8Array {
  const opaqueData = new Uint8Array(8);
  opaqueData.set(data.subarray(0, 8));
  return encodeFrame({ type: FrameType.PING, streamId: 0, ack, opaqueData });
}

export function goawayFrame(lastStreamId: number, code: number, debug: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeFrame({ type: FrameType.GOAWAY, streamId: 0, lastStreamId, errorCode: code, debugData: debug });
}

/** WINDOW_UPDATE; an increment of 0 (illegal) is written too. */
export function windowUpdateFrame(streamId: number, increment: number): Uint8Array {
  return encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId, increment });
}

export function pushPromiseFrame(streamId: number, promisedId: number, endHeaders: boolean, block: Uint8Array): Uint8Array {
  return encodeFrame({ type: FrameType.PUSH_PROMISE, streamId, promisedStreamId: promisedId, fragment: block, endHeaders });
}
