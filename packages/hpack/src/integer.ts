import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { HpackError } from './errors.js';

/**
 * The largest integer we accept. RFC 7541 §5.1 lets implementations bound integers; every value in
 * HPACK (an index, a string length, a table size) is far below 2^31 in practice.
 */
export const MAX_INTEGER = 0x7fffffff;
/** 2^31 needs at most 5 continuation octets after a full prefix (7 bits each). */
const MAX_CONTINUATION_SHIFT = 28;

/**
 * Reads an integer with an N-bit prefix (RFC 7541 §5.1) at `r.pos`, ignoring the top 8-N bits of
 * the first octet, and advances `r.pos` past it.
 */
export function readInteger(r: ByteReader, prefixBits: number): number {
  const bytes = r.bytes;
  let pos = r.pos;
  const end = r.end;
  if (pos >= end) throw new HpackError('truncated-integer', 'header block ends inside an integer');
  const max = (1 << prefixBits) - 1;
  let value = bytes[pos++]! & max;
  if (value < max) {
    r.pos = pos;
    return value;
  }
  let shift = 0;
  for (;;) {
    if (pos >= end) throw new HpackError('truncated-integer', 'header block ends inside an integer');
    const octet = bytes[pos++]!;
    value += (octet & 0x7f) * 2 ** shift;
    if (octet < 0x80) break;
    shift += 7;
    if (shift > MAX_CONTINUATION_SHIFT) throw new HpackError('integer-overflow', 'integer has too many continuation octets');
  }
  if (value > MAX_INTEGER) throw new HpackError('integer-overflow', `integer ${value} exceeds ${MAX_INTEGER}`);
  r.pos = pos;
  return value;
}

/**
 * Writes `value` with an N-bit prefix (RFC 7541 §5.1); `flags` fills the 8-N high bits of the
 * first octet (the representation's pattern, e.g. 0x80 for an indexed field). `value` must be
 * below 2^32.
 */
export function writeInteger(w: ByteWriter, value: number, prefixBits: number, flags: number): void {
  w.ensure(6);
  const buf = w.buf;
  let pos = w.pos;
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    buf[pos++] = flags | value;
  } else {
    buf[pos++] = flags | max;
    let rest = value - max;
    while (rest >= 0x80) {
      buf[pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    buf[pos++] = rest;
  }
  w.pos = pos;
}
