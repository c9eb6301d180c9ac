// The HTTP/1.1 request head (RFC 9112 §3, §5) written as bytes: one pooled Buffer per request instead of a string
// built by concatenation and flattened again by the socket write (most of the proxy's per-request garbage).
import type { HeaderField, HeaderList } from '../translate/head.js';

const HTTP11_CRLF = ' HTTP/1.1\r\n';
/** Longest head part (request line and fields) a RequestHeadCache keeps. */
const CACHED_HEAD_BYTES = 2048;

/**
 * The bytes of the last request head written for a pool, with the request line and fields they came from. Requests
 * to a backend repeat most of their head (a client's same fields, this proxy's Via and X-Forwarded-* fields), and
 * differ mostly in a last generated field (x-request-id): the bytes up to the first field that differs are copied
 * instead of written char by char. A field matches when it is the same tuple (a client's HPACK-indexed field, a
 * constant) or has the same name and value.
 */
export class RequestHeadCache {
  method = '';
  path = '';
  /** The fields the bytes were written from (none: only the request line, when `method` is set), and where each one's
   *  line ends in `bytes`. */
  readonly fields: HeaderField[] = [];
  readonly ends: number[] = [];
  /** End of the request line in `bytes`. */
  lineEnd = 0;
  readonly bytes = Buffer.allocUnsafe(CACHED_HEAD_BYTES);
}

function sameField(a: HeaderField, b: HeaderField): boolean {
  return a === b || (a[0] === b[0] && a[1] === b[1]);
}

/**
 * `METHOD path HTTP/1.1`, each field as `name: value`, then `extra` (complete `name: value\r\n` lines, or ''), then
 * the empty line. Every char is written as its low octet, as Node's 'latin1' encoding does (field values are octets),
 * so nothing is checked here: a char above 0xFF would lose its high byte (U+010A writes LF). Client text was checked by
 * checkRequestHead (no CTLs, nothing above 0xFF); values from the config must be checked where they are read.
 */
export function requestHeadBytes(method: string, path: string, headers: HeaderList, extra: string, cache: RequestHeadCache | null = null): Buffer {
  // What the cache already holds: the request line, then its fields up to the first that differs.
  let same = 0;
  let prefix = 0;
  if (cache !== null && cache.method === method && cache.path === path) {
    prefix = cache.lineEnd;
    const n = Math.min(cache.fields.length, headers.length);
    while (same < n && sameField(headers[same]!, cache.fields[same]!)) prefix = cache.ends[same++]!;
  }
  let length = (prefix === 0 ? method.length + 1 + path.length + HTTP11_CRLF.length : prefix) + extra.length + 2;
  for (let i = same; i < headers.length; i++) {
    const field = headers[i]!;
    length += field[0].length + field[1].length + 4;
  }
  const out = Buffer.allocUnsafe(length); // small heads come from Node's shared pool
  let at: number;
  if (prefix > 0) {
    at = cache!.bytes.copy(out, 0, 0, prefix);
  } else {
    at = put(out, 0, method);
    out[at++] = 0x20;
    at = put(out, at, path);
    at = put(out, at, HTTP11_CRLF);
  }
  const lineEnd = prefix > 0 ? cache!.lineEnd : at;
  /** Fields whose line ends within CACHED_HEAD_BYTES (their `ends` are set), counted from the first. */
  let fit = headers.length;
  for (let i = same; i < headers.length; i++) {
    const field = headers[i]!;
    at = put(out, at, field[0]);
    out[at++] = 0x3a; // ':'
    out[at++] = 0x20;
    at = put(out, at, field[1]);
    out[at++] = 0x0d;
    out[at++] = 0x0a;
    if (cache === null) continue;
    if (at <= CACHED_HEAD_BYTES) cache.ends[i] = at;
    else if (fit === headers.length) fit = i;
  }
  if (cache !== null) remember(cache, method, path, headers, same, fit, out, prefix, at, lineEnd);
  at = put(out, at, extra);
  out[at++] = 0x0d;
  out[at] = 0x0a;
  return out;
}

/** Credentials are never kept: the cache holds the fields before the first of these (the cookie's value too). */
const UNCACHED = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * Makes `cache` hold this head up to its first credential field: fields from `same` on, and the bytes from out[from]
 * on (from 0 when the request line was written here). The `ends` of the first `fit` fields are set; a field past them
 * ends beyond what the cache keeps.
 */
function remember(cache: RequestHeadCache, method: string, path: string, headers: HeaderList, same: number, fit: number, out: Buffer, from: number, end: number, lineEnd: number): void {
  let count = headers.length;
  for (let i = same; i < count; i++) if (UNCACHED.has(headers[i]![0])) count = i;
  const keepEnd = count > fit ? Infinity : count === 0 ? lineEnd : count === headers.length ? end : cache.ends[count - 1]!;
  if (keepEnd > CACHED_HEAD_BYTES) {
    cache.method = ''; // too long to keep: the next head is written in full
    cache.fields.length = 0;
    return;
  }
  out.copy(cache.bytes, from, from, keepEnd);
  for (let i = same; i < count; i++) cache.fields[i] = headers[i]!;
  if (cache.fields.length > count) cache.fields.length = count; // no reference kept past what is cached
  cache.method = method;
  cache.path = path;
  cache.lineEnd = lineEnd;
}

function put(out: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}
