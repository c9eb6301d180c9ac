import { ErrorCode, H2Error, MAX_WINDOW_SIZE, connectionError, streamError, type ErrorCodeValue } from '@strand/frame';

/**
 * Arithmetic shared by send and receive windows, on plain numbers so an engine with its own stream records can use
 * it directly. Stream 0 is the connection window; every error's scope follows from the stream id.
 */

/** An error on `streamId`'s window: connection scope for stream 0, stream scope otherwise (RFC 9113 §5.4). */
export function windowError(code: ErrorCodeValue, streamId: number, message: string): H2Error {
  return streamId === 0 ? connectionError(code, message) : streamError(code, streamId, message);
}

/**
 * Validate a received WINDOW_UPDATE increment. RFC 9113 §6.9: an increment of 0 is a PROTOCOL_ERROR, a stream error
 * on a stream and a connection error on stream 0. Values outside 1..2^31-1 cannot come off the wire (the decoder
 * masks the reserved bit), so they are an engine bug: RangeError.
 */
export function checkIncrement(streamId: number, increment: number): void {
  if (increment === 0) throw windowError(ErrorCode.PROTOCOL_ERROR, streamId, 'WINDOW_UPDATE with an increment of 0');
  if (!(increment > 0 && increment <= MAX_WINDOW_SIZE)) {
    throw new RangeError(`WINDOW_UPDATE increment ${increment} is outside 1..2^31-1`);
  }
}

/**
 * Apply a received WINDOW_UPDATE to a send window of `size` (which may be negative) and return the new size.
 * RFC 9113 §6.9.1: going past 2^31-1 is a FLOW_CONTROL_ERROR, stream scope on a stream, connection scope on stream 0.
 */
export function increaseWindow(size: number, increment: number, streamId: number): number {
  checkIncrement(streamId, increment);
  const next = size + increment;
  if (next > MAX_WINDOW_SIZE) {
    throw windowError(ErrorCode.FLOW_CONTROL_ERROR, streamId, `WINDOW_UPDATE of ${increment} overflows window ${size}`);
  }
  return next;
}

/**
 * Apply a SETTINGS_INITIAL_WINDOW_SIZE change of `delta` to one stream window and return the new size, which may be
 * negative. RFC 9113 §6.9.2: a change that takes any window past 2^31-1 is a connection FLOW_CONTROL_ERROR.
 */
export function adjustWindow(size: number, delta: number, streamId: number): number {
  const next = size + delta;
  if (next > MAX_WINDOW_SIZE) {
    throw connectionError(
      ErrorCode.FLOW_CONTROL_ERROR,
      `SETTINGS_INITIAL_WINDOW_SIZE change of ${delta} overflows window ${size} of stream ${streamId}`,
    );
  }
  return next;
}

/**
 * The delta to apply to every stream window when SETTINGS_INITIAL_WINDOW_SIZE goes from `oldValue` to `newValue`.
 * RFC 9113 §6.5.2: a value above 2^31-1 is a connection FLOW_CONTROL_ERROR.
 */
export function initialWindowDelta(oldValue: number, newValue: number): number {
  if (newValue > MAX_WINDOW_SIZE) {
    throw connectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${newValue} exceeds 2^31-1`);
  }
  return newValue - oldValue;
}
