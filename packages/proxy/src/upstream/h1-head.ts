// The head of an HTTP/1.1 response (RFC 9112 §4, §5), read from its bytes: status line, then field lines. A keep-alive
// connection to one backend sees the same field lines again and again (server, content-type, often content-length),
// so each connection remembers its last lines by position and reuses the parsed field when the bytes are identical:
// the common response allocates no field strings at all. Strict as the connection's safety needs: bare CR or LF,
// obs-fold, whitespace before the colon, invalid names or values are errors.
import type { HeaderField, HeaderList } from '../translate/head.js';
import { TOKEN_CHARS } from '../translate/validate.js';

export class ResponseError extends Error {}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
/** Field lines remembered per connection, and the longest one worth remembering. */
const CACHED_LINES = 32;
const CACHED_LINE_BYTES = 256;

interface CachedLine {
  bytes: Uint8Array;
  field: HeaderField;
}

/** End of the line starting at `at`: the CR of its CRLF, or `end` (the head's last line). Bare CR or LF throws. */
function lineEnd(b: Uint8Array, at: number, end: number): number {
  for (let i = at; i < end; i++) {
    const c = b[i]!;
    if (c === CR) {
      if (i + 1 < end && b[i + 1] === LF) return i;
      throw new ResponseError('bare CR or LF in the response head');
    }
    if (c === LF) throw new ResponseError('bare CR or LF in the response head');
  }
  return end;
}

/** Up to this many bytes a loop copies without making a view to set() from (a typed array allocated per copy). */
const SMALL_COPY = 64;

/**
 * A copy of b[start, end). Never `b.slice()`: on a Buffer that is a view, and the bytes may sit in a read buffer that
 * the next read overwrites (upstream/connect.ts, a switchable SlabReader).
 */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  const n = end - start;
  const out = new Uint8Array(n);
  if (n <= SMALL_COPY) for (let i = 0; i < n; i++) out[i] = b[start + i]!;
  else out.set(start === 0 && end === b.length ? b : b.subarray(start, end));
  return out;
}

/** Whether b[start, end) holds exactly the bytes of `a`. */
export function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

function latin1(b: Uint8Array, start: number, end: number): string {
  const view = b instanceof Buffer ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
  return view.toString('latin1', start, end);
}

/** `name: value` (RFC 9112 §5): a token name right before the colon, OWS-trimmed value without controls but HTAB. */
function parseFieldLine(b: Uint8Array, start: number, end: number): HeaderField {
  const c0 = b[start]!;
  if (c0 === SP || c0 === HTAB) throw new ResponseError('obs-fold in a response');
  let colon = start;
  while (colon < end && b[colon] !== 0x3a) colon++;
  if (colon === end || colon === start) throw new ResponseError('field line without a name');
  for (let i = start; i < colon; i++) {
    const c = b[i]!;
    if (c >= 128 || TOKEN_CHARS[c] === 0) throw new ResponseError(`invalid field name ${JSON.stringify(latin1(b, start, colon))}`);
  }
  let vs = colon + 1;
  let ve = end;
  while (vs < ve && (b[vs] === SP || b[vs] === HTAB)) vs++;
  while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HTAB)) ve--;
  const name = latin1(b, start, colon).toLowerCase();
  for (let i = vs; i < ve; i++) {
    const c = b[i]!;
    if ((c < SP && c !== HTAB) || c === 0x7f) throw new ResponseError(`invalid value of ${name}`);
  }
  return [name, latin1(b, vs, ve)];
}

/** Reads response heads of one connection; after read(), `minor`, `status` and `headers` describe the head. */
export class HeadReader {
  minor = 1;
  status = 0;
  headers: HeaderList = [];
  private statusLine: Uint8Array | null = null;
  private readonly lines: Array<CachedLine | undefined> = [];

  /** Reads b[start, end): the status line and field lines, without the CRLF CRLF that ends the head. */
  read(b: Uint8Array, start: number, end: number): void {
    let e = lineEnd(b, start, end);
    this.readStatusLine(b, start, e);
    const headers: HeaderList = [];
    let index = 0;
    for (let at = e + 2; at < end; at = e + 2) {
      e = lineEnd(b, at, end);
      if (e === at) continue;
      headers.push(this.field(b, at, e, index++));
    }
    this.headers = headers;
  }

  /** `HTTP/1.x SSS[ reason]` (RFC 9112 §4). */
  private readStatusLine(b: Uint8Array, start: number, end: number): void {
    const last = this.statusLine;
    if (last !== null && sameBytes(last, b, start, end)) return;
    const n = end - start;
    const ok = n >= 12 && b[start] === 0x48 && b[start + 1] === 0x54 && b[start + 2] === 0x54 && b[start + 3] === 0x50 && b[start + 4] === 0x2f
      && b[start + 5] === 0x31 && b[start + 6] === 0x2e && (b[start + 7] === 0x30 || b[start + 7] === 0x31) && b[start + 8] === SP
      && b[start + 9]! >= 0x31 && b[start + 9]! <= 0x39 && isDigit(b[start + 10]!) && isDigit(b[start + 11]!) && (n === 12 || b[start + 12] === SP);
    if (!ok) throw new ResponseError(`invalid status line ${JSON.stringify(latin1(b, start, Math.min(end, start + 40)))}`);
    this.minor = b[start + 7]! - 0x30;
    this.status = (b[start + 9]! - 0x30) * 100 + (b[start + 10]! - 0x30) * 10 + (b[start + 11]! - 0x30);
    this.statusLine = n <= CACHED_LINE_BYTES ? copyBytes(b, start, end) : null;
  }

  private field(b: Uint8Array, start: number, end: number, index: number): HeaderField {
    const cached = this.lines[index];
    if (cached !== undefined && sameBytes(cached.bytes, b, start, end)) return cached.field;
    const field = parseFieldLine(b, start, end);
    if (index < CACHED_LINES && end - start <= CACHED_LINE_BYTES) this.lines[index] = { bytes: copyBytes(b, start, end), field };
    return field;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Trailer field lines (latin1 text of one line, no CRLF): parsed without the cache. */
export function parseFieldText(line: string): HeaderField {
  const b = Buffer.from(line, 'latin1');
  return parseFieldLine(b, 0, b.length);
}
