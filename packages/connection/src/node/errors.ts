// Errors shaped like node's: an Error (or TypeError/RangeError) with the same `code` string, so code that checks
// `err.code === 'ERR_HTTP2_STREAM_ERROR'` keeps working.
import { ErrorCode, errorCodeName } from '@strand/frame';

export interface NodeStyleError extends Error {
  code: string;
}

type ErrorClass = new (message: string) => Error;

export function nodeError(code: string, message: string, Kind: ErrorClass = Error): NodeStyleError {
  const error = new Kind(message) as NodeStyleError;
  error.code = code;
  return error;
}

/** The name node uses for an RFC 9113 §7 error code (`NGHTTP2_CANCEL`), or the number for unknown codes. */
export function errorCodeLabel(code: number): string {
  return Number.isInteger(code) && code >= ErrorCode.NO_ERROR && code <= ErrorCode.HTTP_1_1_REQUIRED ? `NGHTTP2_${errorCodeName(code)}` : String(code);
}

/** What a stream emits when it is reset with an error code (not NO_ERROR, not CANCEL), as node does. */
export function streamError(code: number): NodeStyleError {
  return nodeError('ERR_HTTP2_STREAM_ERROR', `Stream closed with error code ${errorCodeLabel(code)}`);
}

/** What a session emits when it ends with an error code. */
export function sessionError(code: number, detail = ''): NodeStyleError {
  const suffix = detail ? ` (${detail})` : '';
  return nodeError('ERR_HTTP2_SESSION_ERROR', `Session closed with error code ${code}${suffix}`);
}

export function invalidSession(): NodeStyleError {
  return nodeError('ERR_HTTP2_INVALID_SESSION', 'The session has been destroyed');
}

export function invalidStream(): NodeStyleError {
  return nodeError('ERR_HTTP2_INVALID_STREAM', 'The stream has been destroyed');
}
