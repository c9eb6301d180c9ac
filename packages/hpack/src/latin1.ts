/**
 * Octets ↔ JS strings, one char code per octet (latin1).
 *
 * HTTP field values are octets (RFC 9110 §5.5), not text. Decoding each byte to the char code of
 * the same value lets any byte sequence round-trip exactly; the engine converts to and from UTF-8
 * where it needs text. Encoding rejects char codes above 255, which cannot be an octet.
 */

const fromCharCode = String.fromCharCode;

export interface BytesToText {
  decode(bytes: Uint8Array): string;
}

/**
 * `TextDecoder('latin1')` is fast for longer strings, but the WHATWG label "latin1" means
 * windows-1252, which maps the C1 range 0x80–0x9F to other characters (Node 24 does; Node 20
 * decodes true ISO-8859-1). So probe once: a decoder that is an identity map everywhere is used for
 * any long string; one that differs only in the C1 range is used for long strings without C1
 * octets (the usual case, found by a quick scan); otherwise chunked `String.fromCharCode`.
 */
export const TEXT_DECODER_NONE = 0;
export const TEXT_DECODER_EXCEPT_C1 = 1;
export const TEXT_DECODER_IDENTITY = 2;

/** How far `create()`'s decoder maps each byte to the char code of the same value. */
export function probeLatin1TextDecoder(create: () => BytesToText): number {
  try {
    const probe = new Uint8Array(256);
    for (let i = 0; i < 256; i++) probe[i] = i;
    const text = create().decode(probe);
    if (text.length !== 256) return TEXT_DECODER_NONE;
    let c1Identity = true;
    for (let i = 0; i < 256; i++) {
      if (text.charCodeAt(i) === i) continue;
      if (!isC1(i)) return TEXT_DECODER_NONE;
      c1Identity = false;
    }
    return c1Identity ? TEXT_DECODER_IDENTITY : TEXT_DECODER_EXCEPT_C1;
  } catch {
    return TEXT_DECODER_NONE; // no TextDecoder, or no latin1 label
  }
}

export function isC1(octet: number): boolean {
  return octet >= 0x80 && octet < 0xa0;
}

export function hasC1(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (((bytes[i]! - 0x80) >>> 0) < 0x20) return true;
  return false;
}

const textDecoderKind = probeLatin1TextDecoder(() => new TextDecoder('latin1'));
const textDecoder: BytesToText | null = textDecoderKind === TEXT_DECODER_NONE ? null : new TextDecoder('latin1');
/** Below these lengths `String.fromCharCode` wins (measured on Node 20 and 24). */
const TEXT_DECODER_MIN_LENGTH = 17;
const TEXT_DECODER_WITH_SCAN_MIN_LENGTH = 48;

/** Chunk size for `String.fromCharCode.apply`, well under engines' argument-count limits. */
const APPLY_CHUNK = 4096;

const codeUnits: number[] = [];

function fromCodeUnits(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  const units = codeUnits;
  units.length = n;
  for (let i = 0; i < n; i++) units[i] = bytes[start + i]!;
  return fromCharCode.apply(null, units);
}

/** Decodes `bytes[start, end)` as latin1: each octet becomes one char code 0–255. */
export function latin1Decode(bytes: Uint8Array, start: number, end: number): string {
  const b = bytes;
  const s = start;
  // Short strings (the common case for field names and many values): no allocation but the result.
  // Explicit arguments beat apply() and TextDecoder up to 16 octets.
  switch (end - s) {
    case 0: return '';
    case 1: return fromCharCode(b[s]!);
    case 2: return fromCharCode(b[s]!, b[s + 1]!);
    case 3: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!);
    case 10: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!);
    case 11: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!);
    case 12: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!);
    case 13: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!);
    case 14: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!);
    case 15: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!);
    case 16: return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!, b[s + 15]!);
  }
  if (textDecoder !== null) {
    if (textDecoderKind === TEXT_DECODER_IDENTITY) {
      if (end - s >= TEXT_DECODER_MIN_LENGTH) return textDecoder.decode(b.subarray(s, end));
    } else if (end - s >= TEXT_DECODER_WITH_SCAN_MIN_LENGTH && !hasC1(b, s, end)) {
      return textDecoder.decode(b.subarray(s, end));
    }
  }
  if (end - s <= APPLY_CHUNK) return fromCodeUnits(b, s, end);
  return latin1DecodeByChunks(b, s, end);
}

/** latin1Decode without TextDecoder: `String.fromCharCode` over chunks. */
export function latin1DecodeByChunks(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let from = start; from < end; from += APPLY_CHUNK) text += fromCodeUnits(bytes, from, Math.min(end, from + APPLY_CHUNK));
  return text;
}

/** Thrown when a string cannot be sent as octets. */
export function notLatin1(text: string): RangeError {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return new RangeError(`header text has a character above U+00FF (convert it to octets first): ${JSON.stringify(shown)}`);
}

/**
 * Writes `text` as latin1 into `out` at `pos` and returns the position after it.
 * Throws a RangeError on a char code above 255; `out` must have room for `text.length` bytes.
 */
export function latin1EncodeInto(text: string, out: Uint8Array, pos: number): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw notLatin1(text);
    out[pos + i] = c;
  }
  return pos + n;
}

/** `text` as a new latin1 byte array (throws on char codes above 255). */
export function latin1Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  latin1EncodeInto(text, out, 0);
  return out;
}
