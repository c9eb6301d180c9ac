import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { HpackError } from './errors.js';
import {
  huffmanDecodeInto,
  huffmanDecodeToString,
  huffmanEncodedLength,
  huffmanEncodeInto,
  huffmanMaxEncodedLength,
  huffmanScratch,
} from './huffman.js';
import { readInteger, writeInteger } from './integer.js';
import { latin1Decode, latin1EncodeInto } from './latin1.js';

/** When to Huffman-code a string literal (§5.2). */
export type HuffmanMode = 'auto' | 'always' | 'never';

/** Numeric form of HuffmanMode, for the encoder's hot path. */
export const HUFFMAN_NEVER = 0;
export const HUFFMAN_AUTO = 1;
export const HUFFMAN_ALWAYS = 2;

export function huffmanModeCode(mode: HuffmanMode): number {
  if (mode === 'auto') return HUFFMAN_AUTO;
  if (mode === 'always') return HUFFMAN_ALWAYS;
  if (mode === 'never') return HUFFMAN_NEVER;
  throw new TypeError(`huffman must be 'auto', 'always' or 'never', got ${String(mode)}`);
}

/**
 * Writes a string literal (§5.2): H flag, 7-bit-prefix length, then the octets. `mode` is one of
 * HUFFMAN_NEVER / HUFFMAN_AUTO (Huffman only when strictly shorter) / HUFFMAN_ALWAYS.
 * Throws a RangeError on char codes above 255.
 */
export function writeStringLiteral(w: ByteWriter, text: string, mode: number): void {
  const length = text.length;
  if (mode === HUFFMAN_AUTO && length < 0x7f) {
    // One pass: Huffman-code behind a one-octet length, keep it only if strictly shorter. (Both
    // lengths are then below 127, so the length fits the 7-bit prefix either way.)
    w.ensure(1 + huffmanMaxEncodedLength(length));
    const buf = w.buf;
    const start = w.pos;
    const huffmanLength = huffmanEncodeInto(text, buf, start + 1) - start - 1;
    if (huffmanLength < length) {
      buf[start] = 0x80 | huffmanLength;
      w.pos = start + 1 + huffmanLength;
    } else {
      buf[start] = length;
      w.pos = latin1EncodeInto(text, buf, start + 1);
    }
    return;
  }
  if (mode !== HUFFMAN_NEVER) {
    const huffmanLength = huffmanEncodedLength(text);
    if (mode === HUFFMAN_ALWAYS || huffmanLength < text.length) {
      writeInteger(w, huffmanLength, 7, 0x80);
      w.ensure(huffmanLength);
      w.pos = huffmanEncodeInto(text, w.buf, w.pos);
      return;
    }
  }
  writeInteger(w, text.length, 7, 0);
  w.ensure(text.length);
  w.pos = latin1EncodeInto(text, w.buf, w.pos);
}

/** Reads the H flag and length of a string literal and returns the end of its octets. */
function readStringHeader(r: ByteReader): number {
  const length = readInteger(r, 7);
  const end = r.pos + length;
  if (end > r.end) throw new HpackError('truncated-string', `string literal of ${length} octets runs past the header block`);
  return end;
}

/** Reads a string literal (§5.2) at `r.pos` as a latin1 JS string and advances past it. */
export function readStringLiteral(r: ByteReader): string {
  const huffman = r.pos < r.end && r.bytes[r.pos]! >= 0x80;
  const end = readStringHeader(r);
  const start = r.pos;
  r.pos = end;
  return huffman ? huffmanDecodeToString(r.bytes, start, end) : latin1Decode(r.bytes, start, end);
}

/**
 * Reads a string literal without making a JS string and returns its decoded length in octets
 * (still validating Huffman data). The decoder uses it once a header list is over its size limit.
 */
export function skipStringLiteral(r: ByteReader): number {
  const huffman = r.pos < r.end && r.bytes[r.pos]! >= 0x80;
  const end = readStringHeader(r);
  const start = r.pos;
  r.pos = end;
  if (!huffman) return end - start;
  return huffmanDecodeInto(r.bytes, start, end, huffmanScratch(end - start), 0);
}
