// Big-endian integer access and octet-for-octet (Latin-1) strings, without DataView allocations.

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

export function readUint16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

export function readUint32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** A 31-bit field after a reserved (or flag) bit: stream identifiers, window increments (RFC 9113 §4.1). */
export function readUint31(b: Uint8Array, o: number): number {
  return ((b[o] & 0x7f) << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

export function writeUint16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

export function writeUint32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

const DECODE_STEP = 4096;

/** Decodes `b[start..end)` one octet per character; every byte sequence round-trips through `latin1Bytes`. */
export function latin1String(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i += DECODE_STEP) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + DECODE_STEP)) as unknown as number[]);
  }
  return s;
}

/** Encodes one octet per character; throws RangeError for characters above U+00FF. */
export function latin1Bytes(s: string, what: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`${what} must be ASCII/Latin-1, found U+${c.toString(16)} at ${i}`);
    out[i] = c;
  }
  return out;
}

/** Writes a 9-octet frame header (RFC 9113 §4.1). `streamId` is written as given, all 32 bits. */
export function writeFrameHeader(
  b: Uint8Array,
  o: number,
  length: number,
  type: number,
  flags: number,
  streamId: number,
): void {
  b[o] = length >>> 16;
  b[o + 1] = length >>> 8;
  b[o + 2] = length;
  b[o + 3] = type;
  b[o + 4] = flags;
  writeUint32(b, o + 5, streamId);
}
