// RFC 9113 §11.2 frame types, plus ALTSVC (RFC 7838), ORIGIN (RFC 8336), PRIORITY_UPDATE (RFC 9218).
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
  ALTSVC: 0xa,
  ORIGIN: 0xc,
  PRIORITY_UPDATE: 0x10,
} as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

/**
 * The `type` the decoder gives a frame whose wire type it does not know (RFC 9113 §4.1, §5.5: such frames
 * MUST be ignored, except that one inside a field block is a connection error, which the engine checks).
 * The wire type is kept in `UnknownFrame.frameType`.
 */
export const UNKNOWN_FRAME_TYPE = -1;

const frameTypeNames: Record<number, string> = Object.fromEntries(
  Object.entries(FrameType).map(([k, v]) => [v, k]),
);
/** Name of a frame type for messages and logs, or `UNKNOWN_0x..`. */
export function frameTypeName(type: number): string {
  return frameTypeNames[type] ?? `UNKNOWN_0x${type.toString(16)}`;
}

// RFC 9113 §6 frame flags.
export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

// RFC 9113 §7 error codes.
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

const errorNames: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCode).map(([k, v]) => [v, k]),
);
/** Name of an error code, or `UNKNOWN_0x..` for codes outside §7 (which peers may send). */
export function errorCodeName(code: number): string {
  return errorNames[code] ?? `UNKNOWN_0x${code.toString(16)}`;
}

// RFC 9113 §6.5.2 settings, plus RFC 8441 and RFC 9218.
export const SettingId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  ENABLE_CONNECT_PROTOCOL: 0x8,
  NO_RFC7540_PRIORITIES: 0x9,
} as const;

/** Frame header length (RFC 9113 §4.1). */
export const FRAME_HEADER_LENGTH = 9;
/** Default and minimum SETTINGS_MAX_FRAME_SIZE (RFC 9113 §6.5.2). */
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
/** Largest legal SETTINGS_MAX_FRAME_SIZE: 2^24 - 1. */
export const MAX_MAX_FRAME_SIZE = 16_777_215;
/** Largest flow-control window and WINDOW_UPDATE increment: 2^31 - 1 (RFC 9113 §6.9.1). */
export const MAX_WINDOW_SIZE = 0x7fff_ffff;
/** Default SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113 §6.5.2). */
export const DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
/** Largest stream identifier: 2^31 - 1. */
export const MAX_STREAM_ID = 0x7fff_ffff;
/** The client connection preface (RFC 9113 §3.4). */
export const CONNECTION_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

/** `DataFrame.piece`: a whole DATA frame, or which part of one delivered piecewise (FrameDecoderOptions.dataPieces). */
export const DataPiece = { WHOLE: 0, FIRST: 1, MIDDLE: 2, LAST: 3 } as const;
