import type { ByteWriter } from './byte-writer.js';
import { writeStringLiteral } from './string-literal.js';

/**
 * The last few encoded string literals of `date` values, shared by every encoder of the process. `date` stays out of
 * the dynamic table (one-off by policy), yet a server sends the same value in every response of a second: this keeps
 * its Huffman coding from being redone per response. One process-wide array instead of per-connection state; the
 * encoder uses it for nothing else (no credential or query string is kept here). Entries are replaced round-robin.
 */
const SLOTS = 4;
/** Values shorter than this cost less to encode than to look up; longer ones are not kept (bounded memory). */
const MIN_LENGTH = 12;
const MAX_LENGTH = 128;
const values: string[] = new Array<string>(SLOTS).fill('');
const modes: number[] = new Array<number>(SLOTS).fill(-1);
const encoded: Uint8Array[] = new Array<Uint8Array>(SLOTS).fill(new Uint8Array(0));
let next = 0;

/** Writes `text` as a string literal (RFC 7541 §5.2) in Huffman `mode`, reusing a recent encoding of it. */
export function writeCachedStringLiteral(w: ByteWriter, text: string, mode: number): void {
  if (text.length < MIN_LENGTH || text.length > MAX_LENGTH) return writeStringLiteral(w, text, mode);
  for (let i = 0; i < SLOTS; i++) {
    if (values[i] === text && modes[i] === mode) return w.write(encoded[i]!);
  }
  const start = w.pos;
  writeStringLiteral(w, text, mode);
  const slot = next;
  next = slot + 1 === SLOTS ? 0 : slot + 1;
  values[slot] = text;
  modes[slot] = mode;
  encoded[slot] = w.buf.slice(start, w.pos);
}
