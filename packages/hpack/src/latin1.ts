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
 * windows-1252, which maps 0x80–0x9F elsewhere. Node decodes it as true ISO-8859-1; other runtimes
 * may not, so probe once and fall back to `String.fromCharCode` where it is not an identity map.
 */
const latin1TextDecoder: BytesToText | null = probeLatin1TextDecoder(() => new TextDecoder('latin1'));

/** Returns the decoder if it maps every byte to the char code of the same value, else null. */
export function probeLatin1TextDecoder(create: () => BytesToText): BytesToText | null {
  try {
    const decoder = create();
    const probe = new Uint8Array(256);
    for (let i = 0; i < 256; i++) probe[i] = i;
    const text = decoder.decode(probe);
    if (text.length !== 256) return null;
    for (let i = 0; i < 256; i++) if (text.charCodeAt(i) !== i) return null;
    return decoder;
  } catch {
    return null; // no TextDecoder, or no latin1 label
  }
}

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
  if (latin1TextDecoder !== null) return latin1TextDecoder.decode(b.subarray(s, end));
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
