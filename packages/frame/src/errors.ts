import { errorCodeName, type ErrorCodeValue } from './constants.js';

/**
 * A protocol violation with the RFC 9113 §7 code to send and its scope (§5.4): a connection error ends the
 * connection with GOAWAY, a stream error resets one stream with RST_STREAM.
 */
export class H2Error extends Error {
  readonly code: ErrorCodeValue;
  /** 'connection' → GOAWAY; 'stream' → RST_STREAM on `streamId`. */
  readonly scope: 'connection' | 'stream';
  readonly streamId: number;

  constructor(code: ErrorCodeValue, scope: 'connection' | 'stream', message: string, streamId = 0) {
    super(`${errorCodeName(code)}: ${message}`);
    this.name = 'H2Error';
    this.code = code;
    this.scope = scope;
    this.streamId = streamId;
  }

  /** The text to put in GOAWAY debug data or a log line, without the code prefix. */
  get detail(): string {
    return this.message.slice(errorCodeName(this.code).length + 2);
  }
}

export function connectionError(code: ErrorCodeValue, message: string): H2Error {
  return new H2Error(code, 'connection', message);
}

export function streamError(code: ErrorCodeValue, streamId: number, message: string): H2Error {
  return new H2Error(code, 'stream', message, streamId);
}
