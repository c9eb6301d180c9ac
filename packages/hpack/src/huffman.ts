import { HpackError } from './errors.js';
import { HUFFMAN_CODES, HUFFMAN_CODE_LENGTHS } from './huffman-code.js';
import { ENTRY_ACCEPTS, ENTRY_EMIT_COUNT_SHIFT, ENTRY_EOS, isOverlongPadding, TRANSITIONS } from './huffman-decode-table.js';
import { latin1Decode, notLatin1 } from './latin1.js';

// ---- Encoding (RFC 7541 §5.2, Appendix B) ----

const CODES = HUFFMAN_CODES.slice(0, 256);
const LENGTHS = Uint8Array.from(HUFFMAN_CODE_LENGTHS.slice(0, 256));
/** Codes longer than this are written in two parts so the bit accumulator stays within 31 bits. */
const SPLIT_LENGTH = 24;

/** Octets that `text` occupies once Huffman-coded (throws a RangeError on char codes above 255). */
export function huffmanEncodedLength(text: string): number {
  let bits = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw notLatin1(text);
    bits += LENGTHS[c]!;
  }
  return (bits + 7) >>> 3;
}

/** The most octets `length` chars can take once Huffman-coded (the longest code is 30 bits). */
export function huffmanMaxEncodedLength(length: number): number {
  return Math.ceil((length * 30) / 8);
}

/**
 * Huffman-codes `text` into `out` at `pos` (which needs room for `huffmanEncodedLength(text)`
 * octets), pads the last octet with the high bits of EOS, and returns the end position.
 * Throws a RangeError on char codes above 255.
 */
export function huffmanEncodeInto(text: string, out: Uint8Array, pos: number): number {
  let acc = 0; // pending bits, fewer than 8 between symbols
  let bits = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw notLatin1(text);
    let code = CODES[c]!;
    let length = LENGTHS[c]!;
    if (length > SPLIT_LENGTH) {
      const highLength = length - 16;
      acc = (acc << highLength) | (code >>> 16);
      bits += highLength;
      while (bits >= 8) {
        bits -= 8;
        out[pos++] = acc >>> bits;
      }
      code &= 0xffff;
      length = 16;
    }
    acc = (acc << length) | code;
    bits += length;
    while (bits >= 8) {
      bits -= 8;
      out[pos++] = acc >>> bits;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out[pos++] = (acc << (8 - bits)) | (0xff >>> bits);
  return pos;
}

/** `text` (latin1, char codes ≤ 255) Huffman-coded into a new array. */
export function huffmanEncode(text: string): Uint8Array {
  const out = new Uint8Array(huffmanEncodedLength(text));
  huffmanEncodeInto(text, out, 0);
  return out;
}

// ---- Decoding: one table lookup per input octet, never bit by bit ----

/** The longest output `n` Huffman octets can decode to (the shortest code is 5 bits). */
export function huffmanMaxDecodedLength(encodedLength: number): number {
  return Math.floor((encodedLength * 8) / 5);
}

/**
 * Decodes the Huffman string `bytes[start, end)` into `out` from `outPos` and returns the end
 * position in `out`. `out` needs room for `huffmanMaxDecodedLength(end - start)` octets; the octet
 * just past the returned end may be overwritten.
 * Throws HpackError on EOS inside the string, on padding longer than 7 bits and on padding that is
 * not all ones (§5.2).
 */
export function huffmanDecodeInto(bytes: Uint8Array, start: number, end: number, out: Uint8Array, outPos: number): number {
  const table = TRANSITIONS;
  let state = 0;
  let entry = ENTRY_ACCEPTS;
  let seen = 0;
  let o = outPos;
  for (let i = start; i < end; i++) {
    entry = table[(state << 8) | bytes[i]!]!;
    // Branch-free: store both candidate symbols, advance by the number really decoded (0–2).
    out[o] = entry >>> 8;
    out[o + 1] = entry >>> 16;
    o += (entry >>> ENTRY_EMIT_COUNT_SHIFT) & 3;
    seen |= entry;
    state = entry & 0xff;
  }
  if ((seen & ENTRY_EOS) !== 0) throw new HpackError('huffman-eos', 'Huffman string contains EOS');
  if ((entry & ENTRY_ACCEPTS) === 0) {
    if (isOverlongPadding(state)) throw new HpackError('huffman-padding-too-long', 'Huffman padding is longer than 7 bits');
    throw new HpackError('huffman-padding-invalid', 'Huffman padding is not the most significant bits of EOS');
  }
  return o;
}

let scratch = new Uint8Array(256);
/** The shared scratch grows up to this; a longer string gets a buffer of its own, not kept. */
const MAX_SHARED_SCRATCH = 64 * 1024;

/** Output space for decoding: shared (JS is single-threaded and decoding never re-enters). */
export function huffmanScratch(encodedLength: number): Uint8Array {
  const needed = huffmanMaxDecodedLength(encodedLength) + 1;
  if (needed <= scratch.length) return scratch;
  if (needed > MAX_SHARED_SCRATCH) return new Uint8Array(needed);
  scratch = new Uint8Array(Math.min(MAX_SHARED_SCRATCH, Math.max(needed, scratch.length * 2)));
  return scratch;
}

/** Decodes the Huffman string `bytes[start, end)` to a latin1 JS string. */
export function huffmanDecodeToString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const out = huffmanScratch(end - start);
  return latin1Decode(out, 0, huffmanDecodeInto(bytes, start, end, out, 0));
}

/** Decodes the Huffman string `bytes[start, end)` to a new byte array. */
export function huffmanDecode(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  const out = huffmanScratch(end - start);
  return out.slice(0, huffmanDecodeInto(bytes, start, end, out, 0));
}
