// Argument checks for the encoder: a value that does not fit its wire field is a programming error
// (RangeError). Protocol semantics (stream 0 vs not, zero increments, ...) are deliberately not checked, so
// test clients can send such frames.

import { MAX_MAX_FRAME_SIZE, MAX_STREAM_ID } from './constants.js';
import type { PrioritySpec } from './types.js';

/** Largest value of the 24-bit frame length field. */
const MAX_PAYLOAD = MAX_MAX_FRAME_SIZE;

export function checkUint31(value: number, what: string): void {
  if (value >>> 0 !== value || value > MAX_STREAM_ID) {
    throw new RangeError(`${what} must be an integer in [0, 2^31-1], got ${value}`);
  }
}

export function checkUint32(value: number, what: string): void {
  if (value >>> 0 !== value) throw new RangeError(`${what} must be an integer in [0, 2^32-1], got ${value}`);
}

export function checkUint8(value: number, what: string): void {
  if ((value & 0xff) !== value) throw new RangeError(`${what} must be an integer in [0, 255], got ${value}`);
}

export function checkPayloadLength(length: number, what: string): void {
  if (length > MAX_PAYLOAD) {
    throw new RangeError(`${what} payload of ${length} octets does not fit the 24-bit length field`);
  }
}

export function checkPriority(priority: PrioritySpec): void {
  checkUint31(priority.dependency, 'priority dependency');
  const w = priority.weight;
  if (!Number.isInteger(w) || w < 1 || w > 256) throw new RangeError(`priority weight must be 1..256, got ${w}`);
}

export function checkMaxFrameSizeArg(maxFrameSize: number, overhead: number): void {
  if (!Number.isInteger(maxFrameSize) || maxFrameSize <= overhead || maxFrameSize > MAX_PAYLOAD) {
    throw new RangeError(
      `max frame size ${maxFrameSize} must be an integer in (${overhead}, 16777215] to carry a field block`,
    );
  }
}
