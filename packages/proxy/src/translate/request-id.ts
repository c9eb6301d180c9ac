// x-request-id values: UUID-shaped (8-4-4-4-12 hex), unique per process without a random draw per request — 64 random
// bits chosen at start (per worker) and a 64-bit counter.
import { randomBytes } from 'node:crypto';

const prefix = randomBytes(8).toString('hex');
const head = `${prefix.slice(0, 8)}-${prefix.slice(8, 12)}-${prefix.slice(12, 16)}-`;
let counter = 0;

export function nextRequestId(): string {
  const n = (counter++).toString(16).padStart(16, '0');
  return `${head}${n.slice(0, 4)}-${n.slice(4)}`;
}
