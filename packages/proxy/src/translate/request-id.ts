// x-request-id values: RFC 9562 version-4-shaped UUIDs (8-4-4-4-12 hex, version nibble 4, variant bits 10), unique per
// process without a random draw per request — 60 random bits chosen at start (per worker) in groups 1–3, and a
// counter in groups 4–5 (14 bits beside the variant, then 48). Unique and well formed, not unpredictable: an id is for
// tracing, never a secret.
import { randomBytes } from 'node:crypto';

const prefix = randomBytes(8).toString('hex');
const head = `${prefix.slice(0, 8)}-${prefix.slice(8, 12)}-4${prefix.slice(13, 16)}-`;
/** The prefix while the counter is below 2^48 (group 4 is then the variant bits and zeros). */
const headLow = `${head}8000-`;
const ZEROS = '000000000000';
const LOW_LIMIT = 2 ** 48;
/** The counter wraps where doubles stop counting exactly (2^53 ids per process first; it fits the 62 bits). */
const WRAP = 2 ** 53;
let counter = 0;
/** Two hex digits by value. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** The id of counter values 256·block … 256·block + 255 without its last two digits (one toString(16) per block). */
let blockHead = '';
let block = -1;

export function nextRequestId(): string {
  const c = counter;
  counter = c + 1 === WRAP ? 0 : c + 1;
  if (c >= LOW_LIMIT) return formatRequestId(c);
  const b = Math.floor(c / 256);
  if (b !== block) {
    block = b;
    blockHead = formatRequestId(c - (c % 256)).slice(0, -2);
  }
  return blockHead + HEX2[c % 256]!;
}

/** The id for counter value `c` (an integer, 0 ≤ c < 2^53). */
export function formatRequestId(c: number): string {
  if (c < LOW_LIMIT) {
    const hex = c.toString(16);
    return headLow + ZEROS.slice(hex.length) + hex;
  }
  const high = Math.floor(c / LOW_LIMIT); // < 2^5
  const low = (c - high * LOW_LIMIT).toString(16);
  return `${head}${(0x8000 | high).toString(16)}-${ZEROS.slice(low.length)}${low}`;
}
