import type { FrameType, UNKNOWN_FRAME_TYPE } from './constants.js';

/**
 * Decoded frames: a discriminated union on `type` (the numeric frame type code).
 *
 * Every frame keeps the raw `flags` octet from the wire, unknown bits included (RFC 9113 §4.1: they are
 * ignored, never an error); the boolean fields are the defined flags decoded. Byte fields are views into the
 * bytes given to `FrameDecoder.push` (copies only when a frame straddled two pushed chunks), so they stay
 * valid as long as the caller does not overwrite those chunks. Stream identifiers have the reserved bit
 * masked off.
 */

/** RFC 9113 §5.3.2 / §6.3 stream dependency, as carried by HEADERS (PRIORITY flag) and PRIORITY. */
export interface PrioritySpec {
  exclusive: boolean;
  /** Stream this one depends on (31 bits). */
  dependency: number;
  /** 1..256 (the wire carries weight − 1). */
  weight: number;
}

interface FrameCommon {
  /** The flags octet as received, unknown bits included. */
  flags: number;
  /** Stream identifier, reserved bit masked off. */
  streamId: number;
}

/** RFC 9113 §6.1. */
export interface DataFrame extends FrameCommon {
  type: typeof FrameType.DATA;
  data: Uint8Array;
  /** Number of padding octets (0 when not padded). */
  padLength: number;
  endStream: boolean;
  /** The whole payload length, pad-length octet and padding included: what counts toward flow control.
   *  On a piece after the first (see `piece`) 0: the first piece carried the frame's length. */
  flowControlledLength: number;
  /**
   * DataPiece.WHOLE (0) for a complete frame. With `FrameDecoderOptions.dataPieces`, a DATA frame whose payload has
   * not all arrived is returned as it arrives instead: a FIRST piece (the frame's flags, padLength and whole
   * flowControlledLength; `endStream` false), MIDDLE pieces and a LAST piece (`endStream` from the flags). Each
   * piece's `data` is the content that arrived, padding left out; it may be empty.
   */
  piece: number;
}

/** RFC 9113 §6.2. */
export interface HeadersFrame extends FrameCommon {
  type: typeof FrameType.HEADERS;
  /** Field block fragment (HPACK bytes). */
  fragment: Uint8Array;
  endStream: boolean;
  endHeaders: boolean;
  /** Present when the PRIORITY flag is set. (The decoder always sets the key, to `undefined` when absent.) */
  priority?: PrioritySpec | undefined;
  padLength: number;
}

/** RFC 9113 §6.3. */
export interface PriorityFrame extends FrameCommon {
  type: typeof FrameType.PRIORITY;
  priority: PrioritySpec;
}

/** RFC 9113 §6.4. */
export interface RstStreamFrame extends FrameCommon {
  type: typeof FrameType.RST_STREAM;
  /** Any 32-bit value: unknown codes are legal (RFC 9113 §7). */
  errorCode: number;
}

/** A SETTINGS parameter as it appeared on the wire: [identifier, value]. */
export type Setting = [id: number, value: number];

/** RFC 9113 §6.5. */
export interface SettingsFrame extends FrameCommon {
  type: typeof FrameType.SETTINGS;
  ack: boolean;
  /** In wire order, unknown identifiers kept, values validated per §6.5.2. Empty for an ACK. */
  settings: Setting[];
}

/** RFC 9113 §6.6. */
export interface PushPromiseFrame extends FrameCommon {
  type: typeof FrameType.PUSH_PROMISE;
  promisedStreamId: number;
  fragment: Uint8Array;
  endHeaders: boolean;
  padLength: number;
}

/** RFC 9113 §6.7. */
export interface PingFrame extends FrameCommon {
  type: typeof FrameType.PING;
  ack: boolean;
  /** Exactly 8 octets. */
  opaqueData: Uint8Array;
}

/** RFC 9113 §6.8. */
export interface GoawayFrame extends FrameCommon {
  type: typeof FrameType.GOAWAY;
  lastStreamId: number;
  errorCode: number;
  debugData: Uint8Array;
}

/** RFC 9113 §6.9. */
export interface WindowUpdateFrame extends FrameCommon {
  type: typeof FrameType.WINDOW_UPDATE;
  /** 1..2^31−1 (the reserved bit is masked off). */
  increment: number;
}

/** RFC 9113 §6.10. */
export interface ContinuationFrame extends FrameCommon {
  type: typeof FrameType.CONTINUATION;
  fragment: Uint8Array;
  endHeaders: boolean;
}

/**
 * RFC 7838 §4. Origin and field value are ASCII on the wire; they are decoded octet-for-octet (Latin-1),
 * so any bytes round-trip.
 */
export interface AltsvcFrame extends FrameCommon {
  type: typeof FrameType.ALTSVC;
  origin: string;
  fieldValue: string;
  /**
   * True when RFC 7838 §4 says the frame MUST be ignored: on stream 0 with an empty origin, or on another
   * stream with a non-empty origin. The engine still applies the field-block sequencing rule, then drops it.
   */
  ignore: boolean;
}

/** RFC 8336 §2. */
export interface OriginFrame extends FrameCommon {
  type: typeof FrameType.ORIGIN;
  /** ASCII origins in wire order, decoded octet-for-octet. Empty when `ignore` is set (payload not parsed). */
  origins: string[];
  /**
   * True when RFC 8336 says the frame MUST be ignored: on a stream other than 0 (§2.1), or with any of the
   * flags 0x1, 0x2, 0x4, 0x8 set (§2.1, reserved for incompatible changes).
   */
  ignore: boolean;
}

/** RFC 9218 §7.1. */
export interface PriorityUpdateFrame extends FrameCommon {
  type: typeof FrameType.PRIORITY_UPDATE;
  prioritizedStreamId: number;
  /** The Priority Field Value (a Structured Field, ASCII), decoded octet-for-octet. */
  fieldValue: string;
}

/** A frame of a type this package does not know; RFC 9113 §5.5 says to ignore it. */
export interface UnknownFrame extends FrameCommon {
  type: typeof UNKNOWN_FRAME_TYPE;
  /** The type octet from the wire. */
  frameType: number;
  payload: Uint8Array;
}

export type Frame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoawayFrame
  | WindowUpdateFrame
  | ContinuationFrame
  | AltsvcFrame
  | OriginFrame
  | PriorityUpdateFrame
  | UnknownFrame;

/** `F` with `flags` and the fields in `K` optional: what `encodeFrame` accepts. */
type Loose<F extends FrameCommon, K extends keyof F> = Omit<F, K | 'flags'> & Partial<Pick<F, K | 'flags'>>;

/**
 * Input of `encodeFrame`: any decoded `Frame`, or one written by hand with the derivable fields left out.
 * Defined flags are recomputed from the typed fields; other bits of `flags` are written as given.
 */
export type FrameInit =
  | Loose<DataFrame, 'padLength' | 'endStream' | 'flowControlledLength' | 'piece'>
  | Loose<HeadersFrame, 'padLength' | 'endStream' | 'endHeaders' | 'priority'>
  | Loose<PriorityFrame, never>
  | Loose<RstStreamFrame, never>
  | Loose<SettingsFrame, 'ack' | 'settings'>
  | Loose<PushPromiseFrame, 'padLength' | 'endHeaders'>
  | Loose<PingFrame, 'ack'>
  | Loose<GoawayFrame, 'debugData'>
  | Loose<WindowUpdateFrame, never>
  | Loose<ContinuationFrame, 'endHeaders'>
  | Loose<AltsvcFrame, 'ignore'>
  | Loose<OriginFrame, 'ignore'>
  | Loose<PriorityUpdateFrame, never>
  | Loose<UnknownFrame, never>;
