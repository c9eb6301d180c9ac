// x-request-id values: UUID-shaped (8-4-4-4-12 hex), unique per process without a random draw per request — 64 random
// bits chosen at start (per worker) and a 64-bit counter (groups 4 and 5).
import { randomBytes } from 'node:crypto';

const prefix = randomBytes(8).toString('hex');
const head = `${prefix.slice(0, 8)}-${prefix.slice(8, 12)}-${prefix.slice(12, 16)}-`;
/** The prefix while the counter is below 2^48 (its top 16 bits, group 4, are zero). */
const headLow = `${head}0000-`;
const ZEROS = '000000000000';
const LOW_LIMIT = 2 ** 48;
let counter = 0;

export function nextRequestId(): string {
  const c = counter++;
  if (c < LOW_LIMIT) {
    const hex = c.toString(16);
    return headLow + ZEROS.slice(hex.length) + hex;
  }
  const n = c.toString(16).padStart(16, '0');
  return `${head}${n.slice(0, 4)}-${n.slice(4)}`;
}
